// The shell of `oe diff` (STYLE §3.3): read both logs → fold → summarise and compare (pure) → render
// (pure) → write. Loaded lazily by cli/diff.ts.
import { warnWith, type InspectEnv } from './env.js';
import { diffRuns } from './diff.js';
import { loadRun, type LoadedRun } from './load.js';
import { locateRun } from './locate.js';
import { isRunProcessAlive } from '../log/liveness.js';
import { renderDiffText } from './render-why-diff.js';
import { summarize } from './summary.js';

/**
 * `oe diff <runA> <runB>`.
 * @throws {UsageError} for text that is no run reference, or an ambiguous one; {NotFoundError} for an unknown run; {LogFormatError} for a bad log.
 */
export async function diffCommand(rawA: string, rawB: string, env: InspectEnv, experience?: string): Promise<void> {
  const opts = { ...(experience !== undefined ? { experience } : {}), cwd: env.cwd };
  const fa = locateRun(env.workspace, rawA, opts);
  const fb = locateRun(env.workspace, rawB, opts);
  const [ra, rb] = [await loadRun(fa.file, warnWith(env)), await loadRun(fb.file, warnWith(env))];
  const side = (r: LoadedRun) => ({ state: r.state, summary: summarize(r.state, { pidAlive: isRunProcessAlive(r.state.options), tornLastLine: r.warnings.length > 0 }) });
  const d = diffRuns(side(ra), side(rb));
  await env.out.write(env.json ? `${JSON.stringify(d)}\n` : `${renderDiffText(d)}\n`);
  await env.out.flush();
}
