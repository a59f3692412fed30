// Crash fuzzing (issue #12 §1): trials of `oe run` / `oe resume` interrupted at random moments
// (trial.ts), each from its seed (plan.ts). `npm test` runs a few fixed seeds; `npm run test:crash`
// runs 200. CRASH_TRIALS=<n> runs seeds 1..n; CRASH_SEED=<seed>[,<seed>…] runs just those;
// CRASH_VERBOSE=1 prints what each trial did.
import { rmSync } from 'node:fs';
import { beforeAll, describe, it } from 'vitest';
import { planOf } from './plan.js';
import { runBaseline, runTrial, type Baseline, type TrialResult } from './trial.js';

/** The seeds `npm test` runs: few, so it stays fast (each trial spawns oe 2–7 times). */
const SHORT_SEEDS = [1, 2, 3];

function seeds(): number[] {
  const one = process.env.CRASH_SEED;
  if (one) return one.split(',').map((s) => Number.parseInt(s.trim(), 10));
  const trials = Number.parseInt(process.env.CRASH_TRIALS ?? '', 10);
  return Number.isInteger(trials) && trials > 0 ? Array.from({ length: trials }, (_, i) => i + 1) : SHORT_SEEDS;
}

/** The failure report: the seed, how to run it alone, the workspace kept, what each invocation did. */
function report(seed: number, r: TrialResult): string {
  return [
    `crash trial with seed ${seed} failed — re-run it alone with: CRASH_SEED=${seed} npm run test:crash`,
    ...r.problems.map((p) => `  ✗ ${p}`),
    `workspace kept for inspection: ${r.workspace}`,
    'invocations:',
    ...r.invocations.map((v, i) => `  ${i + 1}. oe ${v.command} --concurrency ${v.concurrency} (pid ${v.pid}); interrupted: ${v.interrupted}; ${v.exit}; log ${v.log ? `${v.log.runId} (${v.log.lines} lines, ${v.log.ended}${v.torn ? ', then torn' : ''})` : 'none'}`),
  ].join('\n');
}

describe('crash fuzzing: interrupted runs and resumes never pay twice and end in the uninterrupted state', () => {
  let baseline: Baseline;
  beforeAll(async () => {
    baseline = await runBaseline();
  }, 60_000);

  for (const seed of seeds()) {
    it(`trial with seed ${seed}`, async () => {
      const result = await runTrial(planOf(seed), baseline);
      if (result.problems.length > 0) throw new Error(report(seed, result));
      if (process.env.CRASH_VERBOSE) console.log(report(seed, result).replace(/^.*\n/, `crash trial with seed ${seed} passed\n`));
      rmSync(result.workspace, { recursive: true, force: true });
    }, 300_000);
  }
});
