// Helpers for the end-to-end resume tests (issue #3): experiences written into temp directories,
// tool modules that count their executions in a side file, and `oe run` / `oe resume` wrappers that
// check the invariants every resume must keep (the prior log byte-for-byte unchanged, a valid log).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { afterEach, expect } from 'vitest';
import { readEvents, runLogs, runOe, tempDir, type OeResult } from './cli.js';

/** Where counting tools record their executions, inside the experience directory. */
export const EXECUTIONS_FILE = 'executions.log';

/** A JSON event or stdout line, loosely typed. */
export type Obj = Record<string, unknown>;

/** Writes files (path relative to `dir` → text), creating directories as needed. */
export function writeFiles(dir: string, files: { [rel: string]: string }): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

/**
 * The source of a tool module that appends `nodeId` (or `nodeId[index]` under for_each) to
 * EXECUTIONS_FILE in its experience directory, waits while the file `hold-<nodeId>` exists there
 * (until the run is cancelled), then runs `body`. In `body`: `input`, `ctx`, `flag(name)` (true when
 * that file exists in the experience directory) and `sleep(ms, value, options)`.
 */
export function countingTool(body: string): string {
  return `import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
export default async function (input, ctx) {
  appendFileSync(join(ctx.experienceDir, '${EXECUTIONS_FILE}'), ctx.nodeId + (ctx.iteration ? '[' + ctx.iteration.index + ']' : '') + '\\n');
  const flag = (name) => existsSync(join(ctx.experienceDir, name));
  while (flag('hold-' + ctx.nodeId)) await sleep(20, undefined, { signal: ctx.signal });
${body}
}
`;
}

/** The executions recorded since the last call, in order, and clears the record. */
export function takeExecutions(expDir: string): string[] {
  const file = join(expDir, EXECUTIONS_FILE);
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  rmSync(file);
  return lines;
}

/** sha256 (hex) of a file's bytes. */
export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A workspace (the cwd of every oe call) holding an experience in `exp/`. */
export interface Fixture {
  ws: string;
  exp: string;
}

/** A fresh temp workspace with the experience's files written to `<ws>/exp`. */
export function fixture(files: { [rel: string]: string }): Fixture {
  const ws = tempDir('oe-resume-');
  const exp = join(ws, 'exp');
  writeFiles(exp, files);
  return { ws, exp };
}

/** `oe --log-format json <args>` in the workspace. */
export function oe(ws: string, args: string[], timeoutMs?: number): Promise<OeResult> {
  return runOe(['--log-format', 'json', ...args], { cwd: ws, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** The last JSON line on stdout (`run complete` / `resume complete`). */
export function lastLine(r: OeResult): Obj {
  const last = r.lines[r.lines.length - 1];
  if (!last) throw new Error(`no JSON line on stdout\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return last;
}

/** A run (or resume) as the tests see it: its process, last line, id and log. */
export interface Launched {
  result: OeResult;
  last: Obj;
  runId: string;
  logFile: string;
  events: Obj[];
  finalState: Obj;
}

/** The path of a run's log in a workspace. */
export function logPath(ws: string, runId: string): string {
  return join(ws, '.openexpertise', 'runs', `${runId}.jsonl`);
}

/**
 * Checks a finished run's log: every line parses, `seq` is 0..n, every event carries the file's run
 * id, it starts with run.started and ends with run.completed. Returns the events.
 */
export function expectValidLog(file: string): Obj[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n'), `${file} ends with a newline`).toBe(true);
  const events = readEvents(file);
  const runId = basename(file, '.jsonl');
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  expect(new Set(events.map((e) => e.runId))).toEqual(new Set([runId]));
  expect(events[0]?.type).toBe('run.started');
  expect(events[events.length - 1]?.type).toBe('run.completed');
  return events;
}

async function launched(ws: string, result: OeResult, msg: string): Promise<Launched> {
  const last = lastLine(result);
  expect(last.msg, `last stdout line\nstderr:\n${result.stderr}`).toBe(msg);
  const runId = last.runId as string;
  const logFile = logPath(ws, runId);
  const events = expectValidLog(logFile);
  const completed = events[events.length - 1]!;
  expect(last.status).toBe(completed.status);
  expect(result.code).toBe(completed.status === 'success' ? 0 : completed.status === 'cancelled' ? 130 : 1);
  await expectLogAgrees(logFile, last);
  return { result, last, runId, logFile, events, finalState: last.finalState as Obj };
}

/**
 * STYLE §4's invariant, from the outside: folding the log with oe's own reader and fold gives the
 * final state the CLI printed (the merge of every node's delta in the fixed order, SPEC §2.5) and
 * the counts run.completed recorded.
 */
export async function expectLogAgrees(logFile: string, last: Obj): Promise<void> {
  const [{ readLog }, { fold }, { finalState, seedState }, { buildGraph }, { experienceFromDefinition }] = await Promise.all([
    import('../../src/log/reader.js'),
    import('../../src/log/fold.js'),
    import('../../src/engine/inputs.js'),
    import('../../src/experience/topology.js'),
    import('../../src/experience/load-experience.js'),
  ]);
  const { events, warnings } = await readLog(logFile);
  expect(warnings).toEqual([]);
  const state = fold(events);
  const experience = experienceFromDefinition(state.definition, { file: logFile, dir: dirname(logFile), checkFiles: false });
  const plan = { experience, graph: buildGraph(experience), args: state.args, seed: seedState(experience, state.args) };
  expect(finalState(plan, state), 'the fold of the log gives the printed final state').toEqual(last.finalState);
  const counts = { completed: 0, cached: 0, failed: 0, skipped: 0 };
  for (const n of state.nodes.values()) if (n.status in counts) counts[n.status as keyof typeof counts]++;
  const completed = events[events.length - 1]!;
  expect(completed.type === 'run.completed' ? completed.counts : undefined).toEqual(counts);
}

/** `oe run exp` to completion (any status); checks the last line and the log. */
export async function runExp(fx: Fixture, extra: string[] = []): Promise<Launched> {
  const r = await oe(fx.ws, ['run', 'exp', ...extra]);
  return await launched(fx.ws, r, 'run complete');
}

/**
 * `oe resume <priorId>` for a resume expected not to start (a usage, validation or log error):
 * checks that the prior log is byte-for-byte unchanged and returns the process's result.
 */
export async function resumeRefused(fx: Fixture, priorId: string, extra: string[] = []): Promise<OeResult> {
  const prior = logPath(fx.ws, priorId);
  const before = sha256File(prior);
  const r = await oe(fx.ws, ['resume', priorId, ...extra]);
  expect(sha256File(prior), 'the prior log is unchanged').toBe(before);
  expect(r.code).not.toBe(0);
  return r;
}

/**
 * `oe resume <priorId>` to completion (any status). Checks what every resume must do (SPEC §3.2):
 * the prior log is byte-for-byte unchanged, the new log is valid and names the prior run in
 * `run.started.resumedFrom`, and the last stdout line is `resume complete` with
 * `{runId, status, originalRunId}`.
 */
export async function resumeRun(fx: Fixture, priorId: string, extra: string[] = []): Promise<Launched> {
  const prior = logPath(fx.ws, priorId);
  const before = sha256File(prior);
  const r = await oe(fx.ws, ['resume', priorId, ...extra]);
  expect(sha256File(prior), 'the prior log is unchanged').toBe(before);
  const l = await launched(fx.ws, r, 'resume complete');
  expect(l.runId).not.toBe(priorId);
  expect(l.last.originalRunId).toBe(priorId);
  expect(l.events[0]!.resumedFrom).toBe(priorId);
  return l;
}

/** The events of a type (optionally of one node), in log order. */
export function eventsOf(events: Obj[], type: string, nodeId?: string): Obj[] {
  return events.filter((e) => e.type === type && (nodeId === undefined || e.nodeId === nodeId));
}

/** Node ids (`id` or `id[index]`) with a given terminal event, in log order. */
export function unitsWith(events: Obj[], type: string): string[] {
  return events
    .filter((e) => e.type === type)
    .map((e) => `${e.nodeId as string}${e.iteration ? `[${(e.iteration as { index: number }).index}]` : ''}`);
}

/** Node ids whose own (non-iteration) event in the log is `type`, sorted. */
export function nodesWith(events: Obj[], type: 'node.completed' | 'node.cached' | 'node.failed' | 'node.skipped'): string[] {
  return events.filter((e) => e.type === type && !e.iteration).map((e) => e.nodeId as string).sort();
}

/** Everything under a workspace's `.openexpertise/runs`, or [] when it does not exist. */
export function logsIn(ws: string): string[] {
  return runLogs(ws);
}

/** Sorted copy, for comparing sets of executions. */
export const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/**
 * The "diamond" experience, six tool nodes (each counts its executions):
 *
 *   seed($args.base) → n ──┬─→ double → doubled ─┬─→ total → report
 *                          └─→ square → squared ─┘            ↑
 *   tag($args.label) → tagged ─────────────────────────────────┘
 *
 * `square` fails while the file `fail-square` exists. Nodes in `noCache` get `cache: false`.
 */
export function diamond(opts: { noCache?: string[]; concurrency?: number } = {}): { [rel: string]: string } {
  const node = (id: string, rest: string): string =>
    `    - id: ${id}\n      kind: tool\n      impl: tools/${id}.mjs\n${rest}${opts.noCache?.includes(id) ? '      cache: false\n' : ''}`;
  return {
    'experience.yaml': `name: resume-diamond
version: 1.0.0
inputs:
  base: { type: integer, default: 3 }
  label: { type: string, default: "x" }
state:
  schema:
    n: { type: number, merge: last_wins }
    tagged: { type: string, merge: last_wins }
    doubled: { type: number, merge: last_wins }
    squared: { type: number, merge: last_wins }
    total: { type: number, merge: set_once }
    report: { type: string, merge: set_once }
graph:
  nodes:
${node('seed', '      args: { base: $args.base }\n      writes: [n]\n')}${node('tag', '      args: { label: $args.label }\n      writes: [tagged]\n')}${node('double', '      reads: [n]\n      writes: [doubled]\n')}${node('square', '      reads: [n]\n      writes: [squared]\n')}${node('total', '      reads: [doubled, squared]\n      writes: [total]\n')}${node('report', '      reads: [total, tagged]\n      writes: [report]\n')}  edges:
    - { from: seed, to: double }
    - { from: seed, to: square }
    - { from: double, to: total }
    - { from: square, to: total }
    - { from: total, to: report }
    - { from: tag, to: report }
runtime:
  concurrency: ${opts.concurrency ?? 1}
`,
    'tools/seed.mjs': countingTool(`  return { state_delta: { n: input.base } };`),
    'tools/tag.mjs': countingTool(`  return { state_delta: { tagged: '#' + input.label } };`),
    'tools/double.mjs': countingTool(`  return { state_delta: { doubled: input._state.n * 2 } };`),
    'tools/square.mjs': countingTool(`  if (flag('fail-square')) throw new Error('square is broken (fail-square exists)');
  return { state_delta: { squared: input._state.n ** 2 } };`),
    'tools/total.mjs': countingTool(`  return { state_delta: { total: input._state.doubled + input._state.squared } };`),
    'tools/report.mjs': countingTool(`  return { state_delta: { report: input._state.tagged + '=' + input._state.total } };`),
  };
}

/** Every node of diamond(), in declaration order. */
export const DIAMOND_NODES = ['seed', 'tag', 'double', 'square', 'total', 'report'];

/** diamond()'s final state for args {base, label}. */
export function diamondState(base = 3, label = 'x'): Obj {
  const total = base * 2 + base ** 2;
  return { n: base, tagged: `#${label}`, doubled: base * 2, squared: base ** 2, total, report: `#${label}=${total}` };
}

/** The events of a run in a workspace, by run id. */
export function readLogEvents(ws: string, runId: string): Obj[] {
  return readEvents(logPath(ws, runId));
}

/**
 * The "fan-out" experience: a `dataset` node loads items.json (`items`), `each` runs once per item
 * (for_each, concurrency 2) appending one entry to the `array_append` field `results`, and `sum`
 * adds them up. Iteration i fails while the file `fail-each-<i>` exists, and waits while
 * `hold-each-<i>` exists.
 */
export function fanOut(items: number[]): { [rel: string]: string } {
  return {
    'experience.yaml': `name: resume-fan-out
version: 1.0.0
state:
  schema:
    items: { type: array, merge: last_wins }
    results: { type: array, merge: array_append }
    sum: { type: number, merge: set_once }
graph:
  nodes:
    - id: load
      kind: dataset
      source: { type: file, uri: items.json, format: json }
      writes: [items]
    - id: each
      kind: tool
      impl: tools/each.mjs
      writes: [results]
      for_each: { source: $.items, concurrency: 2 }
    - id: sum
      kind: tool
      impl: tools/sum.mjs
      reads: [results]
      writes: [sum]
  edges:
    - { from: load, to: each }
    - { from: each, to: sum }
`,
    'items.json': JSON.stringify(items),
    'tools/each.mjs': countingTool(`  if (flag('fail-each-' + input.$index)) throw new Error('item ' + input.$index + ' is broken');
  while (flag('hold-each-' + input.$index)) await sleep(20, undefined, { signal: ctx.signal });
  return { state_delta: { results: [{ index: input.$index, square: input.$item ** 2 }] }, edge_output: input.$item };`),
    'tools/sum.mjs': countingTool(`  return { state_delta: { sum: input._state.results.reduce((s, r) => s + r.square, 0) } };`),
  };
}

/** fanOut(items)'s final state. */
export function fanOutState(items: number[]): Obj {
  const results = items.map((x, index) => ({ index, square: x ** 2 }));
  return { items, results, sum: results.reduce((s, r) => s + r.square, 0) };
}

/**
 * The "table" experience: a `dataset` node loads data.csv (`rows`); `count` and `cities` read the
 * rows, `line` joins their results; `clock` is independent of the data.
 */
export function table(csv: string): { [rel: string]: string } {
  return {
    'experience.yaml': `name: resume-table
version: 1.0.0
state:
  schema:
    rows: { type: array, merge: last_wins }
    count: { type: integer, merge: last_wins }
    cities: { type: array, merge: last_wins }
    line: { type: string, merge: last_wins }
    unrelated: { type: string, merge: last_wins }
graph:
  nodes:
    - id: unrelated
      kind: tool
      impl: tools/unrelated.mjs
      writes: [unrelated]
    - id: load
      kind: dataset
      source: { type: file, uri: data/data.csv, format: csv }
      writes: [rows]
    - id: count
      kind: tool
      impl: tools/count.mjs
      reads: [rows]
      writes: [count]
    - id: cities
      kind: tool
      impl: tools/cities.mjs
      reads: [rows]
      writes: [cities]
    - id: line
      kind: tool
      impl: tools/line.mjs
      reads: [count, cities]
      writes: [line]
  edges:
    - { from: load, to: count }
    - { from: load, to: cities }
    - { from: count, to: line }
    - { from: cities, to: line }
`,
    'data/data.csv': csv,
    'tools/unrelated.mjs': countingTool(`  return { state_delta: { unrelated: 'ok' } };`),
    'tools/count.mjs': countingTool(`  return { state_delta: { count: input._state.rows.length } };`),
    'tools/cities.mjs': countingTool(`  return { state_delta: { cities: [...new Set(input._state.rows.map((r) => r.city))].sort() } };`),
    'tools/line.mjs': countingTool(`  return { state_delta: { line: input._state.count + ' rows: ' + input._state.cities.join(', ') } };`),
  };
}

/**
 * Polls a workspace's newest run log until `until(events)` holds (torn or partial lines are ignored
 * while polling). Returns the log's path and events.
 * @throws when it does not hold within `timeoutMs`.
 */
export async function waitForLog(ws: string, until: (events: Obj[]) => boolean, timeoutMs = 20_000): Promise<{ file: string; events: Obj[] }> {
  const deadline = Date.now() + timeoutMs;
  let seen: Obj[] = [];
  while (Date.now() < deadline) {
    const file = runLogs(ws).at(-1);
    if (file) {
      seen = readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Obj];
          } catch {
            return [];
          }
        });
      if (until(seen)) return { file, events: seen };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the run log never reached the expected point; events so far:\n${seen.map((e) => `${e.type as string} ${(e.nodeId as string) ?? ''}`).join('\n')}`);
}

/** True when the events hold a `type` event for the unit `unit` (`id` or `id[index]`). */
export function hasUnit(events: Obj[], type: string, unit: string): boolean {
  return unitsWith(events, type).includes(unit);
}

/** Asserts a run or resume succeeded, showing its failures (and stderr) when it did not. */
export function expectSuccess(l: Launched): void {
  const failures = l.events.filter((e) => e.type === 'node.failed').map((e) => `${e.nodeId as string}${e.iteration ? `[${(e.iteration as { index: number }).index}]` : ''}: ${JSON.stringify(e.error)}`);
  expect(l.last.status, `failures:\n${failures.join('\n')}\nstderr:\n${l.result.stderr}`).toBe('success');
}

/**
 * The "trail" experience: first → second → third, each appending its id to the `array_append`
 * field `trail` (third also reads it and records its length in `seen`). `second` fails while the
 * file `fail-second` exists.
 */
export function trail(): { [rel: string]: string } {
  const tool = (id: string, extra = ''): string =>
    countingTool(`${extra}  return { state_delta: { trail: ['${id}'] } };`);
  return {
    'experience.yaml': `name: resume-trail
version: 1.0.0
state:
  schema:
    trail: { type: array, merge: array_append }
    seen: { type: integer, merge: set_once }
graph:
  nodes:
    - { id: first, kind: tool, impl: tools/first.mjs, writes: [trail] }
    - { id: second, kind: tool, impl: tools/second.mjs, writes: [trail] }
    - { id: third, kind: tool, impl: tools/third.mjs, reads: [trail], writes: [trail, seen] }
  edges:
    - { from: first, to: second }
    - { from: second, to: third }
`,
    'tools/first.mjs': tool('first'),
    'tools/second.mjs': tool('second', `  if (flag('fail-second')) throw new Error('second is broken');\n`),
    'tools/third.mjs': countingTool(`  return { state_delta: { trail: ['third'], seen: input._state.trail.length } };`),
  };
}

/**
 * A fixture factory for one test file: call it at the top level; every fixture it makes is removed
 * after each test.
 */
export function freshFixtures(): (files: { [rel: string]: string }) => Fixture {
  const made: Fixture[] = [];
  afterEach(() => {
    for (const fx of made.splice(0)) rmSync(fx.ws, { recursive: true, force: true });
  });
  return (files) => {
    const fx = fixture(files);
    made.push(fx);
    return fx;
  };
}
