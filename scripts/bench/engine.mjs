// Engine benchmark: start-up, a wide graph, a deep chain, a large fan-out, and fully cached resumes.
// Prints wall time (ms), events per second and peak RSS (MB) of each `oe` process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'oe');

/** Runs oe under /usr/bin/time when present, returning wall ms, peak RSS MB and parsed stdout lines. */
function oe(args, cwd) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [OE, '--log-format', 'json', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`oe ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop();
  return { ms, last: last ? JSON.parse(last) : undefined };
}

function rssOf(args, cwd) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, OE, '--log-format', 'json', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) return undefined;
  const kb = Number(r.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

function experience(name, nodes, edges, schema, concurrency) {
  const dir = mkdtempSync(join(tmpdir(), `oe-bench-${name}-`));
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'work.mjs'), 'export default async function (input) { return { state_delta: input.field ? { [input.field]: input.$item ?? 1 } : {}, edge_output: input.$index ?? null }; }\n');
  const yaml = [
    `name: ${name}`,
    'version: 1.0.0',
    'state:',
    '  schema:',
    ...Object.entries(schema).map(([k, v]) => `    ${k}: ${v}`),
    ...(Object.keys(schema).length === 0 ? ['    unused: { type: any }'] : []),
    'graph:',
    '  nodes:',
    ...nodes.map((n) => `    - ${n}`),
    '  edges:',
    ...(edges.length ? edges.map((e) => `    - ${e}`) : ['    []']),
    'runtime:',
    `  concurrency: ${concurrency}`,
  ];
  writeFileSync(join(dir, 'experience.yaml'), yaml.join('\n').replace('  edges:\n    []', '  edges: []') + '\n');
  return dir;
}

function eventsIn(dir) {
  const runs = join(dir, '.openexpertise', 'runs');
  return readdirSync(runs).reduce((n, f) => n + readFileSync(join(runs, f), 'utf8').split('\n').length - 1, 0);
}

function row(label, ms, extra = '') {
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${extra}`);
}

const tmpDirs = [];
try {
  // Start-up: the cost every command pays.
  const empty = mkdtempSync(join(tmpdir(), 'oe-bench-start-'));
  tmpDirs.push(empty);
  const starts = Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    spawnSync(process.execPath, [OE, '--version']);
    return performance.now() - t0;
  }).sort((a, b) => a - b);
  row('start-up: oe --version (median of 5)', starts[2]);

  // Wide: 200 independent nodes at concurrency 8.
  const wide = experience('wide', Array.from({ length: 200 }, (_, i) => `{ id: n${i}, kind: tool, impl: tools/work.mjs }`), [], {}, 8);
  tmpDirs.push(wide);
  let r = oe(['run', wide], wide);
  let ev = eventsIn(wide);
  row('wide: 200 nodes, concurrency 8', r.ms, `${ev} events, ${((ev / r.ms) * 1000).toFixed(0)} events/s, RSS ${rssOf(['resume', r.last.runId], wide)?.toFixed(0) ?? '?'} MB (resume)`);
  const wideRun = r.last.runId;
  r = oe(['resume', wideRun], wide);
  row('wide: resume, every node cached', r.ms, `status ${r.last.status}`);

  // Deep: a chain of 200 nodes (each waits for the one before).
  const deep = experience(
    'deep',
    Array.from({ length: 200 }, (_, i) => `{ id: n${i}, kind: tool, impl: tools/work.mjs }`),
    Array.from({ length: 199 }, (_, i) => `{ from: n${i}, to: n${i + 1} }`),
    {},
    1,
  );
  tmpDirs.push(deep);
  r = oe(['run', deep], deep);
  row('deep: chain of 200 nodes', r.ms, `${(r.ms / 200).toFixed(2)} ms per node (fsync per completion)`);
  r = oe(['resume', r.last.runId], deep);
  row('deep: resume, every node cached', r.ms);

  // Fan-out: one for_each over 2,000 items, 16 at a time, appending to one array.
  const fan = experience(
    'fan',
    [
      '{ id: items, kind: tool, impl: tools/items.mjs, writes: [items] }',
      '{ id: each, kind: tool, impl: tools/work.mjs, args: { field: out }, writes: [out], for_each: { source: $.items, concurrency: 16 } }',
    ],
    ['{ from: items, to: each }'],
    { items: '{ type: array }', out: '{ type: array, merge: array_append }' },
    1,
  );
  tmpDirs.push(fan);
  writeFileSync(join(fan, 'tools', 'items.mjs'), 'export default async () => ({ state_delta: { items: Array.from({ length: 2000 }, (_, i) => i) } });\n');
  r = oe(['run', fan], fan);
  ev = eventsIn(fan);
  row('fan-out: for_each over 2,000 items', r.ms, `${ev} events, ${((ev / r.ms) * 1000).toFixed(0)} events/s`);
  r = oe(['resume', r.last.runId], fan);
  row('fan-out: resume, aggregate cached', r.ms);
} finally {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
}
