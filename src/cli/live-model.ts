// What the live view shows (issue #14 §1), folded from the run's events: the nodes running now (since
// when, which attempt, LLM retries), each for_each node's progress (done/total), and how many nodes
// are done. A display model over the engine's events and its fold — no second idea of the run's
// status: node statuses are the fold's (RunState), this keeps only counters that are cheap to read at
// every frame. Pure: no I/O, no clock (times come from the events' `ts`).
import { getPath, parseStatePath } from '../experience/path.js';
import type { Experience } from '../experience/types.js';
import { mergeDelta, type StateValues } from '../engine/merge.js';
import { deltaOf } from '../engine/inputs.js';
import { definitionGraph } from '../inspect/definition.js';
import type { OeEvent } from '../log/events.js';
import type { RunState } from '../log/fold.js';
import { assertNever } from '../util/assert-never.js';
import type { NodeId } from '../util/ids.js';

/** A node running now, as the live view draws it. */
export interface RunningNode {
  nodeId: string;
  /** ms since the epoch of its first node.started (the aggregate's, for a for_each node). */
  startedMs: number;
  attempt: number;
  /** LLM request retries inside its attempts (node.retrying). */
  retries: number;
  /** For a for_each node: its items. `total` is undefined when the source could not be evaluated. */
  items?: { done: number; failed: number; running: number; total: number | undefined };
}

/** The model the frame is drawn from. */
export interface LiveModel {
  /** Running nodes in the order they started. */
  running: Map<string, RunningNode>;
  /** Nodes that reached a final status. */
  done: number;
  /** Nodes of the experience. */
  total: number;
  /** ms since the epoch of run.started. */
  startedMs: number;
}

/** An empty model (before run.started). */
export function emptyLiveModel(): LiveModel {
  return { running: new Map(), done: 0, total: 0, startedMs: Date.parse('') };
}

/**
 * The length of a for_each node's source array, evaluated as the engine does (SPEC §2.5): the run
 * args that are state fields, merged with the node's ancestors' deltas in topological order.
 * Undefined when the source is not an array (the node then fails, and says why) or the merge
 * conflicts — the view then shows items done without a total.
 */
export function forEachTotal(state: Readonly<RunState>, nodeId: string): number | undefined {
  const exp = state.definition as unknown as Experience | undefined;
  const def = exp?.graph?.nodes?.find((n) => n.id === nodeId);
  const path = def?.for_each ? parseStatePath(def.for_each.source) : null;
  if (!exp || !path) return undefined;
  const g = definitionGraph(state.definition);
  const ancestors = new Set<string>();
  const stack = [...(g.preds.get(nodeId) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    if (!ancestors.has(p)) stack.push(...(ancestors.add(p), g.preds.get(p) ?? []));
  }
  const schema = exp.state?.schema ?? {};
  const view: StateValues = {};
  for (const [k, v] of Object.entries(state.args)) if (k in schema) view[k] = structuredClone(v);
  try {
    for (const id of g.order) {
      const delta = ancestors.has(id) ? deltaOf(state as RunState, id as NodeId) : undefined;
      if (delta) mergeDelta(view, delta, schema);
    }
  } catch {
    // A set_once conflict: the engine fails the node with that error; the view has no total to show.
    return undefined;
  }
  const items = getPath(view[path[0]!], path.slice(1));
  return Array.isArray(items) ? items.length : undefined;
}

/**
 * Folds one event into the model (mutating it, like the engine's fold) and returns it. `state` is the
 * engine's fold with this event applied.
 */
export function applyLiveEvent(m: LiveModel, e: OeEvent, state: Readonly<RunState>): LiveModel {
  switch (e.type) {
    case 'run.started':
      m.startedMs = Date.parse(e.ts);
      m.total = definitionGraph(e.definition).order.length;
      return m;
    case 'node.started': {
      const r = m.running.get(e.nodeId);
      if (e.iteration) {
        const items = r?.items;
        if (items) items.running++;
        return m;
      }
      if (r) r.attempt = e.attempt;
      else {
        const isFanOut = (state.definition as unknown as Experience | undefined)?.graph?.nodes?.some((n) => n.id === e.nodeId && n.for_each);
        m.running.set(e.nodeId, {
          nodeId: e.nodeId,
          startedMs: Date.parse(e.ts),
          attempt: e.attempt,
          retries: 0,
          ...(isFanOut ? { items: { done: 0, failed: 0, running: 0, total: forEachTotal(state, e.nodeId) } } : {}),
        });
      }
      return m;
    }
    case 'node.retrying': {
      const r = m.running.get(e.nodeId);
      if (r) r.retries++;
      return m;
    }
    case 'node.completed':
    case 'node.cached':
    case 'node.skipped':
    case 'node.failed': {
      const final = e.type !== 'node.failed' || !e.willRetry;
      if ('iteration' in e && e.iteration) {
        const items = m.running.get(e.nodeId)?.items;
        if (!items) return m;
        if (e.type !== 'node.cached') items.running = Math.max(0, items.running - 1);
        if (final) items[e.type === 'node.failed' ? 'failed' : 'done']++;
        return m;
      }
      if (final) {
        m.running.delete(e.nodeId);
        m.done++;
      }
      return m;
    }
    case 'gate.waiting':
    case 'run.paused':
    case 'run.completed':
      return m;
    default:
      return assertNever(e, 'event');
  }
}
