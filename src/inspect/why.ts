// `oe inspect <runId> --why <nodeId>`: why a node of a resumed run was restored from the memo or
// executed, by comparing the xxh64 of each input-hash part (node.started.hashParts, SPEC §3.1) with
// the same node's in the prior run. Pure: the caller loads the logs.
import type { NodeDef } from '../experience/types.js';
import type { UnitState } from '../log/fold.js';
import { compareParts, type PartChange, type PartDefs } from './part-names.js';

export { compareParts, describePart, type PartChange, type PartDefs } from './part-names.js';

/** The verdict of --why (docs/inspect.md). */
export type WhyVerdict =
  | 'cached' // restored from the memo
  | 'not-resumed' // the run is not a resume; there is nothing to compare with
  | 'cache-false' // the node has `cache: false`: always executes
  | 'rerun' // `oe resume --rerun` named the node: it executes whatever the memo holds
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
  /** Differing parts (for `inputs-changed`), in the order: definition, args, state, edge, items, item, index, file, module, files, env, pkg, model, cacheVersion, other. */
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
  /**
   * `new-item`: no item of the prior run has this item's content (items are keyed by content, issue
   * #9 §5); otherwise it is compared with the prior item of the same content (else of the same index).
   */
  verdict: 'cached' | 'new-item' | 'not-in-prior' | 'prior-not-completed' | 'inputs-changed' | 'parts-unknown' | 'same-inputs';
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
 * Compares a for_each node's executed items with the prior run's: each with the prior item of the
 * same content (the `item` hash part), else — for logs without hash parts — of the same index.
 * @returns null when the node has no iterations in this run.
 */
export function explainIterations(now: ReadonlyMap<number, UnitState>, before: ReadonlyMap<number, UnitState> | undefined, defs: PartDefs = {}): IterationsWhy | null {
  if (now.size === 0) return null;
  const out: IterationsWhy = { total: now.size, cached: 0, executed: 0, listed: [] };
  const byContent = new Map<string, UnitState>();
  for (const p of before?.values() ?? []) {
    const key = p.hashParts?.item;
    if (key !== undefined && (!byContent.has(key) || p.status === 'completed' || p.status === 'cached')) byContent.set(key, p);
  }
  for (const index of [...now.keys()].sort((a, b) => a - b)) {
    const u = now.get(index)!;
    if (u.status === 'cached') {
      out.cached++;
      continue;
    }
    if (u.status === 'pending' || u.status === 'skipped') continue;
    out.executed++;
    if (out.listed.length >= MAX_LISTED_ITEMS) continue;
    const content = u.hashParts?.item;
    if (content !== undefined && byContent.size > 0 && !byContent.has(content)) {
      out.listed.push({ index, verdict: 'new-item', parts: [] });
      continue;
    }
    const p = content !== undefined && byContent.has(content) ? byContent.get(content) : before?.get(index);
    let item: IterationWhy;
    if (!p || p.status === 'pending') item = { index, verdict: 'not-in-prior', parts: [] };
    else {
      const parts = u.hashParts && p.hashParts ? compareParts(u.hashParts, p.hashParts, defs) : [];
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
    ? `; e.g. item ${first.index}: ${first.verdict === 'new-item' ? 'a new item (no item of the prior run has its content)' : first.verdict === 'not-in-prior' ? 'not in the prior run' : first.verdict === 'prior-not-completed' ? 'did not complete in the prior run' : first.parts.length ? first.parts.map((p) => p.text).join(', ') : first.verdict.replace(/-/g, ' ')}`
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
  /** The node's definition in the prior run (to name its files by path). */
  def?: NodeDef | undefined;
}

/**
 * Explains why `unit` (a node of run `runId`) was cached or executed.
 * @param unit the node's unit in this run (a NodeState, whose for_each `iterations` are compared with
 *   the prior node's by content); undefined when the log never mentions it.
 * @param opts.cache the node's `cache` setting from the definition (false: always executes).
 * @param opts.resumedFrom the run's `resumedFrom`; null for a fresh run.
 * @param opts.rerun true when the run's `--rerun` named the node.
 * @param opts.def the node's definition in this run (to name its files by path).
 * @param prior the prior run's node; null when the prior log is missing.
 */
export function explainWhy(
  runId: string,
  nodeId: string,
  unit: (UnitState & { iterations?: ReadonlyMap<number, UnitState> }) | undefined,
  opts: { cache: boolean; resumedFrom: string | null; rerun?: boolean; def?: NodeDef | undefined },
  prior: PriorNode | null,
): WhyReport {
  const defs: PartDefs = { now: opts.def, before: prior?.def ?? opts.def };
  const priorIterations = (prior?.unit as { iterations?: ReadonlyMap<number, UnitState> } | undefined)?.iterations;
  const iterations = unit?.iterations && opts.resumedFrom ? explainIterations(unit.iterations, priorIterations, defs) : null;
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
  if (opts.rerun) return r('rerun', `${nodeId} executed because --rerun named it: it runs whatever the memo holds (its dependents follow their own input hashes).`);
  if (!prior) return r('prior-log-missing', `the prior run ${opts.resumedFrom} has no log in this workspace any more, so its inputs cannot be compared.`);
  const pu = prior.unit;
  if (!pu || pu.status === 'pending') {
    const where = prior.inDefinition ? `never ran in the prior run ${prior.runId} (that run stopped before reaching it)` : `is not in the prior run ${prior.runId} (a node added since)`;
    return r('not-in-prior', `${nodeId} ${where}, so there was nothing to restore; it executed.`);
  }
  const priorDone = pu.status === 'completed' || pu.status === 'cached';
  const sameHash = pu.inputHash !== undefined && pu.inputHash === unit.inputHash;
  const priorParts = pu.hashParts ?? prior.origin?.unit?.hashParts;
  const parts = unit.hashParts && priorParts ? compareParts(unit.hashParts, priorParts, defs) : [];
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
