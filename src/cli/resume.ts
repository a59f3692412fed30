// `oe resume <runId>` (SPEC §3.2): a new run that uses a prior run's log as its memo.
import type { Register } from './command.js';
import { startCommand } from './command.js';
import { addRunFlags, type RunFlags } from './launch.js';

/** Flags of `oe resume` beyond the run flags. */
interface ResumeFlags extends RunFlags {
  experience?: string;
  /** commander's negation of --no-reload: false when given. */
  reload: boolean;
}

export const register: Register = (program, proc) => {
  addRunFlags(
    program
      .command('resume')
      .argument('<runId>', 'the run whose log serves as the memo (a UUID)')
      .description('run again, restoring every node whose input hash matches a completed node of the prior run')
      .option('--experience <path>', 'experience to run (default: the recorded path if it still exists, else the recorded definition)')
      .option('--no-reload', 'use the definition recorded in the prior log, not the file'),
  ).action(async (runIdArg: string, flags: ResumeFlags, cmd) => {
    const { parseRunId } = await import('../util/ids.js');
    const runId = parseRunId(runIdArg); // SPEC §3.2 (1): before anything touches the file system
    const { globals, output } = await startCommand(cmd, proc);
    const { launchRun, parseArgsFlag, withRunExecutor } = await import('./launch.js');
    const given = parseArgsFlag(flags.args);
    await withRunExecutor(output, async (executor) => {
      const { prepareResume } = await import('./resume-source.js');
      const prior = await prepareResume(globals, output, runId, { ...(flags.experience ? { experience: flags.experience } : {}), reload: flags.reload });
      await launchRun(globals, output, proc, flags, {
        source: prior.source,
        args: { ...prior.args, ...given },
        executor,
        memo: prior.memo,
        resumed: { runId, lineage: prior.lineage, live: prior.live },
      });
    }, { g: globals, flags });
  });
};
