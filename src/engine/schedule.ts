// The scheduler's decisions (the Decider's `decide`, STYLE §1): given the fold and the plan, which
// nodes to skip, which to start from the ready queue, and whether the run is over. Pure: no I/O,
// no clock. The engine (run.ts) carries the decisions out and folds the resulting events.
import { evalWhen } from '../experience/expr.js';
import type { NodeDef } from '../experience/types.js';
import type { NodeState, RunState } from '../log/fold.js';
import type { RunStatus } from '../log/events.js';
import type { NodeId } from '../util/ids.js';
import { viewFor, type Plan } from './inputs.js';

/** What the engine should do next. */
export type Decision =
  | { type: 'skip'; nodeId: NodeId; reason: string }
  | { type: 'start'; nodeId: NodeId }
  | { type: 'finish'; status: RunStatus };

/** A stop requested from outside: `pause` lets running nodes finish, `cancel` aborts them. */
export type StopRequest = 'pause' | 'cancel' | null;

/** Inputs to decide() that are not in the log. */
export interface DecideContext {
  /** Nodes the engine launched and whose task has not returned (their events may not be folded yet). */
  launching: ReadonlySet<NodeId>;
  /** Nodes running at once (`--concurrency` / runtime.concurrency). */
  concurrency: number;
  stop: StopRequest;
}

/** True when a finished node's failure stops the run: any final failure but under `on_error: skip`. */
export function isFatal(node: NodeDef, n: NodeState | undefined): boolean {
  return n?.status === 'failed' && node.on_error.policy !== 'skip';
}

const finished = (n: NodeState | undefined): boolean =>
  n !== undefined && (n.status === 'completed' || n.status === 'cached' || n.status === 'failed' || n.status === 'skipped');

/**
 * Decides the next actions, scanning nodes in topological order (so ties go to declaration order):
 * - a pending node whose predecessors are all finished is **skipped** when one of them was skipped
 *   (the cascade) or the `when` of one of its incoming edges is false over its view; otherwise it is
 *   **ready**;
 * - ready nodes **start** while fewer than `concurrency` nodes run, unless a fatal failure or a stop
 *   request holds the run;
 * - when nothing runs and nothing can start, the run **finishes**: `failure` after a fatal failure,
 *   `cancelled` / `paused` on a stop request with work left, else `success`.
 * Skips come first and alone: the engine appends them and asks again, since a skip can decide others.
 * @throws {MergeConflictError} if a view cannot be merged (prevented by validation).
 */
export function decide(plan: Plan, state: RunState, ctx: DecideContext): Decision[] {
  const { graph } = plan;
  let running = 0;
  let fatal = false;
  let pending = 0;
  for (const id of graph.order) {
    const n = state.nodes.get(id);
    if (n?.status === 'running' || ctx.launching.has(id)) running++;
    if (isFatal(graph.nodes.get(id)!, n)) fatal = true;
  }
  const held = fatal || ctx.stop !== null;
  const skips: Decision[] = [];
  const starts: Decision[] = [];
  for (const id of graph.order) {
    const n = state.nodes.get(id);
    if (ctx.launching.has(id) || (n !== undefined && n.status !== 'pending')) continue;
    pending++;
    const preds = graph.preds.get(id)!;
    if (!preds.every((p) => finished(state.nodes.get(p)))) continue;
    const skippedPred = preds.find((p) => state.nodes.get(p)!.status === 'skipped');
    if (skippedPred !== undefined) {
      skips.push({ type: 'skip', nodeId: id, reason: `upstream node ${skippedPred} was skipped` });
      continue;
    }
    if (preds.some((p) => isFatal(graph.nodes.get(p)!, state.nodes.get(p)))) continue;
    const edges = graph.incoming.get(id)!.filter((e) => e.when !== undefined);
    if (edges.length > 0) {
      const view = viewFor(plan, state, id);
      const falseEdge = edges.find((e) => !evalWhen(e.when!, view));
      if (falseEdge) {
        skips.push({ type: 'skip', nodeId: id, reason: `edge from ${falseEdge.from}: when "${falseEdge.when}" is false` });
        continue;
      }
    }
    if (!held && running + starts.length < ctx.concurrency) starts.push({ type: 'start', nodeId: id });
  }
  if (skips.length > 0) return skips;
  if (starts.length > 0) return starts;
  if (running > 0) return [];
  if (ctx.stop === 'cancel') return [{ type: 'finish', status: 'cancelled' }];
  if (fatal) return [{ type: 'finish', status: 'failure' }];
  if (ctx.stop === 'pause' && pending > 0) return [{ type: 'finish', status: 'paused' }];
  return [{ type: 'finish', status: 'success' }];
}

/** Nodes that have not finished and are not running: what a paused run leaves for its resume. */
export function pendingNodes(plan: Plan, state: RunState): NodeId[] {
  return plan.graph.order.filter((id) => {
    const n = state.nodes.get(id);
    return n === undefined || n.status === 'pending';
  });
}
