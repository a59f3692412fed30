// `oe resume <runId>` (SPEC §3.2): a new run that uses the prior run's log — and those of its resume
// chain — as its memo: a node whose input hash matches a completed node is restored, not executed.
// `--rerun` names nodes to execute whatever the memo holds (issue #9 §6); `--dry-run` prints the plan
// per node and executes nothing (issue #11 §5). What it takes from the prior run is
// engine/prior-run.ts; the run itself is commands/run.ts's launchRun.
import type { Command } from 'commander';
import type { PriorRun } from '../engine/prior-run.js';
import { didYouMean } from '../experience/suggest.js';
import type { Experience } from '../experience/types.js';
import { systemClock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import { uuidv7Source, type NodeId, type RunId } from '../util/ids.js';
import { OE_VERSION } from '../util/version.js';
import type { CliProcess, Register } from '../cli/command.js';
import { startCommand } from '../cli/command.js';
import type { Globals } from '../cli/globals.js';
import type { Output } from '../cli/output.js';
import { addRunFlags, llmSettings, parseArgsFlag, type RunFlags } from '../cli/run-flags.js';
import { launchRun, runArgs, withRunExecutor, type LaunchRequest } from './run.js';

/** Flags of `oe resume` beyond the run flags. */
export interface ResumeFlags extends RunFlags {
  experience?: string;
  /** commander's negation of --no-reload: false when given. */
  reload: boolean;
  /** `--rerun a,b`: nodes to execute whatever the memo holds (issue #9 §6). */
  rerun?: string;
  /** `--dry-run`: print the plan, execute nothing (issue #11 §5). */
  dryRun?: boolean;
}

/** Adds `oe resume`. */
export const register: Register = (program, proc) => {
  addRunFlags(
    program
      .command('resume')
      .argument('<runId>', 'the run whose log serves as the memo: a UUID, a unique prefix (≥ 4 hex digits), the short id oe prints, or latest')
      .description('run again, restoring every node whose input hash matches a completed node of the prior run')
      .option('--experience <path>', 'experience to run (default: the recorded path if it still exists, else the recorded definition); with latest, its newest run')
      .option('--no-reload', 'use the definition recorded in the prior log, not the file')
      .option('--rerun <nodes>', 'execute these nodes (comma-separated ids) whatever the memo holds; their dependents follow their own input hashes')
      .option('--dry-run', 'print what the resume would do per node (cached, executes and why, may execute, waits, dropped); execute nothing, write no log'),
  ).action(async (runIdArg: string, flags: ResumeFlags, cmd: Command) => {
    const [{ parseRunRef }, { locateRun }] = await Promise.all([import('../inspect/run-ref.js'), import('../inspect/locate.js')]);
    const ref = parseRunRef(runIdArg); // SPEC §3.2 (1): before anything touches the file system
    const { globals, output } = await startCommand(cmd, proc);
    // A full id goes straight to prepareResume (which says when its log is missing); a shortcut is
    // resolved against the runs directory (issue #14 §4).
    const runId = ref.kind === 'id' ? ref.runId : locateRun(globals.workspace, runIdArg, { ...(flags.experience !== undefined ? { experience: flags.experience } : {}), cwd: globals.cwd }).runId;
    await resumeRun(globals, output, proc, runId, flags);
  });
};

/**
 * Resumes `runId` (SPEC §3.2) — or with `--dry-run` prints the plan — as `oe resume` does; `oe modify
 * --resume` calls it too.
 * @throws what prepareResume and launchRun throw: NotFoundError, LogFormatError, ValidationError,
 *   UsageError, RunLiveError; UsageError for a `--rerun` that names no node of the experience.
 */
export async function resumeRun(globals: Globals, output: Output, proc: CliProcess, runId: RunId, flags: ResumeFlags): Promise<void> {
  const given = parseArgsFlag(flags.args);
  const prepare = async (): Promise<{ prior: PriorRun; memo: PriorRun['memo'] }> => {
    const { prepareResume } = await import('../engine/prior-run.js');
    const prior = await prepareResume(globals, output.err, runId, { ...(flags.experience ? { experience: flags.experience } : {}), reload: flags.reload });
    const rerun = flags.rerun === undefined ? [] : parseRerun(flags.rerun, prior.source.experience);
    return { prior, memo: rerun.length ? prior.memo.withRerun(rerun) : prior.memo };
  };
  if (flags.dryRun) {
    const { prior, memo } = await prepare();
    await printResumePlan(globals, output, flags, runId, prior, { source: prior.source, args: { ...prior.args, ...given }, memo });
    return;
  }
  await withRunExecutor(output, async (executor) => {
    const { prior, memo } = await prepare();
    await launchRun(globals, output, proc, flags, {
      source: prior.source,
      args: { ...prior.args, ...given },
      executor,
      memo,
      resumed: { runId, lineage: prior.lineage, live: prior.live, priorChildren: prior.priorChildren, spentUsd: prior.spentUsd },
    });
  }, { g: globals, flags });
}

/**
 * `--dry-run`: plans the resume of `priorRunId` and prints the plan — a table (pretty) or one JSON
 * object (`--json`, `--log-format json`): `{ runId, plan: [{ nodeId, plan, … }], counts }`. The plan
 * comes from the real run loop with an executor that executes nothing, in a throwaway workspace
 * (engine/dry-run.ts), compared with the prior run (engine/resume-plan.ts): no node runs, no LLM is
 * called, no log is written, no claim is taken.
 * @throws {ValidationError} for args that the real resume would refuse (before anything runs).
 */
async function printResumePlan(g: Globals, output: Output, flags: RunFlags, priorRunId: RunId, prior: PriorRun, req: Pick<LaunchRequest, 'source' | 'args' | 'memo'>): Promise<void> {
  const args = await runArgs(g, flags, req);
  const llm = await llmSettings(flags, g);
  const [{ dryRun }, { resumePlan, planCounts }, { createHasher }, { seedState }, { definitionGraph }] = await Promise.all([
    import('../engine/dry-run.js'),
    import('../engine/resume-plan.js'),
    import('../engine/hash.js'),
    import('../engine/inputs.js'),
    import('../inspect/definition.js'),
  ]);
  const { experience, graph } = req.source;
  const dry = await dryRun({
    plan: { experience, graph, args, seed: seedState(experience, args) },
    runId: uuidv7Source(systemClock.now)(),
    experienceDir: req.source.dir,
    experience: { name: experience.name, version: experience.version, path: '<dry run>', sha256: req.source.sha256 },
    definition: null,
    options: { concurrency: experience.runtime.concurrency, llm: llm.provider, ...(req.source.definitionSource ? { definitionSource: req.source.definitionSource } : {}) },
    llm,
    resumedFrom: priorRunId,
    ...(req.memo ? { memo: req.memo } : {}),
    oeVersion: OE_VERSION,
    clock: systemClock,
    hasher: await createHasher(),
    env: g.env,
  });
  const plan = resumePlan({
    graph,
    dry: dry.state,
    prior: prior.state,
    priorIds: new Set(definitionGraph(prior.state.definition).order),
    priorRunId,
    args,
    rerun: req.memo?.rerun ?? new Set(),
  });
  const counts = planCounts(plan);
  if (flags.json || output.format === 'json') {
    process.stdout.write(`${JSON.stringify({ runId: priorRunId, plan, counts })}\n`);
    return;
  }
  const { renderPlanText } = await import('../inspect/render-plan.js');
  process.stdout.write(`${renderPlanText(priorRunId, plan, counts, output.paint.out)}\n`);
}

/**
 * The node ids `--rerun` names: comma-separated, each a node of the experience the resume runs.
 * @throws {UsageError} (exit 2) for an empty list or a name that is not a node, with a "did you mean".
 */
export function parseRerun(text: string, experience: Experience): NodeId[] {
  const names = text.split(',').map((s) => s.trim());
  const ids = experience.graph.nodes.map((n) => n.id);
  if (names.some((n) => n === '')) throw new UsageError(`--rerun takes node ids separated by commas, such as --rerun a,b (got ${JSON.stringify(text)})`);
  for (const n of names) {
    if (!(ids as string[]).includes(n)) throw new UsageError(`--rerun names node ${JSON.stringify(n)}, which is not in the experience${didYouMean(n, ids) || ` (its nodes: ${ids.join(', ')})`}`);
  }
  return [...new Set(names)] as NodeId[];
}
