// Shared by the benchmarks: one printed row per figure, and the rows of a benchmark saved for
// scripts/bench.mjs, which writes them all into BENCHMARKS.md. Not a benchmark itself.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Prints one figure: workload, target, measured value, verdict, note. */
export function row(workload, target, measured, verdict = '', note = '') {
  console.log(`${workload.padEnd(52)} ${String(measured).padEnd(44)} ${target ? `target ${target}` : ''}${verdict ? ` — ${verdict}` : ''}${note ? ` (${note})` : ''}`);
}

/**
 * Saves a benchmark's rows (`{workload, target, measured, met, note}`) where scripts/bench.mjs
 * collects them (env BENCH_RESULTS); does nothing when a benchmark runs on its own.
 */
export function writeSection(name, rows) {
  const dir = process.env.BENCH_RESULTS;
  if (dir) writeFileSync(join(dir, `${name}.json`), JSON.stringify(rows));
}
