// `oe diff <runA> <runB>` (issue #5): what changed between two runs, node by node — read both logs →
// fold → summarise and compare (pure, inspect/diff-runs.ts) → render (pure) → write.
import type { LoadedRun } from '../log/load-run.js';
import type { Register } from '../cli/command.js';
import { startCommand } from '../cli/command.js';
import { inspectEnv, warnWith, type InspectEnv } from '../cli/inspect-env.js';

/** Adds `oe diff`. */
export const register: Register = (program, proc) => {
  program
    .command('diff')
    .description('compare two runs node by node: status, input-hash parts, outputs (a line diff), durations, tokens')
    .argument('<runA>', 'the earlier run: a UUID, a unique prefix, the short id oe prints, or latest')
    .argument('<runB>', 'the later run: a UUID, a unique prefix, the short id oe prints, or latest')
    .option('--experience <path>', 'with latest: the newest run of this experience')
    .option('--json', 'print the comparison as one JSON object (docs/inspect.md)')
    .action(async (runA: string, runB: string, opts: { json?: boolean; experience?: string }, cmd) => {
      const { globals, output } = await startCommand(cmd, proc);
      await diffCommand(runA, runB, await inspectEnv(globals, output, opts), opts.experience);
    });
};

/**
 * `oe diff <runA> <runB>`.
 * @throws {UsageError} for text that is no run reference, or an ambiguous one; {NotFoundError} for an unknown run; {LogFormatError} for a bad log.
 */
export async function diffCommand(rawA: string, rawB: string, env: InspectEnv, experience?: string): Promise<void> {
  const [{ locateRun }, { loadRun }, { isRunProcessAlive }, { summarize }, { diffRuns }, { renderDiffText }] = await Promise.all([
    import('../inspect/locate.js'),
    import('../log/load-run.js'),
    import('../log/liveness.js'),
    import('../inspect/summary.js'),
    import('../inspect/diff-runs.js'),
    import('../inspect/render-why-diff.js'),
  ]);
  const opts = { ...(experience !== undefined ? { experience } : {}), cwd: env.cwd };
  const fa = locateRun(env.workspace, rawA, opts);
  const fb = locateRun(env.workspace, rawB, opts);
  const [ra, rb] = [await loadRun(fa.file, warnWith(env)), await loadRun(fb.file, warnWith(env))];
  const side = (r: LoadedRun) => ({ state: r.state, summary: summarize(r.state, { pidAlive: isRunProcessAlive(r.state.options), tornLastLine: r.warnings.length > 0 }) });
  const d = diffRuns(side(ra), side(rb));
  await env.out.write(env.json ? `${JSON.stringify(d)}\n` : `${renderDiffText(d)}\n`);
  await env.out.flush();
}
