// `oe runs` (SPEC §4, issue #5): the runs of the workspace, newest first — list (two lines read per
// log) → render (pure, inspect/render-runs.ts) → write. Unreadable logs are listed and warned about.
import type { Register } from '../cli/command.js';
import { startCommand } from '../cli/command.js';
import { parsePositiveInt } from '../cli/globals.js';
import { inspectEnv, type InspectEnv } from '../cli/inspect-env.js';

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
      const { runsDir } = await import('../log/paths.js');
      await runsCommand({ experience: opts.experience, limit }, { ...(await inspectEnv(globals, output, opts)), runsDir: runsDir(globals.workspace) });
    });
};

/**
 * `oe runs [--experience <path>] [--limit n]`: JSON prints one row object per line (newest first);
 * pretty prints a table. Unreadable logs are listed and warned about on stderr.
 */
export async function runsCommand(o: { experience?: string; limit?: number }, env: InspectEnv & { runsDir: string }): Promise<void> {
  const [{ listRuns }, { isRunProcessAlive }, { renderRunsText }] = await Promise.all([import('../inspect/list-runs.js'), import('../log/liveness.js'), import('../inspect/render-runs.js')]);
  const rows = listRuns(env.workspace, { cwd: env.cwd, experience: o.experience, limit: o.limit, pidAlive: isRunProcessAlive });
  for (const r of rows) if (r.status === 'unreadable') env.warn(`unreadable run log ${r.runId}: ${r.problem}`);
  if (env.json) for (const r of rows) await env.out.write(`${JSON.stringify(r)}\n`);
  else await env.out.write(`${renderRunsText(rows, env.runsDir)}\n`);
  await env.out.flush();
}
