// `oe runs` (SPEC §4, issue #5): the runs of the workspace, newest first. The work lives in
// src/inspect/cmd-runs.ts, imported when the command runs.
import type { Register } from './command.js';
import { startCommand } from './command.js';
import { inspectEnv } from './inspect-env.js';
import { parsePositiveInt } from './globals.js';

/** Adds `oe runs`. */
export const register: Register = (program, proc) => {
  program
    .command('runs')
    .description('list the runs of the workspace, newest first: id, experience, status, start, duration, node counts, resumedFrom')
    .option('--experience <path>', 'only runs of this experience (its directory or experience.yaml)')
    .option('--json', 'one JSON object per run, one per line (docs/inspect.md)')
    .option('--limit <n>', 'at most n runs (the newest)')
    .action(async (opts: { experience?: string; json?: boolean; limit?: string }, cmd) => {
      const { globals, output } = await startCommand(cmd, proc);
      const limit = parsePositiveInt('--limit', opts.limit);
      const [{ runsCommand }, { runsDir }] = await Promise.all([import('../inspect/cmd-runs.js'), import('../inspect/locate.js')]);
      await runsCommand(
        { experience: opts.experience, limit },
        { ...(await inspectEnv(globals, output, opts)), runsDir: runsDir(globals.workspace) },
      );
    });
};
