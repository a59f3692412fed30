// One crash-fuzzing trial (issue #12 §1), with the real bin/oe on a temporary workspace: `oe run`,
// then `oe resume` of the latest run of the chain, each of the first ones interrupted as the plan
// says (kill -9, SIGINT, two SIGINTs, `oe pause`) at a random moment, until one succeeds. After each
// invocation it reads the new log with the real reader and hashes every log; at the end it checks
// the chain (checks.ts), the final state against an uninterrupted run's, and the live claims.
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import type { OeEvent, RunStatus } from '../../src/log/events.js';
import { fold } from '../../src/log/fold.js';
import { readLineage } from '../../src/log/lineage.js';
import { parseEventLine, readLog } from '../../src/log/reader.js';
import type { NodeId, RunId } from '../../src/util/ids.js';
import { collect, runLogs, runOe, spawnOe, tempDir, type OeResult } from '../helpers/cli.js';
import { sha256File, writeFiles } from '../helpers/resume.js';
import { changedLogs, chainProblems, type ChainRun, type Execution } from './checks.js';
import { EXECUTIONS_FILE, crashExperience, crashNodes } from './experience.js';
import type { Interruption, Invocation, TrialPlan } from './plan.js';

/** How long one invocation may take before the trial calls it hung, in ms. */
const INVOCATION_TIMEOUT_MS = 60_000;

/** What an uninterrupted run of the experience ends with. */
export interface Baseline {
  finalState: Record<string, unknown>;
}

/** What happened to one invocation, for the failure report. */
export interface InvocationRecord {
  command: string;
  concurrency: number;
  /** What was sent and when, or why nothing was. */
  interrupted: string;
  pid: number | undefined;
  exit: string;
  /** The new log: its run id, its line count and how it ends (`crashed`: no run.completed). */
  log?: { runId: string; lines: number; ended: RunStatus | 'crashed' | 'empty' };
  /** True when the trial appended a torn line to the log after the kill. */
  torn?: boolean;
  stderrTail: string;
}

/** A finished trial: what it did, and every invariant it found broken (none: the trial passed). */
export interface TrialResult {
  workspace: string;
  invocations: InvocationRecord[];
  problems: string[];
}

/** Runs the experience once without interruption (all sleeps 0) and returns its final state; keeps its workspace only if it fails. */
export async function runBaseline(): Promise<Baseline> {
  const ws = tempDir('oe-crash-baseline-');
  writeFiles(join(ws, 'exp'), crashExperience(() => 0));
  const res = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, timeoutMs: INVOCATION_TIMEOUT_MS });
  const last = res.lines.at(-1);
  if (res.code !== 0 || last?.msg !== 'run complete' || last.status !== 'success') {
    throw new Error(`the uninterrupted run failed (exit ${res.code}) in ${ws}:\n${res.stderr}`);
  }
  rmSync(ws, { recursive: true, force: true });
  return { finalState: last.finalState as Record<string, unknown> };
}

/** One log the trial saw appear. */
interface SeenLog {
  runId: string;
  file: string;
  events: OeEvent[];
}

/** Runs the trial `plan` describes in a fresh workspace. */
export async function runTrial(plan: TrialPlan, baseline: Baseline): Promise<TrialResult> {
  const ws = tempDir('oe-crash-');
  writeFiles(join(ws, 'exp'), crashExperience((i) => plan.sleeps[i] ?? 0));
  const invocations: InvocationRecord[] = [];
  const problems: string[] = [];
  const chain: SeenLog[] = [];
  const hashes = new Map<string, string>();
  /** pids of invocations that died by a signal: only they may leave a live claim behind. */
  const diedBySignal = new Set<number>();
  let final: { runId: string; finalState: unknown } | undefined;
  const limit = plan.interrupted.length + 3;
  for (let n = 0; n < limit && final === undefined && problems.length === 0; n++) {
    const inv: Invocation = plan.interrupted[n] ?? { concurrency: plan.concurrency };
    const prior = chain.at(-1);
    const command = prior ? ['resume', prior.runId] : ['run', 'exp'];
    const before = new Set(runLogs(ws));
    const child = spawnOe(['--log-format', 'json', ...command, '--concurrency', String(inv.concurrency)], { cwd: ws });
    child.stdin!.end();
    const done = collect(child, INVOCATION_TIMEOUT_MS);
    const sent = inv.interruption ? await interrupt(child, ws, before, inv.interruption) : { what: 'no (left to finish)' };
    let res: OeResult;
    try {
      res = await done;
    } catch (e) {
      problems.push(`${command.join(' ')} hung: ${(e as Error).message.slice(0, 2000)}`);
      break;
    }
    const pause = sent.pause ? await sent.pause : undefined;
    if (res.signal !== null && child.pid !== undefined) diedBySignal.add(child.pid);
    const record: InvocationRecord = {
      command: command.join(' '),
      concurrency: inv.concurrency,
      interrupted: sent.what,
      pid: child.pid,
      exit: res.signal ? `signal ${res.signal}` : `exit ${res.code}`,
      stderrTail: res.stderr.split('\n').slice(-6).join('\n'),
    };
    invocations.push(record);
    const where = `invocation ${n + 1} (${record.command}, ${record.interrupted})`;

    const added = runLogs(ws).filter((f) => !before.has(f));
    if (added.length > 1) problems.push(`${where} created ${added.length} logs`);
    let ended: RunStatus | 'crashed' | 'empty' | 'no log' = 'no log';
    if (added[0]) {
      const file = added[0];
      const torn = sent.killed && inv.interruption?.tear ? tearLastLine(file, inv.interruption.tear) : false;
      const read = await readAndCheckLog(file, torn, where);
      problems.push(...read.problems);
      ended = read.ended;
      record.log = { runId: basename(file, '.jsonl'), lines: read.lines, ended };
      if (torn) record.torn = true;
      if (read.events[0]?.type === 'run.started') chain.push({ runId: read.events[0].runId, file, events: read.events });
      hashes.set(file, sha256File(file));
    }
    problems.push(...outcomeProblems(where, inv.interruption, sent, res, ended, pause));
    problems.push(...changedLogs(hashes, new Map([...hashes.keys()].map((f) => [f, existsSync(f) ? sha256File(f) : undefined]))));
    const last = res.lines.at(-1);
    if (res.code === 0 && last?.status === 'success' && record.log) final = { runId: record.log.runId, finalState: last.finalState };
  }
  if (final === undefined) {
    if (problems.length === 0) problems.push(`no invocation succeeded in ${limit}`);
    return { workspace: ws, invocations, problems };
  }

  // The resume chain as oe reads it is the chain of runs the trial made, in order.
  const lineage = await readLineage(ws, final.runId as RunId);
  const ids = lineage.logs.map((l) => l.runId as string).reverse();
  if (!isDeepStrictEqual(ids, chain.map((r) => r.runId))) problems.push(`the resume chain oe reads (${ids.join(' → ')}) is not the one the trial made (${chain.map((r) => r.runId).join(' → ')})`);
  if (lineage.missing.length > 0) problems.push(`logs of the chain are missing: ${lineage.missing.join(', ')}`);

  const forEach = new Set(crashNodes().filter((n) => n.forEach).map((n) => n.id));
  problems.push(...chainProblems(chain satisfies ChainRun[], readExecutions(ws), forEach));

  // The final run: everything done, and the state of an uninterrupted run.
  const state = fold(chain.at(-1)!.events);
  const undone = crashNodes().filter((n) => !['completed', 'cached'].includes(state.nodes.get(n.id as NodeId)?.status ?? 'pending'));
  if (undone.length > 0) problems.push(`the final run left nodes not done: ${undone.map((n) => n.id).join(', ')}`);
  if (!isDeepStrictEqual(final.finalState, baseline.finalState)) problems.push(`the final state differs from an uninterrupted run's: ${stateDifference(final.finalState, baseline.finalState)}`);
  problems.push(...claimProblems(ws, final.runId, diedBySignal));
  return { workspace: ws, invocations, problems };
}

/** What interrupt() did. `pause` is the running `oe pause` command. */
interface Sent {
  what: string;
  killed?: boolean;
  pause?: Promise<OeResult>;
  how?: Interruption['how'];
}

/** Waits for the planned moment, then interrupts the invocation (unless it ended first). */
async function interrupt(child: ChildProcess, ws: string, before: ReadonlySet<string>, it: Interruption): Promise<Sent> {
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  let file: string | undefined;
  let at = 'at once';
  if (it.afterEvents > 0) {
    for (;;) {
      if (exited()) return { what: `no (ended before line ${it.afterEvents} for ${it.how})` };
      file ??= runLogs(ws).find((f) => !before.has(f));
      const lines = file ? countLines(file) : 0;
      if (lines >= it.afterEvents) {
        at = `at line ${lines}`;
        break;
      }
      await sleep(2);
    }
  }
  if (it.delayMs > 0) await sleep(it.delayMs);
  if (exited()) return { what: `no (ended before ${it.how} ${at} + ${it.delayMs} ms)` };
  const what = `${it.how} ${at} + ${it.delayMs} ms`;
  switch (it.how) {
    case 'kill':
      child.kill('SIGKILL');
      return { what, killed: true, how: it.how };
    case 'sigint':
      child.kill('SIGINT');
      return { what, how: it.how };
    case 'sigint-twice':
      child.kill('SIGINT');
      await sleep(it.gapMs);
      if (!exited()) child.kill('SIGINT');
      return { what: `${what}, again ${it.gapMs} ms later`, how: it.how };
    case 'pause': {
      const runId = basename(file!, '.jsonl');
      return { what, how: it.how, pause: runOe(['--log-format', 'json', 'pause', runId], { cwd: ws, timeoutMs: INVOCATION_TIMEOUT_MS }) };
    }
  }
}

/** The number of whole lines in a file. */
function countLines(file: string): number {
  const bytes = readFileSync(file);
  let n = 0;
  for (const b of bytes) if (b === 0x0a) n++;
  return n;
}

/**
 * Appends the first `perMille`‰ of a copy of the log's last line (with the next seq) and `zeros`
 * NUL bytes: the write in flight when the power went. Not after run.completed (nothing follows it)
 * or into an empty log. Returns whether it tore.
 */
function tearLastLine(file: string, tear: { perMille: number; zeros: number }): boolean {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').filter(Boolean);
  const last = lines.at(-1);
  if (last === undefined || !text.endsWith('\n') || last.includes('"type":"run.completed"')) return false;
  const next = last.replace(/^\{"v":1,"seq":(\d+),/, (_, seq: string) => `{"v":1,"seq":${Number(seq) + 1},`);
  const cut = Math.max(1, Math.floor((tear.perMille / 1000) * (next.length - 1)));
  appendFileSync(file, Buffer.concat([Buffer.from(next.slice(0, cut)), Buffer.alloc(tear.zeros)]));
  return true;
}

/**
 * Reads a log with the real reader (src/log/reader.ts), whole and line by line: every line but a
 * torn last one parses, and a torn last line is tolerated only in a log without run.completed.
 */
async function readAndCheckLog(file: string, torn: boolean, where: string): Promise<{ events: OeEvent[]; lines: number; ended: RunStatus | 'crashed' | 'empty'; problems: string[] }> {
  const problems: string[] = [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop()!; // '' when the file ends with a newline
  lines.forEach((line, i) => {
    try {
      parseEventLine(line, file, i + 1);
    } catch (e) {
      problems.push(`${where}: line ${i + 1} of its log does not parse: ${(e as Error).message}`);
    }
  });
  let events: OeEvent[] = [];
  try {
    const read = await readLog(file);
    events = read.events;
    const ended = events.at(-1)?.type === 'run.completed';
    for (const w of read.warnings) {
      if (ended || w.line !== lines.length + 1) problems.push(`${where}: the reader tolerated ${w.file}:${w.line} (${w.message}), which is not a torn last line of a crashed log`);
    }
    if (torn && read.warnings.length === 0) problems.push(`${where}: the reader did not notice the torn last line appended to its log`);
  } catch (e) {
    problems.push(`${where}: the reader refused its log: ${(e as Error).message}`);
  }
  if (tail !== '' && !torn) problems.push(`${where}: its log ends in a line cut off (${tail.length} bytes) that the trial did not tear`);
  const last = events.at(-1);
  const ended = events.length === 0 ? 'empty' : last?.type === 'run.completed' ? last.status : 'crashed';
  return { events, lines: lines.length, ended, problems };
}

/**
 * What the exit of an invocation says that it should not, given how it was interrupted:
 * exit 0 means a successful log; 130 a cancelled one after SIGINT (after two, also no log or a
 * successful one: the second stops the process at once); a paused run only after
 * `oe pause`; death by SIGKILL only after kill; death by SIGINT only before the run's log exists or
 * after it is complete (never mid-run); a failed run, a refused resume (a stale claim), any other
 * exit, or an `oe pause` that failed other than "is not running (last status: …)", never.
 */
function outcomeProblems(where: string, it: Interruption | undefined, sent: Sent, res: OeResult, ended: RunStatus | 'crashed' | 'empty' | 'no log', pause: OeResult | undefined): string[] {
  const problems: string[] = [];
  const exit = res.signal ? `signal ${res.signal}` : `exit ${res.code}`;
  const why = `${where} ended ${exit} with its log ${ended}`;
  const stderr = `\n  stderr: ${res.stderr.split('\n').filter(Boolean).slice(-4).join('\n          ')}`;
  if (ended === 'failure') problems.push(`${why}: the run failed${stderr}`);
  if (res.code === 0) {
    if (ended !== 'success') problems.push(`${why}: exit 0 without a successful log`);
  } else if (res.code === 130) {
    // A second SIGINT stops the process at once, with exit 130, whatever the run had come to: before
    // its log existed (no log), or after it ended (success); never with a log lacking run.completed.
    const hardStopped = sent.how === 'sigint-twice' && (ended === 'success' || ended === 'no log');
    if (ended !== 'cancelled' && !hardStopped) problems.push(`${why}: exit 130 without a cancelled log`);
    if (sent.how !== 'sigint' && sent.how !== 'sigint-twice') problems.push(`${why}: cancelled though no SIGINT was sent`);
  } else if (ended === 'paused' && res.code === 3) {
    // Issue #11 §2: a paused run exits 3.
    if (sent.how !== 'pause') problems.push(`${why}: paused though no pause was asked`);
  } else if (res.signal === 'SIGKILL') {
    if (sent.how !== 'kill') problems.push(`${why}: killed though the trial did not kill it`);
  } else if (res.signal === 'SIGINT' && (sent.how === 'sigint' || sent.how === 'sigint-twice')) {
    if (ended === 'crashed') problems.push(`${why}: SIGINT ended the process mid-run without recording run.completed${stderr}`);
  } else {
    problems.push(`${why}: not what ${it ? it.how : 'an uninterrupted run'} may cause${stderr}`);
  }
  if (pause && pause.code !== 0 && !(pause.code === 1 && /is not running \(last status/.test(pause.stderr))) {
    problems.push(`${where}: \`oe pause\` exited ${pause.code}: ${pause.stderr.trim().slice(0, 500)}`);
  }
  return problems;
}

/** The side file's executions. */
function readExecutions(ws: string): Execution[] {
  const file = join(ws, 'exp', EXECUTIONS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Execution);
}

/**
 * Live claims left in `.openexpertise/live/` after the final success: the successful run's own must
 * be gone, and any other must belong to a process that died by a signal (no handler could release it).
 */
function claimProblems(ws: string, finalRunId: string, diedBySignal: ReadonlySet<number>): string[] {
  const dir = join(ws, '.openexpertise', 'live');
  if (!existsSync(dir)) return [];
  const problems: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === `${finalRunId}.json`) {
      problems.push(`the successful run ${finalRunId} left its live claim behind`);
      continue;
    }
    let pid: unknown;
    try {
      pid = (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { pid?: unknown }).pid;
    } catch {
      if (diedBySignal.size === 0) problems.push(`a partial live claim ${name} was left though no process was killed`);
      continue; // a claim cut off by kill -9 while it was written
    }
    if (typeof pid !== 'number' || !diedBySignal.has(pid)) problems.push(`live claim ${name} (pid ${String(pid)}) was left by a process that was not killed`);
  }
  return problems;
}

/** The first difference between two final states, for the report. */
function stateDifference(got: unknown, want: unknown): string {
  const g = (got ?? {}) as Record<string, unknown>;
  const w = want as Record<string, unknown>;
  for (const key of new Set([...Object.keys(g), ...Object.keys(w)])) {
    if (!isDeepStrictEqual(g[key], w[key])) return `field ${key}: got ${JSON.stringify(g[key])?.slice(0, 300)}, want ${JSON.stringify(w[key])?.slice(0, 300)}`;
  }
  return 'no field differs (order of keys?)';
}
