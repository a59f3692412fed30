// Writes small experiences (experience.yaml + tool modules) into temporary workspaces, runs them with
// the real bin/oe, and checks the invariants every run must keep (SPEC §3, STYLE §4 "The invariant").
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { buildGraph } from '../../src/experience/topology.js';
import type { Experience } from '../../src/experience/types.js';
import { finalState, seedState } from '../../src/engine/inputs.js';
import type { EventOf, OeEvent, RunCounts } from '../../src/log/events.js';
import { fold, type RunState } from '../../src/log/fold.js';
import { readLog } from '../../src/log/reader.js';
import { runLogs, runOe, tempDir, type OeResult } from './cli.js';

/** A temporary workspace holding one experience in `<root>/exp`; runs write `<root>/.openexpertise`. */
export interface Workspace {
  /** The workspace (oe's cwd). */
  root: string;
  /** The experience directory. */
  dir: string;
  /** Reads the JSON lines a tool appended to `<dir>/<name>` (see TRACE_TOOL). */
  trace(name?: string): TraceLine[];
  /** Removes the workspace. */
  remove(): void;
}

/** One line a tracing tool records: which unit ran, when, and with which input. */
export interface TraceLine {
  node: string;
  index?: number;
  attempt: number;
  start: number;
  end: number;
  input: Record<string, unknown>;
  aborted?: { name: string; message: string };
}

/**
 * Writes `experience.yaml` and the given files (paths relative to the experience directory) into a
 * fresh temporary workspace.
 */
export function writeExperience(yaml: string, files: Record<string, string> = {}): Workspace {
  const root = tempDir('oe-e2e-');
  const dir = join(root, 'exp');
  for (const [rel, text] of Object.entries({ 'experience.yaml': yaml, ...files })) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return {
    root,
    dir,
    trace: (name = 'trace.jsonl') => {
      const file = join(dir, name);
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TraceLine);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * A tool module driven by its args, for building graphs in YAML alone:
 * - `sleep` (ms): waits, honouring `ctx.signal` (an abort is recorded and rethrown);
 * - `delta` / `edge`: returned as state_delta / edge_output (`$.x` and `$args.x` resolve as usual);
 * - `item_to`: under for_each, also writes `[$item]` to that field;
 * - `fail_attempts` (n): attempts 1..n throw `Error("attempt <k> of <node> failed")`;
 * - `fail`: a message to always throw.
 * Every call appends one TraceLine to `<experienceDir>/trace.jsonl`.
 */
export const TRACE_TOOL = `
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
export default async function (input, ctx) {
  const start = Date.now();
  const line = { node: ctx.nodeId, index: input.$index, attempt: ctx.attempt, start, input };
  const record = () => appendFileSync(join(ctx.experienceDir, 'trace.jsonl'), JSON.stringify({ ...line, end: Date.now() }) + '\\n');
  if (input.sleep) {
    try {
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, input.sleep);
        ctx.signal.addEventListener('abort', () => { clearTimeout(t); reject(ctx.signal.reason); }, { once: true });
      });
    } catch (e) {
      line.aborted = { name: e.name, message: e.message };
      record();
      throw e;
    }
  }
  record();
  if (input.fail) throw new Error(input.fail);
  if (input.fail_attempts && ctx.attempt <= input.fail_attempts) throw new Error('attempt ' + ctx.attempt + ' of ' + ctx.nodeId + ' failed');
  const delta = { ...(input.delta ?? {}) };
  if (input.item_to) delta[input.item_to] = [input.$item];
  return { state_delta: delta, edge_output: input.edge ?? null };
}
`;

/** A finished `oe run` and what its log says. */
export interface RunOutcome extends OeResult {
  /** The log file, when the run created one. */
  file?: string;
  events: OeEvent[];
  state: RunState;
  completed?: EventOf<'run.completed'>;
  /** The `run complete` line's fields. */
  last?: { runId: string; status: string; finalState: Record<string, unknown> };
}

/**
 * Runs `oe --log-format json run exp <args…>` (or `opts.command` in place of `run exp`, e.g. a resume)
 * in the workspace, under `opts.env` merged over the test environment, and returns its output and its
 * log. Expects at most one new log (one run per call).
 */
export async function runExperience(ws: Workspace, args: string[] = [], opts: { format?: 'json' | 'pretty'; env?: Record<string, string>; command?: string[] } = {}): Promise<RunOutcome> {
  const before = new Set(runLogs(ws.root));
  const res = await runOe(['--log-format', opts.format ?? 'json', ...(opts.command ?? ['run', 'exp']), ...args], { cwd: ws.root, ...(opts.env ? { env: opts.env } : {}) });
  const added = runLogs(ws.root).filter((f) => !before.has(f));
  expect(added.length, `new logs: ${added.join(', ')}\nstderr:\n${res.stderr}`).toBeLessThanOrEqual(1);
  const file = added[0];
  if (!file) return { ...res, events: [], state: fold([]) };
  const { events, warnings } = await readLog(file);
  expect(warnings).toEqual([]);
  const state = fold(events);
  const completed = events.at(-1)?.type === 'run.completed' ? (events.at(-1) as EventOf<'run.completed'>) : undefined;
  const lastLine = res.lines.at(-1);
  const last = lastLine?.msg === 'run complete' ? (lastLine as unknown as RunOutcome['last']) : undefined;
  return { ...res, file, events, state, ...(completed ? { completed } : {}), ...(last ? { last } : {}) };
}

/** The exit code SPEC §3.3 gives a run status. */
const EXIT: Record<string, number> = { success: 0, failure: 1, paused: 3, cancelled: 130 };
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STACK_LINE = /^\s+at /m;

/**
 * Asserts what every run must keep, whatever happened in it:
 * - every log line parses on its own, with `v` 1, `seq` 0..n, an ISO `ts` with ms and one `runId`;
 *   it starts with run.started and ends with its only run.completed;
 * - fold(log)'s status equals run.completed's, and its node statuses count to run.completed's counts;
 * - stdout is one JSON object per line: the log's events (`msg` = type) then `run complete`, whose
 *   runId and status match and whose finalState is the merge of the log's deltas (SPEC §2.5);
 * - the exit code matches the status (SPEC §3.3) and stderr has no stack trace.
 */
export function expectRunInvariants(r: RunOutcome): void {
  const context = `exit ${r.code}\nstderr:\n${r.stderr}\nstdout tail:\n${r.stdout.split('\n').slice(-5).join('\n')}`;
  expect(r.file, context).toBeDefined();
  const raw = readFileSync(r.file!, 'utf8');
  expect(raw.endsWith('\n')).toBe(true);
  const lines = raw.slice(0, -1).split('\n');
  const runId = r.events[0]!.runId;
  lines.forEach((line, i) => {
    const e = JSON.parse(line) as Record<string, unknown>;
    expect(e.v).toBe(1);
    expect(e.seq).toBe(i);
    expect(e.ts).toMatch(ISO_MS);
    expect(Number.isNaN(Date.parse(e.ts as string))).toBe(false);
    expect(e.runId).toBe(runId);
  });
  expect(r.events.length).toBe(lines.length);
  expect(r.events[0]!.type).toBe('run.started');
  expect(r.events.filter((e) => e.type === 'run.completed')).toHaveLength(1);
  expect(r.completed, context).toBeDefined();
  const c = r.completed!;

  expect(r.state.status).toBe(c.status);
  const counts: RunCounts = { completed: 0, cached: 0, failed: 0, skipped: 0 };
  for (const n of r.state.nodes.values()) if (n.status in counts) counts[n.status as keyof RunCounts]++;
  expect(counts).toEqual(c.counts);

  const outLines = r.stdout.split('\n').filter(Boolean);
  for (const l of outLines) expect(() => JSON.parse(l), `stdout line is not JSON: ${l}`).not.toThrow();
  const printed = r.lines.filter((l) => l.msg !== 'run complete');
  expect(printed.map((l) => [l.msg, l.seq])).toEqual(r.events.map((e) => [e.type, e.seq]));
  expect(r.last, context).toBeDefined();
  expect(r.last!.runId).toBe(runId);
  expect(r.last!.status).toBe(c.status);
  const def = (r.events[0] as EventOf<'run.started'>).definition as unknown as Experience;
  const args = (r.events[0] as EventOf<'run.started'>).args;
  const plan = { experience: def, graph: buildGraph(def), args, seed: seedState(def, args) };
  expect(r.last!.finalState).toEqual(finalState(plan, r.state));

  expect(r.code, context).toBe(EXIT[c.status]);
  expect(r.stderr).not.toMatch(STACK_LINE);
}

/** Runs the experience and checks the invariants; returns the outcome for the test's own assertions. */
export async function runChecked(ws: Workspace, args: string[] = []): Promise<RunOutcome> {
  const r = await runExperience(ws, args);
  expectRunInvariants(r);
  return r;
}

/** Events of one type, typed. */
export function eventsOf<T extends OeEvent['type']>(r: { events: OeEvent[] }, type: T, nodeId?: string): Array<EventOf<T>> {
  return r.events.filter((e): e is EventOf<T> => e.type === type && (nodeId === undefined || (e as { nodeId?: string }).nodeId === nodeId));
}

/** True when the workspace has nothing under `.openexpertise/` (bad input must not write there). */
export function workspaceUntouched(ws: Workspace): boolean {
  return !existsSync(join(ws.root, '.openexpertise'));
}

/** The most spans that overlap at any instant. */
export function maxOverlap(spans: Array<{ start: number; end: number }>): number {
  const points = spans.flatMap((s) => [
    [s.start, 1],
    [s.end, -1],
  ]) as Array<[number, number]>;
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (cur += d));
  return max;
}

/**
 * An experience factory for one test file: call it at the top level. Each workspace it writes has
 * the trace tool at `tools/trace.mjs` (plus `files`), and is removed after each test.
 */
export function freshExperiences(): (yaml: string, files?: Record<string, string>) => Workspace {
  const made: Workspace[] = [];
  afterEach(() => {
    for (const ws of made.splice(0)) ws.remove();
  });
  return (yaml, files = {}) => {
    const ws = writeExperience(yaml, { 'tools/trace.mjs': TRACE_TOOL, ...files });
    made.push(ws);
    return ws;
  };
}

