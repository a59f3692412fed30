// `oe resume <runId>` (SPEC §3.2): a new run that uses a prior run's log as its memo.
import type { RunId } from '../util/ids.js';
import type { CliProcess, Register } from './command.js';
import type { Globals } from './globals.js';
import type { Output } from './output.js';
import { startCommand } from './command.js';
import { addRunFlags, type RunFlags } from './launch.js';

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
  ).action(async (runIdArg: string, flags: ResumeFlags, cmd) => {
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
 *   UsageError, RunLiveError.
 */
export async function resumeRun(globals: Globals, output: Output, proc: CliProcess, runId: RunId, flags: ResumeFlags): Promise<void> {
  const { launchRun, parseArgsFlag, withRunExecutor } = await import('./launch.js');
  const given = parseArgsFlag(flags.args);
  if (flags.dryRun) {
    const { prepareResume } = await import('./resume-source.js');
    const prior = await prepareResume(globals, output, runId, { ...(flags.experience ? { experience: flags.experience } : {}), reload: flags.reload });
    const rerun = flags.rerun === undefined ? [] : (await import('./rerun.js')).parseRerun(flags.rerun, prior.source.experience);
    const memo = rerun.length ? prior.memo.withRerun(rerun) : prior.memo;
    await (await import('./resume-dry-run.js')).printResumePlan(globals, output, flags, runId, prior, { source: prior.source, args: { ...prior.args, ...given }, memo });
    return;
  }
  await withRunExecutor(output, async (executor) => {
    const { prepareResume } = await import('./resume-source.js');
    const prior = await prepareResume(globals, output, runId, { ...(flags.experience ? { experience: flags.experience } : {}), reload: flags.reload });
    const rerun = flags.rerun === undefined ? [] : (await import('./rerun.js')).parseRerun(flags.rerun, prior.source.experience);
    await launchRun(globals, output, proc, flags, {
      source: prior.source,
      args: { ...prior.args, ...given },
      executor,
      memo: rerun.length ? prior.memo.withRerun(rerun) : prior.memo,
      resumed: { runId, lineage: prior.lineage, live: prior.live, priorChildren: prior.priorChildren, spentUsd: prior.spentUsd },
    });
  }, { g: globals, flags });
}
