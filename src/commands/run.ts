// `oe run [path]` (SPEC §4): a new run of an experience — and the work every run-starting command
// ends in (`oe resume` is a run with a memo; `oe modify --resume` is a resume): the checks before
// anything is written, the executor, the claim, the live view, the run loop, the exit code and the
// last line. What the flags resolve to is cli/run-flags.ts; the process handlers, cli/run-process.ts.
// Modules beyond the flags load when the command runs, so the command table stays light.
import type { Memo } from '../engine/memo.js';
import type { LiveClaim } from '../engine/live-claim.js';
import type { RunResult } from '../engine/run-loop.js';
import type { RunSource } from '../engine/run-source.js';
import type { BullmqExecutor } from '../executors/bullmq.js';
import type { InlineExecutor } from '../executors/inline.js';
import type { ToolPool } from '../executors/tool-pool.js';
import type { Experience } from '../experience/types.js';
import type { ExperienceRef, RunOptions, RunStatus } from '../log/events.js';
import { workspacePath } from '../log/paths.js';
import { redactable, redactingLogger, redactText } from '../log/redact.js';
import { SUPPORTED_KINDS } from '../nodes/registry.js';
import type { Json } from '../util/canonical-json.js';
import { systemClock } from '../util/clock.js';
import { UsageError, ValidationError, type Problem } from '../util/errors.js';
import { uuidv7Source, type RunId } from '../util/ids.js';
import { selfIdentity } from '../util/process-identity.js';
import type { CliProcess, Register } from '../cli/command.js';
import { startCommand } from '../cli/command.js';
import { parsePositiveInt, type Globals } from '../cli/globals.js';
import type { Output } from '../cli/output.js';
import { addRunFlags, llmSettings, parseArgsFlag, parseUsd, secretValues, verdictFlags, type RunFlags } from '../cli/run-flags.js';
import { guardRun } from '../cli/run-process.js';
import { OE_VERSION } from '../util/version.js';

/** Adds `oe run`. */
export const register: Register = (program, proc) => {
  addRunFlags(
    program
      .command('run')
      .argument('[path]', 'experience directory or experience.yaml', '.')
      .description('run an experience; every event goes to .openexpertise/runs/<runId>.jsonl'),
  ).action(async (path: string, flags: RunFlags, cmd) => {
    const { globals, output } = await startCommand(cmd, proc);
    const given = parseArgsFlag(flags.args);
    await withRunExecutor(output, async (executor) => {
      const [{ loadExperience }, { fileSource }] = await Promise.all([import('../experience/load-experience.js'), import('../engine/run-source.js')]);
      await launchRun(globals, output, proc, flags, { source: fileSource(await loadExperience(path, globals.cwd)), args: given, executor });
    }, { g: globals, flags });
  });
};

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
  await (await import('../cli/llm-warnings.js')).printLlmWarnings(output, experience, llm, req.source.file ? { file: req.source.file, label: workspacePath(g.cwd, req.source.file) } : undefined);
  // Issue #14 §1: the renderer (json lines, pretty lines, or the live view), chosen before the claim.
  const view = await (await import('../cli/run-view.js')).createRunView(g, output, flags);

  const [{ executeRun }, { createHasher }, { RunControl }, { seedState }, { claimRun }] = await Promise.all([
    import('../engine/run-loop.js'),
    import('../engine/hash.js'),
    import('../engine/run-control.js'),
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
  const secrets = redactable(secretValues(g.env));
  const unguard = guardRun({ control, claim, proc, executor, output, secrets, debug: g.level === 'debug' || g.level === 'trace' });
  const askGate = experience.graph.nodes.some((n) => n.kind === 'gate') ? (await import('../cli/gate-prompt.js')).terminalAsker(g.env, control, () => view.stop()) : undefined;
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
    unguard();
    claim.release();
  }
  if (result.internalError) {
    const message = redactText(result.internalError.message, secrets);
    output.err.error({ err: message, ...(g.level === 'debug' || g.level === 'trace' ? { stack: redactText(result.internalError.stack ?? '', secrets) } : {}) }, `internal error: ${message} (this is a bug in oe; please report it)`);
  }
  proc.setExitCode(EXIT_CODES[result.status]);
  const { printRunEnd } = await import('../cli/run-end.js');
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

/** SPEC §3.3 with issue #11 §2: a paused run (by `oe pause`, at a gate, at its budget) exits 3. */
const EXIT_CODES: Record<RunStatus, number> = { success: 0, failure: 1, paused: 3, cancelled: 130 };

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
