// What tool isolation costs (issue #8 §3): one no-op tool attempt through a worker thread of the
// tool pool (executors/tool-pool.ts) against the same call in this thread, and the start of a
// thread. Numbers, no assertions; written to BENCHMARKS.md by scripts/bench.mjs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { row, writeSection } from './report.mjs';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const { ToolPool } = await import(pathToFileURL(join(DIST, 'executors/tool-pool.js')).href);
const dir = mkdtempSync(join(tmpdir(), 'oe-bench-iso-'));
writeFileSync(join(dir, 'noop.mjs'), 'export default async function () { return {}; }\n');
const sink = new Writable({ write: (_c, _e, cb) => cb() });
const node = { id: 'noop', kind: 'tool', impl: 'noop.mjs', reads: [], writes: [], args: {}, on_error: { policy: 'fail_run' }, cache: true };
const task = (attempt) => ({ runId: '01932f00-0000-7000-8000-000000000001', node, attempt, input: { _state: {}, _edge_inputs: {} }, experienceDir: dir, args: {}, schema: {}, inputHash: '0', hashParts: {} });
const hooks = { log: { debug() {}, info() {}, warn() {}, error() {} }, onRetry() {} };
const N = 2000;
const rows = [];
try {
  const t0 = performance.now();
  const pool = new ToolPool({ maxWorkers: 1, stdout: sink, stderr: sink, workerFile: pathToFileURL(join(DIST, 'executors/tool-worker.js')) });
  const signal = new AbortController().signal;
  await pool.attempt(task(1), hooks, signal);
  const first = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < N; i++) await pool.attempt(task(1), hooks, signal);
  const threaded = (performance.now() - t1) / N;
  await pool.close();
  const fn = (await import(pathToFileURL(join(dir, 'noop.mjs')).href)).default;
  const t2 = performance.now();
  for (let i = 0; i < N; i++) await fn({ _state: {}, _edge_inputs: {} }, {});
  const inline = (performance.now() - t2) / N;
  rows.push({ workload: 'tool thread start + first attempt (import)', target: '', measured: `${first.toFixed(1)} ms` });
  rows.push({ workload: 'no-op tool attempt in its worker thread', target: '', measured: `${(threaded * 1000).toFixed(0)} µs per attempt` });
  rows.push({ workload: 'the same call on the main thread (no isolation)', target: '', measured: `${(inline * 1000).toFixed(1)} µs per call` });
  for (const r of rows) row(r.workload, r.target, r.measured);
} finally {
  rmSync(dir, { recursive: true, force: true });
  writeSection('isolation', rows);
}
