// `oe inspect <runId> --why <nodeId>`: why a node of a resumed run was restored from the memo or
// executed, by comparing the xxh64 of each input-hash part (node.started.hashParts, SPEC §3.1) with
// the same node's in the prior run. Pure: the caller loads the logs.
import type { UnitState } from '../log/fold.js';
import type { Hunk } from './hunks.js';

/** How one hash part compares with the prior run. */
export interface PartChange {
  /** The part's name as recorded: `definition`, `args`, `state.<field>`, `edge.<pred>`, `file.<path>`, … */
  part: string;
  change: 'changed' | 'added' | 'removed';
  /** The part named for people, e.g. `file tools/x.mjs changed`. */
  text: string;
  /** `--why` (issue #14 §10): how the value changed, when both logs hold it (why-values.ts). */
  hunks?: Hunk[];
}

/** The verdict of --why (docs/inspect.md). */
export type WhyVerdict =
  | 'cached' // restored from the memo
  | 'not-resumed' // the run is not a resume; there is nothing to compare with
  | 'cache-false' // the node has `cache: false`: always executes
  | 'prior-log-missing' // the resumedFrom log is gone
  | 'not-in-prior' // the prior run has no such node
  | 'prior-not-completed' // the prior run did not complete it (failed, skipped, crashed…)
  | 'inputs-changed' // the input hash differs; `parts` says which parts
  | 'parts-unknown' // the hash differs but a log has no hashParts (written before they were recorded)
  | 'same-inputs' // the hash is the same as a completed prior node but it executed anyway
  | 'not-run'; // the node has not run in this run

/** The answer of --why for one node. */
export interface WhyReport {
  runId: string;
  nodeId: string;
  priorRunId: string | null;
  verdict: WhyVerdict;
  /** One or more sentences for people. */
  summary: string;
  /** Differing parts (for `inputs-changed`), in the order: definition, args, state, edge, items, item, index, file, model, cacheVersion, other. */
  parts: PartChange[];
  inputHash: string | null;
  priorInputHash: string | null;
  /** For cached nodes: the run that really executed it. */
  fromRunId: string | null;
  /** For a for_each node: how its items fared against the prior run's items of the same index. */
  iterations: IterationsWhy | null;
}

/** One for_each item of --why. */
export interface IterationWhy {
  index: number;
  verdict: 'cached' | 'not-in-prior' | 'prior-not-completed' | 'inputs-changed' | 'parts-unknown' | 'same-inputs';
  parts: PartChange[];
}

/** The items of a for_each node in --why: counts, and the first MAX_LISTED_ITEMS items not cached. */
export interface IterationsWhy {
  total: number;
  cached: number;
  executed: number;
  listed: IterationWhy[];
}

/** Items listed by --why at most. */
export const MAX_LISTED_ITEMS = 20;

/**
 * Compares a for_each node's items with the prior run's items of the same index.
 * @returns null when the node has no iterations in this run.
 */
export function explainIterations(now: ReadonlyMap<number, UnitState>, before: ReadonlyMap<number, UnitState> | undefined): IterationsWhy | null {
  if (now.size === 0) return null;
  const out: IterationsWhy = { total: now.size, cached: 0, executed: 0, listed: [] };
  for (const index of [...now.keys()].sort((a, b) => a - b)) {
    const u = now.get(index)!;
    if (u.status === 'cached') {
      out.cached++;
      continue;
    }
    if (u.status === 'pending' || u.status === 'skipped') continue;
    out.executed++;
    if (out.listed.length >= MAX_LISTED_ITEMS) continue;
    const p = before?.get(index);
    let item: IterationWhy;
    if (!p || p.status === 'pending') item = { index, verdict: 'not-in-prior', parts: [] };
    else {
      const parts = u.hashParts && p.hashParts ? compareParts(u.hashParts, p.hashParts) : [];
      if (p.status !== 'completed' && p.status !== 'cached') item = { index, verdict: 'prior-not-completed', parts };
      else if (p.inputHash === u.inputHash) item = { index, verdict: 'same-inputs', parts };
      else if (!u.hashParts || !p.hashParts) item = { index, verdict: 'parts-unknown', parts };
      else item = { index, verdict: 'inputs-changed', parts };
    }
    out.listed.push(item);
  }
  return out;
}

function itemsSentence(it: IterationsWhy | null): string {
  if (!it) return '';
  const first = it.listed[0];
  const why = first
    ? `; e.g. item ${first.index}: ${first.verdict === 'not-in-prior' ? 'not in the prior run' : first.verdict === 'prior-not-completed' ? 'did not complete in the prior run' : first.parts.length ? first.parts.map((p) => p.text).join(', ') : first.verdict.replace(/-/g, ' ')}`
    : '';
  return ` Items: ${it.total}, ${it.cached} restored from the memo, ${it.executed} executed${why}.`;
}

/** A node of the prior run as the caller found it: its unit, and the run its hash parts came from. */
export interface PriorNode {
  runId: string;
  /** The prior run's unit for the node; undefined when the prior log never mentions it. */
  unit: UnitState | undefined;
  /** True when the prior run's recorded definition has the node (it may still never have run). */
  inDefinition: boolean;
  /** When the prior unit was itself cached, the unit of the run that executed it (for its hashParts). */
  origin?: { runId: string; unit: UnitState | undefined };
}

const ORDER = ['definition', 'args', 'state.', 'edge.', 'items', 'item', 'index', 'file.', 'model', 'cacheVersion'];
function rank(part: string): number {
  const i = ORDER.findIndex((p) => (p.endsWith('.') ? part.startsWith(p) : part === p));
  return i === -1 ? ORDER.length : i;
}

/** Names a hash part for people (issue #5): `args` → `args`, `state.licenses` → `state field licenses`, … */
export function describePart(part: string): string {
  if (part === 'definition') return 'node definition';
  if (part === 'args') return 'args';
  if (part === 'item') return 'for_each item';
  if (part === 'items') return 'for_each items';
  if (part === 'index') return 'for_each index';
  if (part === 'model') return 'model';
  if (part === 'cacheVersion') return 'runner cache version (an oe upgrade)';
  if (part.startsWith('state.')) return `state field ${part.slice(6)}`;
  if (part.startsWith('edge.')) return `edge input from ${part.slice(5)}`;
  if (part.startsWith('file.')) return `file ${part.slice(5)}`;
  return `input part ${part}`;
}

/**
 * Compares two sets of hash parts.
 * @returns the parts whose hashes differ, were added (only in `now`) or removed (only in `before`),
 *   in a fixed order (definition, args, state.*, edge.*, items, item, index, file.*, model, cacheVersion,
 *   others), names sorted within a group.
 */
export function compareParts(now: { [p: string]: string }, before: { [p: string]: string }): PartChange[] {
  const names = [...new Set([...Object.keys(now), ...Object.keys(before)])].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: PartChange[] = [];
  for (const part of names) {
    const a = now[part];
    const b = before[part];
    if (a === b) continue;
    const change = b === undefined ? 'added' : a === undefined ? 'removed' : 'changed';
    const d = describePart(part);
    out.push({ part, change, text: change === 'changed' ? `${d} changed` : change === 'added' ? `${d} is new (not in the prior run's inputs)` : `${d} was removed` });
  }
  return out;
}

/**
 * Explains why `unit` (a node of run `runId`) was cached or executed.
 * @param unit the node's unit in this run (a NodeState, whose for_each `iterations` are compared with
 *   the prior node's by index); undefined when the log never mentions it.
 * @param opts.cache the node's `cache` setting from the definition (false: always executes).
 * @param opts.resumedFrom the run's `resumedFrom`; null for a fresh run.
 * @param prior the prior run's node; null when the prior log is missing.
 */
export function explainWhy(
  runId: string,
  nodeId: string,
  unit: (UnitState & { iterations?: ReadonlyMap<number, UnitState> }) | undefined,
  opts: { cache: boolean; resumedFrom: string | null },
  prior: PriorNode | null,
): WhyReport {
  const priorIterations = (prior?.unit as { iterations?: ReadonlyMap<number, UnitState> } | undefined)?.iterations;
  const iterations = unit?.iterations && opts.resumedFrom ? explainIterations(unit.iterations, priorIterations) : null;
  const base = { runId, nodeId, priorRunId: opts.resumedFrom, parts: [] as PartChange[], inputHash: unit?.inputHash ?? null, priorInputHash: prior?.unit?.inputHash ?? null, fromRunId: unit?.fromRunId ?? null, iterations };
  const r = (verdict: WhyVerdict, summary: string, parts: PartChange[] = []): WhyReport => ({ ...base, verdict, summary: summary + (verdict === 'cached' || verdict === 'not-run' ? '' : itemsSentence(iterations)), parts });
  if (unit?.status === 'cached') {
    const origin = unit.fromRunId && unit.fromRunId !== opts.resumedFrom ? `; it was really executed by run ${unit.fromRunId}` : '';
    return r('cached', `${nodeId} was cached: its input hash ${unit.inputHash} matched a completed node of the prior run ${opts.resumedFrom ?? '?'}, so its output was restored from that log instead of executing it${origin}.`);
  }
  if (!unit || unit.status === 'pending') return r('not-run', `${nodeId} did not run in this run${unit ? '' : ' (the log never mentions it)'}.`);
  if (unit.status === 'skipped') return r('not-run', `${nodeId} was skipped, so it was neither cached nor executed.`);
  if (!opts.resumedFrom) return r('not-resumed', `run ${runId} is not a resume (no resumedFrom), so every node executed; there is no prior run to compare with.`);
  if (!opts.cache) return r('cache-false', `${nodeId} has cache: false, so it always executes and is never restored from the memo.`);
  if (!prior) return r('prior-log-missing', `the prior run ${opts.resumedFrom} has no log in this workspace any more, so its inputs cannot be compared.`);
  const pu = prior.unit;
  if (!pu || pu.status === 'pending') {
    const where = prior.inDefinition ? `never ran in the prior run ${prior.runId} (that run stopped before reaching it)` : `is not in the prior run ${prior.runId} (a node added since)`;
    return r('not-in-prior', `${nodeId} ${where}, so there was nothing to restore; it executed.`);
  }
  const priorDone = pu.status === 'completed' || pu.status === 'cached';
  const sameHash = pu.inputHash !== undefined && pu.inputHash === unit.inputHash;
  const priorParts = pu.hashParts ?? prior.origin?.unit?.hashParts;
  const parts = unit.hashParts && priorParts ? compareParts(unit.hashParts, priorParts) : [];
  if (!priorDone) {
    const what = pu.status === 'failed' ? `failed there (${pu.error ? `${pu.error.name}: ${pu.error.message.split('\n')[0]}` : 'no error recorded'})` : pu.status === 'skipped' ? 'was skipped there' : 'was interrupted there (the prior run stopped while it ran)';
    const inputs = sameHash ? 'with the same inputs' : parts.length ? `and its inputs differ: ${parts.map((p) => p.text).join('; ')}` : 'and its input hash differs';
    return r('prior-not-completed', `${nodeId} executed because it did not complete in the prior run ${prior.runId}: it ${what}; it re-ran ${inputs}.`, parts);
  }
  if (sameHash) return r('same-inputs', `${nodeId} has the same input hash as in the prior run ${prior.runId}, where it completed, yet it executed (the memo was not used for it).`);
  if (!unit.hashParts || !priorParts) {
    const which = !unit.hashParts && !priorParts ? 'neither log records' : !unit.hashParts ? 'this run\'s log does not record' : 'the prior run\'s log does not record';
    return r('parts-unknown', `${nodeId} executed because its input hash changed (${pu.inputHash} → ${unit.inputHash}); which parts changed is unknown: ${which} per-part hashes (hashParts; logs written before they were recorded).`);
  }
  const list = parts.length ? parts.map((p) => p.text).join('; ') : 'no recorded part differs (the change is in a part this oe does not record)';
  return r('inputs-changed', `${nodeId} executed because its inputs changed since the prior run ${prior.runId}: ${list}.`, parts);
}
