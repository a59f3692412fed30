// Engine benchmark (issue #8): the workloads of its table, each the median of several fresh `oe`
// processes, reported beyond process start (`oe --version`), with the target beside it.
// Prints a table and writes it to BENCHMARKS.md (via scripts/bench.mjs). Numbers, not assertions.
// OE_BIN=/path/to/bin/oe measures another build (e.g. an older commit) with the same workloads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { row, writeSection } from './report.mjs';

const OE = process.env.OE_BIN ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'oe');
const QUICK = process.env.BENCH_QUICK === '1';

/** Runs one process; returns wall ms, peak RSS (MB, from /usr/bin/time) and the last stdout line. */
function once(args, cwd, { allowFail = false, node = false } = {}) {
  const argv = node ? args : [OE, '--log-format', 'json', ...args];
  const time = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = time
    ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(process.execPath, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && !allowFail) throw new Error(`${argv.join(' ')} exited ${r.status}\n${r.stderr.slice(-2000)}`);
  const rssKb = time ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  const lines = r.stdout.trim().split('\n');
  let last;
  try {
    last = JSON.parse(lines.at(-1));
  } catch {
    last = undefined;
  }
  return { ms, rssMb: rssKb / 1024, last, status: r.status };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of `n` fresh processes; `prepare()` runs before each (e.g. to write the prior run). */
function med(n, fn) {
  const runs = Array.from({ length: n }, fn);
  return { ms: median(runs.map((r) => r.ms)), rssMb: Math.max(...runs.map((r) => r.rssMb)), last: runs.at(-1).last, runs };
}

const tmp = [];
/** Writes an experience of `nodes` tool nodes joined by `edges`; the tool is a no-op unless `fail-<id>` exists. */
function experience(name, nodes, edges, concurrency = 1) {
  const dir = mkdtempSync(join(tmpdir(), `oe-bench-${name}-`));
  tmp.push(dir);
  mkdirSync(join(dir, 'tools'));
  writeFileSync(
    join(dir, 'tools', 'noop.mjs'),
    "import { existsSync } from 'node:fs';\nexport default async function (input, ctx) { if (input.fail && existsSync(ctx.experienceDir + '/fail')) throw new Error('failing on purpose'); return {}; }\n",
  );
  const out = [`name: ${name}`, 'version: 1.0.0', 'state:', '  schema: {}', 'graph:', '  nodes:'];
  for (const n of nodes) out.push(`    - { id: ${n.id}, kind: tool, impl: tools/noop.mjs${n.fail ? ', args: { fail: true }' : ''} }`);
  out.push(edges.length ? '  edges:' : '  edges: []');
  for (const [a, b] of edges) out.push(`    - { from: ${a}, to: ${b} }`);
  out.push('runtime:', `  concurrency: ${concurrency}`);
  writeFileSync(join(dir, 'experience.yaml'), out.join('\n') + '\n');
  return dir;
}
const chain = (n, failAt) =>
  experience(
    `chain${n}`,
    Array.from({ length: n }, (_, i) => ({ id: `n${i}`, fail: i === failAt })),
    Array.from({ length: n - 1 }, (_, i) => [`n${i}`, `n${i + 1}`]),
  );
const wide = (n, concurrency) => experience(`wide${n}`, Array.from({ length: n }, (_, i) => ({ id: `n${i}` })), [], concurrency);
const clean = (dir) => rmSync(join(dir, '.openexpertise'), { recursive: true, force: true });
const events = (dir, runId) => readFileSync(join(dir, '.openexpertise', 'runs', `${runId}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

const results = [];
function report(workload, target, measured, met, note = '') {
  results.push({ workload, target, measured, met, note });
  row(workload, target, measured, met === undefined ? '' : met ? 'met' : 'missed', note);
}

try {
  const N = QUICK ? 3 : 5;
  const nodeStart = med(7, () => once(['-e', '0'], tmpdir(), { node: true })).ms;
  const start = med(7, () => once(['--version'], tmpdir())).ms;
  report('process start: `oe --version`', '—', `${start.toFixed(0)} ms (node -e 0: ${nodeStart.toFixed(0)} ms)`);

  // Chain of 1,000: run, fully cached resume, resume after node 900 failed.
  const c1k = chain(1000);
  const run1k = med(N, () => (clean(c1k), once(['run', c1k], c1k)));
  const per1k = (run1k.ms - start) / 1000;
  report('chain of 1,000 no-op tool nodes, durable log', '≤ 0.3 ms/node beyond start', `${per1k.toFixed(3)} ms/node (${run1k.ms.toFixed(0)} ms)`, per1k <= 0.3);
  clean(c1k);
  const prior = once(['run', c1k], c1k).last.runId;
  const cached = med(N, () => once(['resume', prior], c1k));
  report('fully cached resume of the 1,000-node chain', '≤ 100 ms beyond start', `${(cached.ms - start).toFixed(0)} ms`, cached.ms - start <= 100);

  const f1k = chain(1000, 899);
  const afterFail = med(N, () => {
    clean(f1k);
    writeFileSync(join(f1k, 'fail'), '');
    const failed = once(['run', f1k], f1k, { allowFail: true }).last.runId;
    unlinkSync(join(f1k, 'fail'));
    const r = once(['resume', failed], f1k);
    const ev = events(f1k, r.last.runId);
    r.executedBefore900 = ev.filter((e) => e.type === 'node.completed' && Number(e.nodeId.slice(1)) < 899).length;
    return r;
  });
  const exec = Math.max(...afterFail.runs.map((r) => r.executedBefore900));
  report('resume after node 900 of 1,000 failed', '≤ 150 ms beyond start; 0 of 1–899 executed', `${(afterFail.ms - start).toFixed(0)} ms; ${exec} of 1–899 executed`, afterFail.ms - start <= 150 && exec === 0);

  // Linearity: per-node cost at 10,000 and 20,000 chain nodes against the 1,000-node figure.
  for (const n of QUICK ? [10_000] : [10_000, 20_000]) {
    const dir = chain(n);
    const r = med(QUICK ? 1 : 3, () => (clean(dir), once(['run', dir], dir)));
    const per = (r.ms - start) / n;
    report(`chain of ${n.toLocaleString('en')}: per-node cost`, '≤ 1.5× the 1,000-node figure', `${per.toFixed(3)} ms/node (${(per / per1k).toFixed(2)}×), RSS ${r.rssMb.toFixed(0)} MB`, per <= 1.5 * per1k);
    if (n === 20_000 || QUICK) {
      const res = med(1, () => once(['resume', r.last.runId], dir));
      report(`chain of ${n.toLocaleString('en')}: fully cached resume`, 'completes, RSS reported', `${res.ms.toFixed(0)} ms, RSS ${res.rssMb.toFixed(0)} MB`, res.last?.status === 'success');
    }
    rmSync(dir, { recursive: true, force: true });
  }

  // 100,000-node wide graph.
  const wn = QUICK ? 20_000 : 100_000;
  const w = wide(wn, 8);
  const wr = once(['run', w], w);
  report(`${wn.toLocaleString('en')}-node wide graph, concurrency 8`, 'completes, RSS reported', `${wr.ms.toFixed(0)} ms (${((wr.ms - start) / wn).toFixed(3)} ms/node), RSS ${wr.rssMb.toFixed(0)} MB`, wr.last?.status === 'success');
  const wres = once(['resume', wr.last.runId], w);
  report(`${wn.toLocaleString('en')}-node wide graph: fully cached resume`, 'completes, RSS reported', `${wres.ms.toFixed(0)} ms, RSS ${wres.rssMb.toFixed(0)} MB`, wres.last?.status === 'success');

  // Fan-out of 100 + join at concurrency 8.
  const fan = experience('fan100', [...Array.from({ length: 100 }, (_, i) => ({ id: `n${i}` })), { id: 'join' }], Array.from({ length: 100 }, (_, i) => [`n${i}`, 'join']), 8);
  const fr = med(N, () => (clean(fan), once(['run', fan], fan)));
  report('fan-out of 100 no-op nodes + join, concurrency 8', '≤ 20 ms beyond start', `${(fr.ms - start).toFixed(0)} ms`, fr.ms - start <= 20);

  // oe validate of a 3-node experience against bare node.
  const three = chain(3);
  const v = med(7, () => once(['validate', three], three));
  report('`oe validate` of a 3-node experience', '≤ 1.5× `node -e 0`', `${v.ms.toFixed(0)} ms (${(v.ms / nodeStart).toFixed(2)}× node -e 0)`, v.ms <= 1.5 * nodeStart);
} finally {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
  writeSection('engine', results);
}
