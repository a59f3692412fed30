// The plan of a resume (issue #11 §5), from a dry run's fold (engine/dry-run.ts) and the prior run's:
// per node, `cached` (from which run), `executes` (and why), `may execute` (an upstream node executes,
// so its inputs are not known yet), `skipped`, `waits` (a gate without a verdict) or `dropped` (in the
// prior run, not in the experience now). Pure.
//
// The promise the plan keeps: a node it calls `cached` is restored by the real resume, and one it
// calls `executes` executes — given the same files, args and flags. `cached` is only said where no
// upstream node executes, so the dry run hashed the very inputs the resume will. `executes` is said
// where the dry run's hash missed the memo with every input known, or where the node must execute
// whatever its upstream gives: `--rerun`, `cache: false`, a nested run, a node new to the
// experience, or a change of its own (definition, files, code, packages, env, model) from the prior
// run's recorded parts. (The one case the last can miss: an edit reverted to what an earlier run of
// the chain had, with the upstream output coming out as that run's too.) When a gate waits, nothing
// new starts after it, so whether a node that the gate does not depend on starts first depends on
// timing: such a node is "may execute" with `pausesAt`, whatever the dry run did with it.
import type { Graph } from '../experience/topology.js';
import type { NodeDef } from '../experience/types.js';
import { compareParts } from '../inspect/part-names.js';
import type { NodeState, RunState, UnitState } from '../log/fold.js';
import type { NodeId, RunId } from '../util/ids.js';
import { DRY_RUN_ERROR } from './dry-run.js';

/** What the resume does with one node. */
export type PlanEntry = { nodeId: string } & (
  | { plan: 'cached'; fromRunId: string }
  | { plan: 'executes'; why: string[]; items?: ItemCounts }
  | { plan: 'may execute'; after: string[]; pausesAt?: string[]; items?: ItemCounts }
  | { plan: 'skipped'; reason: string }
  | { plan: 'waits'; options: string[] }
  | { plan: 'dropped' }
);

/** A for_each node's items: how many the memo restores and how many would execute. */
export interface ItemCounts {
  total: number;
  cached: number;
  execute: number;
}

/** What the plan is built from. */
export interface PlanInputs {
  graph: Graph;
  /** The dry run's fold. */
  dry: RunState;
  /** The run being resumed: its fold, and the node ids its definition had. */
  prior: RunState;
  priorIds: ReadonlySet<string>;
  priorRunId: RunId;
  /** The resume's args (a gate's verdict is the arg named after it). */
  args: { readonly [name: string]: unknown };
  /** `--rerun`'s nodes. */
  rerun: ReadonlySet<string>;
}

/** The parts that stand for the node itself rather than what flows into it from upstream. */
const OWN_PARTS = /^(definition|file\..*|module\..*|files\..*|env\..*|pkg\..*|model|cacheVersion|verdict)$/;

/** The plan, in topological order, then the dropped nodes in the prior run's order. */
export function resumePlan(p: PlanInputs): PlanEntry[] {
  const out: PlanEntry[] = [];
  const unknown = new Set<NodeId>(); // nodes whose output the resume cannot know before running them
  for (const id of p.graph.order) {
    const node = p.graph.nodes.get(id)!;
    const dry = p.dry.nodes.get(id);
    const before = p.prior.nodes.get(id);
    const after = (p.graph.preds.get(id) ?? []).filter((x) => unknown.has(x));
    const own = ownReasons(p, node, dry, before);
    const entry = decide(p, node, dry, own, after);
    if (entry.plan === 'executes' || entry.plan === 'may execute' || entry.plan === 'waits') unknown.add(id);
    out.push(entry);
  }
  const waits = out.filter((e) => e.plan === 'waits').map((e) => e.nodeId as NodeId);
  if (waits.length > 0) {
    const before = ancestors(p.graph, waits);
    for (const [i, e] of out.entries()) {
      if (before.has(e.nodeId as NodeId) || e.plan === 'waits' || e.plan === 'skipped') continue;
      out[i] = { nodeId: e.nodeId, plan: 'may execute', after: e.plan === 'may execute' ? e.after : [], pausesAt: waits };
    }
  }
  for (const id of p.priorIds) if (!p.graph.nodes.has(id as NodeId)) out.push({ nodeId: id, plan: 'dropped' });
  return out;
}

/** Every node some of `ids` depends on, transitively (not `ids` themselves). */
function ancestors(graph: Graph, ids: readonly NodeId[]): Set<NodeId> {
  const seen = new Set<NodeId>();
  const stack = [...ids];
  while (stack.length > 0) {
    for (const pred of graph.preds.get(stack.pop()!) ?? []) {
      if (seen.has(pred)) continue;
      seen.add(pred);
      stack.push(pred);
    }
  }
  return seen;
}

function decide(p: PlanInputs, node: NodeDef, dry: NodeState | undefined, own: string[], after: NodeId[]): PlanEntry {
  const id = node.id;
  // A gate without a verdict waits whatever its upstream does (an unattended run never approves itself).
  if (node.kind === 'gate' && p.args[id] === undefined) return { nodeId: id, plan: 'waits', options: node.options };
  const items = dry ? itemCounts(dry) : undefined;
  if (own.length > 0) return { nodeId: id, plan: 'executes', why: own, ...(items ? { items } : {}) };
  if (after.length > 0) return { nodeId: id, plan: 'may execute', after, ...(items ? { items } : {}) };
  if (!dry) return { nodeId: id, plan: 'may execute', after: [] };
  if (dry.status === 'cached') return { nodeId: id, plan: 'cached', fromRunId: dry.fromRunId ?? p.priorRunId };
  if (dry.status === 'skipped') return { nodeId: id, plan: 'skipped', reason: dry.skipReason ?? 'skipped' };
  return { nodeId: id, plan: 'executes', why: missReasons(p, node, dry), ...(items ? { items } : {}) };
}

/** Why a node executes whatever its upstream gives (empty when it depends on the memo). */
function ownReasons(p: PlanInputs, node: NodeDef, dry: NodeState | undefined, before: NodeState | undefined): string[] {
  if (p.rerun.has(node.id)) return ['--rerun names it'];
  if (!p.priorIds.has(node.id)) return ['new node (not in the prior run)'];
  if (node.cache === false) return ['cache: false'];
  if (node.kind === 'experience') return ['a nested run (its own resume restores what did not change)'];
  if (!dry || dry.status === 'cached' || dry.status === 'skipped' || !dry.hashParts || !before?.hashParts) return [];
  return compareParts(dry.hashParts, before.hashParts, { now: node }).filter((c) => OWN_PARTS.test(c.part)).map((c) => c.text);
}

/** Why the memo has nothing for a node whose inputs are all known. */
function missReasons(p: PlanInputs, node: NodeDef, dry: NodeState): string[] {
  const before = p.prior.nodes.get(node.id);
  if (dry.hashParts && before?.hashParts) {
    const changes = compareParts(dry.hashParts, before.hashParts, { now: node }).map((c) => c.text);
    if (changes.length > 0) return changes;
  }
  if (dry.iterations.size > 0 && countItems(dry).execute > 0) return [`${countItems(dry).execute} item${countItems(dry).execute === 1 ? '' : 's'} not in the memo`];
  const status = before?.status ?? 'pending';
  return [status === 'failed' ? `it failed in run ${p.priorRunId}` : status === 'completed' || status === 'cached' ? 'its inputs differ from every run of the chain' : `it did not run in run ${p.priorRunId} (${status === 'pending' ? 'not reached' : status})`];
}

function itemCounts(dry: NodeState): ItemCounts | undefined {
  return dry.iterations.size > 0 ? countItems(dry) : undefined;
}

function countItems(dry: NodeState): ItemCounts {
  let cached = 0;
  let execute = 0;
  for (const u of dry.iterations.values()) {
    if (u.status === 'cached') cached++;
    else if (attempted(u)) execute++;
  }
  return { total: dry.iterations.size, cached, execute };
}

/** A unit the dry run would have executed: it started, and its attempt failed as not executed. */
function attempted(u: UnitState): boolean {
  return u.attempts > 0 || u.error?.name === DRY_RUN_ERROR;
}

/** Counts of a plan by verdict. */
export function planCounts(plan: readonly PlanEntry[]): Record<PlanEntry['plan'], number> {
  const c: Record<PlanEntry['plan'], number> = { cached: 0, executes: 0, 'may execute': 0, skipped: 0, waits: 0, dropped: 0 };
  for (const e of plan) c[e.plan]++;
  return c;
}
