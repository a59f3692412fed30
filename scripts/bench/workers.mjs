// Workers benchmark (issue #13 §6): 1,000 independent tool nodes of 50 ms each through 1, 2 and 4
// `oe worker` processes over a local redis-server, against the in-process executor; and the
// dispatch overhead per node (a round trip through Redis) against the in-process executor, as the
// slope between two graph sizes so that start-up and connection costs cancel out. Numbers, not
// assertions. Each figure is one run (a 1,000-node run takes seconds, not milliseconds).
// BENCH_QUICK=1: 200 nodes. BENCH_WORKER_CONCURRENCY (default 4): attempts per worker.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { row, writeSection } from './report.mjs';

const OE = process.env.OE_BIN ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'oe');
const QUICK = process.env.BENCH_QUICK === '1';
const NODES = QUICK ? 200 : 1000;
const SLEEP_MS = 50;
const PER_WORKER = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 4);

const results = [];
function report(workload, target, measured, note = '') {
  results.push({ workload, target, measured, note });
  row(workload, target, measured, '', note);
}

const tmp = [];
/** An experience of `n` independent tool nodes that each sleep `ms`, at run concurrency `c`. */
function wide(name, n, ms) {
  const dir = mkdtempSync(join(tmpdir(), `oe-bench-${name}-`));
  tmp.push(dir);
  mkdirSync(join(dir, 'exp', 'tools'), { recursive: true });
  writeFileSync(join(dir, 'exp', 'tools', 'sleep.mjs'), `export default async () => { ${ms > 0 ? `await new Promise((r) => setTimeout(r, ${ms}));` : ''} return {}; };\n`);
  const lines = [`name: ${name}`, 'version: 1.0.0', 'state:', '  schema: {}', 'graph:', '  nodes:'];
  for (let i = 0; i < n; i++) lines.push(`    - { id: n${i}, kind: tool, impl: tools/sleep.mjs }`);
  lines.push('  edges: []');
  writeFileSync(join(dir, 'exp', 'experience.yaml'), lines.join('\n') + '\n');
  return dir;
}

/**
 * `oe run exp …` in `dir`; resolves with the wall ms. Asynchronous, so that this process keeps
 * reading the workers' stdout meanwhile (a worker blocked on a full pipe would stop renewing its locks).
 */
function run(dir, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [OE, '--log-format', 'json', 'run', 'exp', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) return resolve(ms);
      const failed = stdout.split('\n').filter((l) => l.includes('"node.failed"')).slice(0, 3);
      reject(new Error(`oe run ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}\n${failed.join('\n')}`));
    });
  });
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Starts `n` workers on `queue` in `dir`; resolves with them once each said it is ready. */
async function startWorkers(n, url, queue, dir) {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [OE, '--log-format', 'json', 'worker', '--redis', url, '--queue', queue, '--concurrency', String(PER_WORKER)], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
      return new Promise((resolve, reject) => {
        // Read the worker's stdout all along (a full pipe would block it); only the ready line matters.
        let buf = '';
        child.stdout.setEncoding('utf8').on('data', (d) => {
          if (buf === null) return;
          buf += d;
          if (buf.includes('"msg":"worker ready"')) {
            buf = null;
            resolve(child);
          }
        });
        child.on('exit', (code) => reject(new Error(`oe worker exited ${code} before it was ready`)));
      });
    }),
  );
}
const stopWorkers = (ws) => Promise.all(ws.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGINT')))));

const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
if (which.status !== 0) {
  report('workers', '—', 'skipped: redis-server is not installed (apt-get install -y redis-server)');
  writeSection('workers', results);
  process.exit(0);
}

const port = await freePort();
const redisDir = mkdtempSync(join(tmpdir(), 'oe-bench-redis-'));
tmp.push(redisDir);
const redis = spawn(which.stdout.trim(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 300));
const url = `redis://127.0.0.1:${port}`;
let queueNo = 0;

try {
  // Throughput: the same 1,000 × 50 ms through the in-process executor and through 1, 2, 4 workers.
  const dir = wide('wide-sleep', NODES, SLEEP_MS);
  const base = [];
  for (const workers of [1, 2, 4]) {
    const inFlight = workers * PER_WORKER;
    const inline = await run(dir, ['--concurrency', String(inFlight)]);
    const queue = `bench${++queueNo}`;
    const ws = await startWorkers(workers, url, queue, dir);
    let remote;
    try {
      remote = await run(dir, ['--concurrency', String(inFlight), '--executor', 'bullmq', '--redis', url, '--queue', queue]);
    } finally {
      await stopWorkers(ws);
    }
    base.push(remote);
    const ideal = (NODES * SLEEP_MS) / inFlight;
    report(
      `${NODES} × ${SLEEP_MS} ms tool nodes, ${workers} worker${workers > 1 ? 's' : ''} × ${PER_WORKER}`,
      workers === 1 ? 'baseline' : 'near-linear speed-up',
      `${(remote / 1000).toFixed(2)} s (speed-up ${(base[0] / remote).toFixed(2)}×; in-process at concurrency ${inFlight}: ${(inline / 1000).toFixed(2)} s; ideal ${(ideal / 1000).toFixed(2)} s)`,
    );
  }

  // Dispatch overhead: no-op nodes at concurrency 1, slope between two sizes, remote minus in-process.
  const [small, large] = QUICK ? [20, 120] : [50, 550];
  const dirs = [wide('noop-small', small, 0), wide('noop-large', large, 0)];
  const queue = `bench${++queueNo}`;
  const ws = await startWorkers(1, url, queue, dirs[0]);
  const ws2 = await startWorkers(1, url, `${queue}b`, dirs[1]);
  let inlineMs, remoteMs;
  try {
    inlineMs = [await run(dirs[0], ['--concurrency', '1']), await run(dirs[1], ['--concurrency', '1'])];
    remoteMs = [await run(dirs[0], ['--concurrency', '1', '--executor', 'bullmq', '--redis', url, '--queue', queue]), await run(dirs[1], ['--concurrency', '1', '--executor', 'bullmq', '--redis', url, '--queue', `${queue}b`])];
  } finally {
    await stopWorkers([...ws, ...ws2]);
  }
  const slope = (ms) => (ms[1] - ms[0]) / (large - small);
  report(
    'dispatch overhead per node (no-op tool, concurrency 1)',
    '—',
    `${(slope(remoteMs) - slope(inlineMs)).toFixed(2)} ms/node (through a worker ${slope(remoteMs).toFixed(2)} ms/node, in process ${slope(inlineMs).toFixed(2)} ms/node)`,
    `slope between ${small} and ${large} nodes`,
  );
} finally {
  redis.kill('SIGTERM');
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
  writeSection('workers', results);
}
