// Node views, built incrementally (SPEC §2.5). A node's view is the seed merged with its ancestors'
// state deltas in topological order. Re-merging every ancestor for every node is quadratic on a
// chain; instead each finished node leaves an immutable "view out" — its view with its own delta
// applied — and a node's view is derived from its predecessors' views out:
// - with one predecessor it IS that predecessor's view out (shared, not copied);
// - with several, each field is taken from the contribution ranked last (`last_wins`) or first
//   (`set_once`) in topological order, and `array_append` fields are the union of the ranked
//   contributions (shared tails are not walked twice).
// Every field entry remembers the topological rank of the node that wrote it, so the result equals
// the in-order merge exactly, at a cost proportional to the fields written, not to the ancestors.
// Pure: no I/O.
import type { Graph } from '../experience/topology.js';
import type { MergeStrategy, StateField } from '../experience/types.js';
import type { NodeId } from '../util/ids.js';
import type { Json } from '../util/canonical-json.js';
import { MergeConflictError, type StateValues } from './merge.js';

/** The rank of the run-arg seed: before every node. */
const SEED_RANK = -1;

/** An `array_append` field's contributions, newest (highest rank) first; a persistent list. */
interface Parts {
  rank: number;
  /** The contribution as written: an array delta's elements are appended, any other value as one. */
  value: Json;
  prev: Parts | null;
}

/** One field of a view: its value (or contributions) and the rank of the node that set it. */
type FieldEntry = { kind: 'single'; rank: number; value: Json } | { kind: 'append'; parts: Parts };

/**
 * An immutable view: field → entry. Materialized values are cached per view, so reading a field
 * twice costs once.
 */
export class View {
  private readonly cache = new Map<string, Json>();

  /** @internal built by ViewBuilder only. */
  constructor(readonly entries: ReadonlyMap<string, FieldEntry>) {}

  /** The field's value, or undefined when no ancestor (and no seed) set it. */
  get(field: string): Json | undefined {
    const entry = this.entries.get(field);
    if (entry === undefined) return undefined;
    if (entry.kind === 'single') return entry.value;
    let v = this.cache.get(field);
    if (v === undefined) {
      v = materialize(entry.parts);
      this.cache.set(field, v);
    }
    return v;
  }

  /** The fields that have a value. */
  fields(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** The given fields that have a value, as plain values (what a `when` or a `$.path` reads). */
  pick(fields: Iterable<string>): StateValues {
    const out: StateValues = {};
    for (const f of fields) {
      const v = this.get(f);
      if (v !== undefined) out[f] = v;
    }
    return out;
  }

  /** Every field as plain values (for views that are small or wanted whole). */
  toValues(): StateValues {
    const out: StateValues = {};
    for (const f of this.entries.keys()) out[f] = this.get(f)!;
    return out;
  }
}

/** `[...base, ...value]` or `[...base, value]`, as mergeDelta does for `array_append`. */
function materialize(head: Parts): Json {
  const chain: Parts[] = [];
  for (let p: Parts | null = head; p !== null; p = p.prev) chain.push(p);
  chain.reverse();
  // Only the seed: the value as given (mergeDelta leaves a seed untouched until a node appends).
  if (chain.length === 1 && chain[0]!.rank === SEED_RANK) return chain[0]!.value;
  const out: Json[] = [];
  for (const p of chain) {
    if (p.rank === SEED_RANK) {
      if (Array.isArray(p.value)) out.push(...p.value);
      else if (p.value !== null) out.push(p.value);
    } else if (Array.isArray(p.value)) out.push(...p.value);
    else out.push(p.value);
  }
  return out;
}

/** Merges two contribution lists (both newest first) into one, each rank once. */
function unionParts(a: Parts, b: Parts): Parts {
  const taken: Parts[] = [];
  let x: Parts | null = a;
  let y: Parts | null = b;
  let tail: Parts | null = null;
  while (x !== null || y !== null) {
    if (x === y) {
      tail = x; // a shared tail: identical from here on
      break;
    }
    if (y === null || (x !== null && x.rank > y.rank)) {
      taken.push(x!);
      x = x!.prev;
    } else if (x === null || y.rank > x.rank) {
      taken.push(y);
      y = y.prev;
    } else {
      taken.push(x); // the same node's contribution reached through two paths
      x = x.prev;
      y = y.prev;
    }
  }
  let out = tail;
  for (let i = taken.length - 1; i >= 0; i--) out = { rank: taken[i]!.rank, value: taken[i]!.value, prev: out };
  return out!;
}

/** Builds views for one run: the seed view, merges of predecessors' views, and views out. */
export class ViewBuilder {
  private readonly merge: (field: string) => MergeStrategy;
  /** The view of a node with no predecessors. */
  readonly seed: View;

  constructor(
    schema: Readonly<Record<string, StateField>>,
    seed: StateValues,
  ) {
    this.merge = (field) => schema[field]?.merge ?? 'last_wins';
    const entries = new Map<string, FieldEntry>();
    for (const [f, value] of Object.entries(seed)) {
      entries.set(f, this.merge(f) === 'array_append' ? { kind: 'append', parts: { rank: SEED_RANK, value, prev: null } } : { kind: 'single', rank: SEED_RANK, value });
    }
    this.seed = new View(entries);
  }

  /**
   * The view of a node from its predecessors' views out (in any order): O(fields) per predecessor.
   * With no predecessors, the seed.
   */
  join(views: readonly View[]): View {
    if (views.length === 0) return this.seed;
    const first = views[0]!;
    if (views.every((v) => v === first)) return first;
    const entries = new Map<string, FieldEntry>(first.entries);
    for (let i = 1; i < views.length; i++) {
      const v = views[i]!;
      if (v === first) continue;
      for (const [f, e] of v.entries) {
        const cur = entries.get(f);
        if (cur === undefined || cur === e) entries.set(f, e);
        else if (cur.kind === 'append' && e.kind === 'append') entries.set(f, { kind: 'append', parts: unionParts(cur.parts, e.parts) });
        else if (cur.kind === 'single' && e.kind === 'single') {
          const later = e.rank > cur.rank;
          if (this.merge(f) === 'set_once' ? !later && e.rank !== cur.rank : later) entries.set(f, e);
        }
      }
    }
    return new View(entries);
  }

  /**
   * A node's view out: its view with its delta applied at its topological rank. Shares the view when
   * the delta is empty.
   * @throws {MergeConflictError} when the delta writes a different value to a set `set_once` field.
   */
  apply(view: View, delta: StateValues, rank: number): View {
    const fields = Object.keys(delta);
    if (fields.length === 0) return view;
    const entries = new Map<string, FieldEntry>(view.entries);
    for (const f of fields) {
      const value = delta[f]!;
      const cur = entries.get(f);
      switch (this.merge(f)) {
        case 'last_wins':
          entries.set(f, { kind: 'single', rank, value });
          break;
        case 'set_once':
          if (cur === undefined) entries.set(f, { kind: 'single', rank, value });
          else if (JSON.stringify(view.get(f)) !== JSON.stringify(value)) throw new MergeConflictError(f);
          break;
        case 'array_append':
          entries.set(f, { kind: 'append', parts: { rank, value, prev: cur?.kind === 'append' ? cur.parts : null } });
          break;
      }
    }
    return new View(entries);
  }
}

/**
 * The views of one run's nodes: each node's view (joined from its predecessors' views out when first
 * asked, then kept until the node finishes) and each finished node's view out (kept until every
 * successor has taken its view, then released). Memory stays proportional to the frontier of the
 * run, not to the graph.
 */
export class RunViews {
  private readonly views = new Map<NodeId, View>();
  private readonly outs = new Map<NodeId, View>();
  /** Successors that have not taken their view yet, per finished node. */
  private readonly waiting = new Map<NodeId, number>();

  constructor(
    private readonly graph: Pick<Graph, 'preds' | 'succs' | 'rank'>,
    private readonly builder: ViewBuilder,
  ) {}

  /** A node's view (SPEC §2.5). Call only once all its predecessors have finished. */
  viewOf(id: NodeId): View {
    let v = this.views.get(id);
    if (v === undefined) {
      const preds = this.graph.preds.get(id) ?? [];
      v = this.builder.join(preds.map((p) => this.outs.get(p) ?? this.builder.seed));
      this.views.set(id, v);
      this.released(preds);
    }
    return v;
  }

  /**
   * The view out a node would leave with this delta, without recording it.
   * @throws {MergeConflictError} when the delta breaks a `set_once` field already set in its view.
   */
  outWith(id: NodeId, delta: StateValues): View {
    return this.builder.apply(this.viewOf(id), delta, this.graph.rank.get(id)!);
  }

  /**
   * A view with a delta applied at `id`'s rank, recorded nowhere: the view of the next stage of a
   * pipeline item, or of the next iteration of a loop (issue #10 §1).
   * @throws {MergeConflictError} as outWith.
   */
  extend(view: View, delta: StateValues, id: NodeId): View {
    return this.builder.apply(view, delta, this.graph.rank.get(id)!);
  }

  /**
   * Records a finished node's view out: its view with `out` (from outWith) or, for a node that
   * contributes nothing (failed under `on_error: skip`), the view itself.
   */
  finish(id: NodeId, out?: View): void {
    const view = out ?? this.viewOf(id);
    this.views.delete(id);
    const succs = this.graph.succs.get(id)?.length ?? 0;
    if (succs === 0) return;
    this.outs.set(id, view);
    this.waiting.set(id, succs);
  }

  /** A node that will never take its view (skipped): its predecessors stop waiting for it. */
  skip(id: NodeId): void {
    if (!this.views.has(id)) this.released(this.graph.preds.get(id) ?? []);
    this.views.delete(id);
  }

  private released(preds: readonly NodeId[]): void {
    for (const p of preds) {
      const left = (this.waiting.get(p) ?? 1) - 1;
      if (left > 0) this.waiting.set(p, left);
      else {
        this.waiting.delete(p);
        this.outs.delete(p);
      }
    }
  }
}
