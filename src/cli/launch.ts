// Starts a run from the CLI — shared by `oe run` and `oe resume` (a resume is a run with a memo):
// the run flags, their checks, the signals that pause or cancel, the console, and the last line.
import type { Command } from 'commander';
import { relative, sep } from 'node:path';
import type { RunControl } from '../engine/control.js';
import type { LiveClaim, ClaimHandle } from '../engine/live-claim.js';
import type { BullmqExecutor } from '../executors/bullmq.js';
import type { InlineExecutor } from '../executors/inline.js';
import type { ToolPool } from '../executors/tool-pool.js';
import type { Graph } from '../experience/graph.js';
import type { Experience } from '../experience/types.js';
import type { ExperienceRef, RunOptions, RunStatus } from '../log/events.js';
import type { LlmSettings } from '../nodes/runner.js';
import { SUPPORTED_KINDS } from '../nodes/registry.js';
import { redactText, redactingLogger, redactable } from '../log/redact.js';
import type { Json } from '../util/canonical-json.js';
import { systemClock } from '../util/clock.js';
import { UsageError, ValidationError, type Problem } from '../util/errors.js';
import { uuidv7Source, type RunId } from '../util/ids.js';
import { selfIdentity } from '../util/process-identity.js';
import { quote } from '../util/quote.js';
import { parsePositiveInt, type Globals } from './globals.js';
import type { Output } from './output.js';
import type { CliProcess } from './command.js';
import { OE_VERSION } from './version.js';
import type { Memo } from '../engine/memo.js';
import type { RunResult } from '../engine/run.js';

/** The raw run flags as commander parses them. */
export interface RunFlags {
  args?: string;
  concurrency?: string;
  llm?: string;
  record?: string;
  replay?: string;
  llmMaxRetries?: string;
  llmTimeout?: string;
  approve?: string[];
  reject?: string[];
  /** Issue #11 §6: the cap, in USD, on what the run (and its resume chain) spends on LLM requests. */
  maxCost?: string;
  /** Issue #14 §1: commander's negation of --no-progress (false when given). */
  progress?: boolean;
  /** `--tui`, OpenExpertise's name for the live view. */
  tui?: boolean;
  /** Issue #14 §2: print the final state in full at the end (pretty format). */
  showState?: boolean;
  /** Issue #14 §6: JSON lines on stdout (as --log-format json). */
  json?: boolean;
  /** Issue #13: where attempts run (`inline` or `bullmq`) and, for bullmq, the queue's Redis. */
  executor?: string;
  redis?: string;
  queue?: string;
  workerLostMs?: string;
}

/** Adds the flags every run-starting command takes (SPEC §4, §3.2; issue #4's LLM flags). */
export function addRunFlags(cmd: Command): Command {
  return cmd
    .option('--args <json>', 'run args as a JSON object, checked against the experience\'s inputs')
    .option('--concurrency <n>', 'nodes running at once (default: runtime.concurrency, else 1)')
    .option('--llm <provider>', 'LLM provider for agent and skill nodes: anthropic or openai (default: anthropic if ANTHROPIC_API_KEY is set, else openai if OPENAI_API_KEY is set, else anthropic)')
    .option('--record <dir>', 'record every LLM request/response pair into <dir>')
    .option('--replay <dir>', 'answer LLM requests from recordings in <dir>, with no network')
    .option('--llm-max-retries <n>', 'retries of an LLM request after 429/5xx/timeouts (default 2)')
    .option('--llm-timeout <ms>', 'timeout of one LLM request in ms (default 600000)')
    .option('--approve <gate>', 'give the gate the verdict approve (repeatable; same as --args \'{"<gate>": "approve"}\')', collect, [])
    .option('--reject <gate>', 'give the gate the verdict reject (repeatable)', collect, [])
    .option('--max-cost <usd>', 'a hard cap on what LLM requests may cost, in USD (with a resume: what its chain spent counts); a request whose worst case would pass it is not sent, and the run pauses (exit 3)')
    .option('--json', 'one JSON object per stdout line (the same as --log-format json)')
    .option('--no-progress', 'no live view on a terminal: one line per finished node')
    .option('--tui', 'the live view (OpenExpertise\'s flag; the default on a terminal)')
    .option('--show-state', 'print the final state in full at the end')
    .option('--executor <kind>', 'where node attempts run: inline (this process, the default) or bullmq (oe workers, through Redis)')
    .option('--redis <url>', 'with --executor bullmq: the Redis server of the queue (env OE_REDIS_URL)')
    .option('--queue <name>', 'with --executor bullmq: the queue the workers take attempts from (default oe)')
    .option('--worker-lost-ms <ms>', 'with --executor bullmq: a worker silent this long has lost its attempt (default 10000)');
}

/** commander's collector for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Parses `--args`: a JSON object.
 * @throws {UsageError} naming the problem when it is not JSON or not an object.
 */
export function parseArgsFlag(text: string | undefined): { [name: string]: Json } {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--args is not valid JSON: ${(e as Error).message} (got ${quote(text)})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new UsageError(`--args must be a JSON object such as '{"repo": "."}', not ${Array.isArray(v) ? 'an array' : typeof v === 'string' ? quote(v) : JSON.stringify(v)}`);
  }
  return v as { [name: string]: Json };
}

/** Providers `--llm` accepts. */
const PROVIDERS = ['anthropic', 'openai'];

/** Names of environment variables whose values are secrets (SPEC §3). */
const SECRET_NAME = /(^|_)(KEY|TOKEN|SECRET)$/i;

/** The values of secret environment variables, never to be logged. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([k, v]) => v !== undefined && SECRET_NAME.test(k))
    .map(([, v]) => v!);
}

/**
 * Resolves the LLM settings from flags and the environment (the only place they are read).
 * @throws {UsageError} for an unknown provider or a bad number.
 */
export async function llmSettings(flags: RunFlags, g: Globals): Promise<LlmSettings> {
  // Issue #10 §5, OpenExpertise's rule: without --llm, Anthropic if its key is set, else OpenAI if its key is set.
  const provider = flags.llm ?? (!g.env.ANTHROPIC_API_KEY && g.env.OPENAI_API_KEY ? 'openai' : 'anthropic');
  if (!PROVIDERS.includes(provider)) throw new UsageError(`--llm must be one of ${PROVIDERS.join(', ')}, not ${JSON.stringify(provider)}`);
  if (flags.record && flags.replay) throw new UsageError('--record and --replay cannot be used together');
  const { DEFAULT_MODEL, DEFAULT_OPENAI_MODEL } = await import('../llm/models.js');
  const openai = provider === 'openai';
  const [keyVar, urlVar] = openai ? (['OPENAI_API_KEY', 'OPENAI_BASE_URL'] as const) : (['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'] as const);
  const maxRetries = flags.llmMaxRetries === undefined ? undefined : parseNonNegativeInt('--llm-max-retries', flags.llmMaxRetries);
  const timeout = parsePositiveInt('--llm-timeout', flags.llmTimeout);
  const { resolve } = await import('node:path');
  return {
    provider,
    defaultModel: openai ? g.env.OE_OPENAI_MODEL || DEFAULT_OPENAI_MODEL : g.env.OE_ANTHROPIC_MODEL || DEFAULT_MODEL,
    ...(g.env[keyVar] ? { apiKey: g.env[keyVar] } : {}),
    ...(g.env[urlVar] ? { baseURL: g.env[urlVar] } : {}),
    ...(flags.record ? { recordDir: resolve(g.cwd, flags.record) } : {}),
    ...(flags.replay ? { replayDir: resolve(g.cwd, flags.replay) } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(timeout !== undefined ? { requestTimeoutMs: timeout } : {}),
  };
}

/**
 * A USD amount flag: a number ≥ 0 such as `5` or `0.25`.
 * @throws {UsageError} naming the flag and the value otherwise.
 */
function parseUsd(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new UsageError(`${flag} must be an amount in USD such as 5 or 0.25, not ${JSON.stringify(value)}`);
  return Number(value);
}

function parseNonNegativeInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** The experience a run executes, and where it came from. */
export interface RunSource {
  experience: Experience;
  /** Its graph, built once by validation. */
  graph: Graph;
  /** Absolute experience directory. */
  dir: string;
  /** Absolute path of the YAML, when it was read from a file. */
  file?: string;
  sha256: string;
  /** `file` when read now, `log` when taken from a prior run's run.started. */
  definitionSource: 'file' | 'log';
  /** The path to record, relative to the workspace, when there is no file (the prior run's). */
  recordedPath?: string;
}

/** What launchRun needs beyond the flags. */
export interface LaunchRequest {
  source: RunSource;
  /** Run args before validation (for a resume: the prior args with --args merged over them). */
  args: { [name: string]: Json };
  /** Where attempts run; from withRunExecutor, created before the experience was loaded. */
  executor: RunExecutor;
  memo?: Memo;
  /** For a resume: the prior run, its resume chain, whether it is live, and its child runs. */
  resumed?: { runId: RunId; lineage: RunId[]; live(): LiveClaim | undefined; priorChildren?: ReadonlyMap<string, RunId>; spentUsd?(): Promise<number> };
}

/** A path relative to the workspace with POSIX separators, for the log. */
export function workspacePath(workspace: string, abs: string): string {
  return relative(workspace, abs).split(sep).join('/') || '.';
}

/** The executor of a run and its tool threads, started early so a thread boots during start-up. */
export interface RunExecutor {
  executor: InlineExecutor | BullmqExecutor;
  tools: ToolPool;
  /** What run.started records of a remote executor (issue #13): its kind and queue, never the Redis URL. */
  options?: { executor: 'bullmq'; queue: string };
}

/**
 * Runs `fn` with the executor of a run, created first and closed last: one tool thread starts at
 * once, so its start (~40 ms) overlaps loading the experience and the memo; launchRun stops it when
 * the experience has no tool node. Tools' own stdout goes to stderr in json format (stdout carries
 * only events, SPEC §4).
 */
export async function withRunExecutor<T>(output: Output, fn: (ex: RunExecutor) => Promise<T>, remote?: { g: Globals; flags: RunFlags }): Promise<T> {
  // Issue #13: with --executor bullmq, attempts go to oe workers; Redis is reached before anything is written.
  const choice = remote ? (await import('../executors/bullmq-config.js')).parseExecutorFlags(remote.flags, remote.g.env) : ({ kind: 'inline' } as const);
  const [{ InlineExecutor }, { ToolPool }] = await Promise.all([import('../executors/inline.js'), import('../executors/tool-pool.js')]);
  const tools = new ToolPool({ maxWorkers: 1, stdout: output.format === 'json' ? process.stderr : process.stdout, stderr: process.stderr });
  if (choice.kind === 'bullmq') {
    const { BullmqExecutor } = await import('../executors/bullmq.js');
    const secrets = redactable(secretValues(remote!.g.env));
    const executor = await BullmqExecutor.open({ redis: choice.redis, queue: choice.queue, lostMs: choice.lostMs, workspace: remote!.g.workspace, secrets, log: redactingLogger(output.err, secrets) });
    try {
      return await fn({ executor, tools, options: { executor: 'bullmq', queue: choice.queue } });
    } finally {
      await Promise.all([executor.close(), tools.close()]);
    }
  }
  tools.prewarm(1);
  const executor = new InlineExecutor({ tools });
  try {
    return await fn({ executor, tools });
  } finally {
    await executor.close();
  }
}

/**
 * The run's args: `--args` (over a resume's carried args) checked against `inputs`, plus the gates'
 * verdicts (issue #11 §1: an arg named after a gate is its verdict, whatever `inputs` declare;
 * `--approve`/`--reject` are shorthands).
 * @throws {ValidationError} for args that fail `inputs`, a verdict that is not one of its gate's
 *   options, or node kinds this build cannot run.
 */
export async function runArgs(g: Globals, flags: RunFlags, req: Pick<LaunchRequest, 'source' | 'args'>): Promise<{ [name: string]: Json }> {
  const { experience } = req.source;
  const [{ resolveArgs }, { splitVerdicts }] = await Promise.all([import('../experience/args.js'), import('../experience/gate-args.js')]);
  const given = splitVerdicts(experience, { ...req.args, ...verdictFlags(flags) });
  const resolved = resolveArgs(experience.inputs, given.rest);
  const problems = [...resolved.problems, ...given.problems];
  const unsupported: Problem[] = experience.graph.nodes
    .filter((n) => !SUPPORTED_KINDS.includes(n.kind))
    .map((n) => ({ file: req.source.file ? workspacePath(g.cwd, req.source.file) : '<definition>', message: `node ${n.id}: kind "${n.kind}" is not supported by this version of oe (supported: ${SUPPORTED_KINDS.join(', ')})` }));
  if (problems.length + unsupported.length > 0) throw new ValidationError([...problems, ...unsupported]);
  return { ...resolved.args, ...given.verdicts };
}

/**
 * Checks everything, then executes the run and prints its events and its last line. Sets the exit
 * code: 0 success, 1 failure, 3 paused (a gate waits, `oe pause`, the budget), 130 cancelled.
 * @throws {ValidationError} for args that fail `inputs` or node kinds this build cannot run — before
 *   anything is written; {UsageError} for bad flags; {RunLiveError} when the resumed run (or another
 *   resume of it) is still live.
 */
export async function launchRun(g: Globals, output: Output, proc: CliProcess, flags: RunFlags, req: LaunchRequest): Promise<RunResult> {
  const { experience, graph } = req.source;
  const { executor, tools } = req.executor;
  const args = await runArgs(g, flags, req);
  const concurrency = parsePositiveInt('--concurrency', flags.concurrency) ?? experience.runtime.concurrency;
  const llm = await llmSettings(flags, g);
  const maxCost = parseUsd('--max-cost', flags.maxCost);
  if (maxCost !== undefined) {
    // The budget is kept by this process: requests sent from workers could not be held to it.
    if (req.executor.options?.executor === 'bullmq') throw new UsageError('--max-cost needs --executor inline: LLM requests are held to the budget in the process that sends them');
    const { Budget } = await import('../engine/budget.js');
    llm.budget = new Budget(maxCost, req.resumed?.spentUsd ? await req.resumed.spentUsd() : 0);
  }
  executor.setLlm(llm);
  tools.resize(maxToolAttempts(experience, concurrency));
  await (await import('./llm-warnings.js')).printLlmWarnings(output, experience, llm, req.source.file ? { file: req.source.file, label: workspacePath(g.cwd, req.source.file) } : undefined);
  // Issue #14 §1: the renderer (json lines, pretty lines, or the live view), chosen before the claim.
  const view = await (await import('./run-view.js')).createRunView(g, output, flags);

  const [{ executeRun }, { createHasher }, { RunControl }, { seedState }, { claimRun }] = await Promise.all([
    import('../engine/run.js'),
    import('../engine/hash.js'),
    import('../engine/control.js'),
    import('../engine/inputs.js'),
    import('../engine/live-claim.js'),
  ]);
  const runId = uuidv7Source(systemClock.now)();
  const me = selfIdentity();
  // Issue #8 §2: one live run per lineage. Claimed before the log exists, so a refused resume
  // leaves nothing behind.
  const claim = claimRun(g.workspace, { ...me, runId, lineage: [runId, ...(req.resumed?.lineage ?? [])] }, req.resumed?.live);
  const control = new RunControl();
  const ref: ExperienceRef = {
    name: experience.name,
    version: experience.version,
    path: req.source.file ? workspacePath(g.workspace, req.source.file) : (req.source.recordedPath ?? '<definition>'),
    sha256: req.source.sha256,
  };
  const options: RunOptions = {
    concurrency,
    llm: llm.provider,
    ...(llm.recordDir ? { record: workspacePath(g.workspace, llm.recordDir) } : {}),
    ...(llm.replayDir ? { replay: workspacePath(g.workspace, llm.replayDir) } : {}),
    ...(req.resumed ? { definitionSource: req.source.definitionSource } : {}),
    ...(req.memo?.rerun.size ? { rerun: [...req.memo.rerun] } : {}),
    ...(maxCost !== undefined ? { maxCostUsd: maxCost } : {}),
    ...req.executor.options,
    pid: me.pid,
    host: me.host,
    ...(me.started ? { processStart: me.started } : {}),
  };
  const stopSignals = installSignals(control, claim, proc);
  const askGate = experience.graph.nodes.some((n) => n.kind === 'gate') ? (await import('./gate-prompt.js')).terminalAsker(g.env, control, () => view.stop()) : undefined;
  // Issue #8 §3: whatever happens, the log ends with run.completed. An error thrown outside a
  // promise by an in-process attempt's async work fails that attempt (the executor knows whose it
  // is); anything else is oe's own bug and stops the run, its message (never its stack) printed.
  const secrets = redactable(secretValues(g.env));
  const onUncaught = (e: unknown): void => {
    if (executor.claimUncaught(e)) return;
    const error = e instanceof Error ? e : new Error(`non-Error value thrown: ${String(e)}`);
    output.err.error(
      { err: error.name, ...(g.level === 'debug' || g.level === 'trace' ? { stack: redactText(error.stack ?? '', secrets) } : {}) },
      redactText(`uncaught ${error.name} thrown outside any node's promise: ${error.message} — the run is stopped`, secrets),
    );
    control.fail(error);
  };
  // The event loop emptied while the run was not over: an in-process attempt's promise can never
  // settle. Fail it (or, if none is in flight, the run) instead of letting Node exit mid-log.
  const onBeforeExit = (): void => {
    if (executor.failStalled() === 0) control.fail(new Error('the run stalled: nothing was left that could finish it'));
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  process.on('beforeExit', onBeforeExit);
  const restoreStdout = output.format === 'json' ? divertStdout() : () => {};
  let result: RunResult;
  try {
    result = await executeRun({
      plan: { experience, graph, args, seed: seedState(experience, args) },
      runId,
      workspace: g.workspace,
      experienceDir: req.source.dir,
      experience: ref,
      definition: experience as unknown as Json,
      options,
      llm,
      ...(req.resumed ? { resumedFrom: req.resumed.runId } : {}),
      ...(req.resumed?.priorChildren ? { priorChildren: req.resumed.priorChildren } : {}),
      ...(req.memo ? { memo: req.memo } : {}),
      oeVersion: OE_VERSION,
      clock: systemClock,
      hasher: await createHasher(),
      control,
      executor,
      ...(askGate ? { askGate } : {}),
      secrets,
      env: g.env,
      onEvent: (e, state) => view.onEvent(e, state),
      nodeLogger: (nodeId, iteration) => redactingLogger(output.err.child(iteration === undefined ? { nodeId } : { nodeId, iteration }), secrets),
    });
  } finally {
    view.stop();
    stopSignals();
    claim.release();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    process.off('beforeExit', onBeforeExit);
    restoreStdout();
  }
  if (result.internalError) {
    const message = redactText(result.internalError.message, secrets);
    output.err.error({ err: message, ...(g.level === 'debug' || g.level === 'trace' ? { stack: redactText(result.internalError.stack ?? '', secrets) } : {}) }, `internal error: ${message} (this is a bug in oe; please report it)`);
  }
  proc.setExitCode(EXIT_CODES[result.status]);
  const { printRunEnd } = await import('./run-end.js');
  printRunEnd(output, {
    runId: result.runId,
    status: result.status,
    ...(req.resumed ? { resumedFrom: req.resumed.runId } : {}),
    state: result.state,
    log: workspacePath(g.cwd, result.logFile),
    finalState: result.finalState,
    showState: flags.showState === true,
  });
  return result;
}

/** The most tool attempts a run can have in flight: each running node, times its fan-out. */
/** SPEC §3.3 with issue #11 §2: a paused run (by `oe pause`, at a gate, at its budget) exits 3. */
const EXIT_CODES: Record<RunStatus, number> = { success: 0, failure: 1, paused: 3, cancelled: 130 };

/** `--approve <gate>` and `--reject <gate>` as verdict args (repeatable, comma-separated). */
function verdictFlags(flags: RunFlags): { [gate: string]: string } {
  const out: { [gate: string]: string } = {};
  for (const [list, verdict] of [[flags.approve, 'approve'], [flags.reject, 'reject']] as const) {
    for (const gate of (list ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) out[gate] = verdict;
  }
  return out;
}

/**
 * The most tool threads a run may need: each running node times its fan-out (pipelines count their
 * item concurrency). A run with `experience` nodes shares its threads with its nested runs, whose
 * needs are theirs: it keeps room for CHILD_TOOL_THREADS more. A run with neither needs none.
 */
function maxToolAttempts(experience: Experience, concurrency: number): number {
  const tools = experience.graph.nodes.filter((n) => n.kind === 'tool');
  const nested = experience.graph.nodes.some((n) => n.kind === 'experience');
  if (tools.length === 0 && !nested) return 0;
  const pipelines = (experience.graph.pipelines ?? []).map((p) => p.concurrency);
  const fanOut = Math.max(1, ...tools.map((n) => n.for_each?.concurrency ?? 1), ...pipelines);
  return Math.min(tools.length * fanOut, concurrency * fanOut) + (nested ? CHILD_TOOL_THREADS : 0);
}

/** Tool threads kept for the nested runs of a run's `experience` nodes (threads start only when used). */
const CHILD_TOOL_THREADS = 16;

/**
 * SIGINT, SIGTERM and SIGHUP (a closed terminal) cancel the run: running nodes are aborted and the
 * log ends `cancelled`. A second one ends the process at once — after run.completed is written and
 * fsynced (issue #8 §3). SIGUSR2 pauses at the next node boundary. Returns the uninstaller.
 */
function installSignals(control: RunControl, claim: ClaimHandle, proc: CliProcess): () => void {
  let received = 0;
  const stop = (sig: string) => (): void => {
    if (++received === 1) {
      control.cancel(`cancelled by ${sig}`);
      return;
    }
    control.hardStop();
    claim.release();
    proc.exitNow(130);
  };
  const handlers: Array<[NodeJS.Signals, () => void]> = [
    ['SIGINT', stop('SIGINT')],
    ['SIGTERM', stop('SIGTERM')],
    ['SIGHUP', stop('SIGHUP')],
    ['SIGUSR2', () => control.pause()],
  ];
  for (const [sig, fn] of handlers) process.on(sig, fn);
  return () => {
    for (const [sig, fn] of handlers) process.off(sig, fn);
    // `oe pause` reads the log, then signals: its SIGUSR2 can land after the run has ended, and
    // the signal's default action would kill a process whose run succeeded (issue #12 §1).
    if (!process.listeners('SIGUSR2').includes(ignoreLatePause)) process.on('SIGUSR2', ignoreLatePause);
  };
}

/** Stands in for the pause handler once the run is over: there is nothing left to pause. */
const ignoreLatePause = (): void => {};

/**
 * SPEC §4: in json format every stdout line is one JSON object. Code on the main thread that prints
 * (console.log, process.stdout.write) would break `oe … | jq`, so while a run executes, writes through
 * process.stdout go to stderr. oe's own lines are unaffected: pino writes to fd 1 directly. (Tools
 * print from their threads, whose output the tool pool sends to stderr itself.)
 * @returns the function that restores process.stdout.write.
 */
function divertStdout(): () => void {
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    (process.stderr.write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}
