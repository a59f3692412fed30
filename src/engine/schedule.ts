// The scheduler (the Decider's `decide`, STYLE §1): a ready queue fed by node outcomes. Each node
// keeps a count of its unfinished predecessors; when the count reaches zero the node is decided
// once — skipped (a skipped predecessor, or a `when` that is false over its view), held (a fatal
// predecessor), or queued as ready — so a run costs O((V + E) log V) in all, never a rescan per
// wake-up. Ready nodes start in topological order (ties by declaration order). Pure: no I/O, no
// clock. The engine (run-loop.ts) reports outcomes and carries out the decisions.
import { evalExpr, exprPaths, parseExpr, truthy } from '../experience/expr.js';
import type { Graph } from '../experience/topology.js';
import type { RunStatus } from '../log/events.js';
import { MinHeap } from '../util/heap.js';
import type { NodeId } from '../util/ids.js';
import type { View } from './views.js';

/** What the engine should do next. */
export type Decision =
  | { type: 'skip'; nodeId: NodeId; reason: string }
  | { type: 'start'; nodeId: NodeId }
  | { type: 'finish'; status: RunStatus };

/** A stop requested from outside: `pause` lets running nodes finish, `cancel` aborts them. */
export type StopRequest = 'pause' | 'cancel' | null;

/**
 * How a node ended, as the scheduler needs it. `fatal` failures hold the run (not `on_error: skip`);
 * `waiting` is a gate without a verdict (issue #11 §1): it holds the run too, which ends paused.
 */
export type Outcome = 'completed' | 'cached' | 'skipped' | 'failed' | 'fatal' | 'waiting';

/** Where a node stands in the scheduler. */
type Phase = 'waiting' | 'ready' | 'running' | 'done';

/**
 * The ready queue of one run.
 * `viewOf(id)` gives a node's view when a `when` must be evaluated (views.ts); it is called at most
 * once per node, when its last predecessor finishes.
 */
export class Scheduler {
  private readonly remaining = new Map<NodeId, number>();
  private readonly phase = new Map<NodeId, Phase>();
  private readonly outcome = new Map<NodeId, Outcome>();
  private readonly ready: MinHeap<NodeId>;
  private readonly skips: Array<Extract<Decision, { type: 'skip' }>> = [];
  private running = 0;
  private finished = 0;
  private fatal = false;
  private gatesWaiting = 0;

  constructor(
    private readonly graph: Graph,
    private readonly viewOf: (id: NodeId) => View,
  ) {
    const rank = graph.rank;
    this.ready = new MinHeap<NodeId>((a, b) => rank.get(a)! < rank.get(b)!);
    for (const id of graph.order) {
      const n = graph.preds.get(id)!.length;
      this.remaining.set(id, n);
      this.phase.set(id, 'waiting');
    }
    for (const id of graph.order) if (this.remaining.get(id) === 0) this.decideReady(id);
  }

  /** True once a fatal failure holds the run. */
  get failed(): boolean {
    return this.fatal;
  }

  /** Gates waiting for a verdict. */
  get waiting(): number {
    return this.gatesWaiting;
  }

  /** Nodes launched and not finished. */
  get inFlight(): number {
    return this.running;
  }

  /**
   * Reports a node's final outcome. For `completed`, call it once the completion is durable, so no
   * successor starts on a result a crash could lose. Idempotent per node.
   */
  done(id: NodeId, outcome: Outcome): void {
    const before = this.phase.get(id);
    if (before === 'done' || before === undefined) return;
    if (before === 'running') this.running--;
    if (outcome === 'waiting') {
      // Not finished: the gate and what follows it stay pending for the resume that brings the verdict.
      this.phase.set(id, 'done');
      this.gatesWaiting++;
      return;
    }
    this.phase.set(id, 'done');
    this.outcome.set(id, outcome);
    this.finished++;
    if (outcome === 'fatal') this.fatal = true;
    for (const s of this.graph.succs.get(id)!) {
      const left = this.remaining.get(s)! - 1;
      this.remaining.set(s, left);
      if (left === 0) this.decideReady(s);
    }
  }

  /**
   * The next actions. Skips come first and alone (each must be appended, then reported with
   * `done(id, 'skipped')`, which may decide others); then ready nodes start in rank order while fewer
   * than `concurrency` run, unless a fatal failure or a stop holds the run — a returned start counts
   * as running from then on, so the engine must carry it out; when nothing runs and
   * nothing can start, the run finishes: `cancelled` on a cancel, `failure` after a fatal failure,
   * `paused` on a pause with work left, else `success`. An empty list means: wait for an outcome.
   */
  next(concurrency: number, stop: StopRequest): Decision[] {
    if (this.skips.length > 0) return this.skips.splice(0);
    const held = this.fatal || stop !== null || this.gatesWaiting > 0;
    const starts: Decision[] = [];
    if (!held) {
      while (this.running + starts.length < concurrency) {
        const id = this.ready.pop();
        if (id === undefined) break;
        starts.push({ type: 'start', nodeId: id });
        this.phase.set(id, 'running');
      }
      this.running += starts.length;
      if (starts.length > 0) return starts;
    }
    if (this.running > 0) return [];
    if (stop === 'cancel') return [{ type: 'finish', status: 'cancelled' }];
    if (this.fatal) return [{ type: 'finish', status: 'failure' }];
    if ((stop === 'pause' || this.gatesWaiting > 0) && this.finished < this.graph.order.length) return [{ type: 'finish', status: 'paused' }];
    return [{ type: 'finish', status: 'success' }];
  }

  /**
   * A node whose predecessors have all finished: skip it, hold it, or queue it. A group's follower
   * (experience/topology.ts) is never queued: its leader's task finishes it.
   */
  private decideReady(id: NodeId): void {
    if (this.phase.get(id) === 'done') return;
    const preds = this.graph.preds.get(id)!;
    const skipped = preds.find((p) => this.outcome.get(p) === 'skipped');
    if (skipped !== undefined) {
      this.skips.push({ type: 'skip', nodeId: id, reason: `upstream node ${skipped} was skipped` });
      return;
    }
    // A fatal predecessor holds the run: the node stays waiting (pending for a resume).
    if (preds.some((p) => this.outcome.get(p) === 'fatal')) return;
    if (this.graph.followers.has(id)) return;
    const edges = this.graph.incoming.get(id)!;
    if (edges.some((e) => e.when !== undefined)) {
      const view = this.viewOf(id);
      const falseEdge = edges.find((e) => {
        if (e.when === undefined) return false;
        const expr = parseExpr(e.when);
        return !truthy(evalExpr(expr, view.pick(exprPaths(expr).map((p) => p[0]!))));
      });
      if (falseEdge) {
        this.skips.push({ type: 'skip', nodeId: id, reason: `edge from ${falseEdge.from}: when "${falseEdge.when}" is false` });
        return;
      }
    }
    this.phase.set(id, 'ready');
    this.ready.push(id);
  }
}
