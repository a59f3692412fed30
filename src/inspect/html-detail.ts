// What the HTML report shows when a node is clicked (issue #14 §9): its status, attempts, errors,
// input-hash parts (and, for a resume, which part changed against the prior run), usage, output
// (pretty JSON, capped) and its for_each iterations. Built from the full fold of the run (and the
// prior run's fold, for a resume), embedded in the page as JSON. Pure.
import type { ErrorRecord } from '../log/events.js';
import type { NodeState, RunState, UnitState } from '../log/fold.js';
import { canonicalJson } from '../util/canonical-json.js';
import { executionLabel, nodeStatusLabel } from './render.js';
import type { NodeSummary, RunSummary, TokenTotals } from './summary.js';
import { compareParts, describePart } from './why.js';

/** Characters of a node's pretty output kept in the page; `oe inspect --node` prints all of it. */
export const MAX_OUTPUT_CHARS = 200_000;
/** Iterations of one node listed in the page (the timeline and the panel); the rest are counted. */
export const MAX_ITEMS = 500;

/** One input-hash part in the panel. `change` is null when there is nothing to compare with. */
export interface PartRow {
  part: string;
  /** The part named for people (why.ts's describePart). */
  label: string;
  hash: string | null;
  change: 'same' | 'changed' | 'added' | 'removed' | null;
}

/** One for_each iteration in the panel and the timeline. */
export interface ItemRow {
  index: number;
  status: UnitState['status'];
  attempts: number;
  durationMs: number | null;
  startedAt: string | null;
  endedAt: string | null;
  error: ErrorRecord | null;
}

/** Everything the panel shows for one node. */
export interface NodeReport {
  nodeId: string;
  kind: string | null;
  status: string;
  execution: string;
  fromRunId: string | null;
  attempts: number;
  failedAttempts: number;
  retries: number;
  durationMs: number | null;
  inputHash: string | null;
  errors: Array<ErrorRecord & { iteration?: number }>;
  usage: (TokenTotals & { model?: string | null }) | null;
  savedUsage: TokenTotals | null;
  parts: PartRow[];
  /** The prior run the parts are compared with (a resume), when its log had the node. */
  comparedWith: string | null;
  /** Pretty canonical JSON of the output; cut at MAX_OUTPUT_CHARS (`truncated`). */
  output: { text: string; lines: number; truncated: boolean } | null;
  items: { total: number; listed: ItemRow[] } | null;
}

/** The data of the whole page, by node id. */
export interface ReportData {
  runId: string;
  nodes: { [nodeId: string]: NodeReport };
}

function partRows(now: { [p: string]: string } | undefined, before: { [p: string]: string } | undefined): PartRow[] {
  if (!now && !before) return [];
  const changes = now && before ? new Map(compareParts(now, before).map((c) => [c.part, c.change])) : null;
  const names = [...new Set([...Object.keys(now ?? {}), ...(changes ? Object.keys(before ?? {}) : [])])];
  // compareParts' order first (the parts that changed), then the others in recorded order.
  const rank = (p: string): number => (changes?.has(p) ? 0 : 1);
  return names
    .sort((a, b) => rank(a) - rank(b))
    .map((part) => ({ part, label: describePart(part), hash: now?.[part] ?? null, change: changes ? (changes.get(part) ?? 'same') : null }));
}

function outputOf(node: NodeState): NodeReport['output'] {
  if (!node.output) return null;
  const full = JSON.stringify(JSON.parse(canonicalJson(node.output)), null, 2);
  const truncated = full.length > MAX_OUTPUT_CHARS;
  return { text: truncated ? full.slice(0, MAX_OUTPUT_CHARS) : full, lines: full.split('\n').length, truncated };
}

function itemsOf(node: NodeState): NodeReport['items'] {
  if (node.iterations.size === 0) return null;
  const listed: ItemRow[] = [];
  for (const index of [...node.iterations.keys()].sort((a, b) => a - b).slice(0, MAX_ITEMS)) {
    const it = node.iterations.get(index)!;
    listed.push({ index, status: it.status, attempts: it.attempts, durationMs: it.durationMs ?? null, startedAt: it.startedAt ?? null, endedAt: it.endedAt ?? null, error: it.error ?? null });
  }
  return { total: node.iterations.size, listed };
}

/**
 * The panel data of every node of a run.
 * @param state the run's fold with `full` detail (iterations keep their times).
 * @param summary summarize(state).
 * @param prior the fold of the run it resumed, when its log is there.
 */
export function reportData(state: RunState, summary: RunSummary, prior: RunState | null): ReportData {
  const nodes: ReportData['nodes'] = {};
  for (const s of summary.nodes) {
    const n = state.nodes.get(s.nodeId as NodeState['nodeId']);
    const p = prior?.nodes.get(s.nodeId as NodeState['nodeId']);
    const errors: NodeReport['errors'] = [...(n?.errors ?? [])];
    for (const [i, it] of n?.iterations ?? []) for (const e of it.errors) errors.push({ ...e, iteration: i });
    nodes[s.nodeId] = {
      nodeId: s.nodeId,
      kind: s.kind,
      status: nodeStatusLabel(s),
      execution: executionLabel(s),
      fromRunId: s.fromRunId,
      attempts: s.attempts,
      failedAttempts: s.failedAttempts,
      retries: s.retries,
      durationMs: s.durationMs,
      inputHash: s.inputHash,
      errors,
      usage: usageOf(s),
      savedUsage: s.savedUsage,
      parts: partRows(n?.hashParts, p?.hashParts),
      comparedWith: p?.hashParts && n?.hashParts ? (summary.resumedFrom ?? null) : null,
      output: n ? outputOf(n) : null,
      items: n ? itemsOf(n) : null,
    };
  }
  return { runId: summary.runId, nodes };
}

function usageOf(s: NodeSummary): NodeReport['usage'] {
  return s.usage ? { inputTokens: s.usage.inputTokens, outputTokens: s.usage.outputTokens, costUsd: s.usage.costUsd, model: s.usage.model, ...(s.usage.incomplete ? { incomplete: true as const } : {}) } : null;
}

/**
 * The data as a `<script type="application/json">` element. `<`, `>`, `&` and the line separators
 * are escaped as JSON \u escapes, so no log value can close the element or start markup (the
 * escaping JSON-in-HTML needs, per the HTML standard's script-element restrictions).
 */
export function dataScript(data: ReportData): string {
  const json = JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<script type="application/json" id="oe-report-data">${json}</script>`;
}
