#!/usr/bin/env node
// Benchmark of the log reader on huge events (issue #12 §5): one 50 MB event read with readLog, and
// `oe resume` of a run whose tool returned 20 MB (every node cached, so the resume is mostly reading
// the prior log and writing the cached output again). Prints wall times; asserts nothing.
//
//   npm run build && node scripts/bench/reader.mjs
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OE = join(ROOT, 'bin', 'oe');
const { readLog } = await import(pathToFileURL(join(ROOT, 'dist', 'log', 'reader.js')).href);

const RUN = '01a1f866-0d00-7000-8000-000000005050';
const MB = 1024 * 1024;

function row(label, ms, extra = '') {
  console.log(`${label.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms  ${extra}`);
}

/** A three-event log whose node.completed carries a string of `bytes` bytes. */
function bigEventLog(dir, bytes) {
  const envelope = (seq, type, fields) => JSON.stringify({ v: 1, seq, ts: '2026-01-01T00:00:00.000Z', type, runId: RUN, ...fields });
  const definition = { name: 'big', version: '1.0.0', inputs: {}, state: { schema: { blob: { type: 'string', merge: 'last_wins' } } }, graph: { nodes: [], edges: [] }, runtime: { concurrency: 1 } };
  const lines = [
    envelope(0, 'run.started', { args: {}, experience: { name: 'big', version: '1.0.0', path: 'big/experience.yaml', sha256: '0'.repeat(64) }, definition, options: { concurrency: 1, llm: 'anthropic' }, oeVersion: '0.1.0' }),
    envelope(1, 'node.started', { nodeId: 'a', inputHash: '0123456789abcdef', attempt: 1 }),
    envelope(2, 'node.completed', { nodeId: 'a', inputHash: '0123456789abcdef', output: { state_delta: { blob: 'x'.repeat(bytes) }, edge_output: null }, durationMs: 1 }),
  ];
  const file = join(dir, `${RUN}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/**
 * Runs oe with stdout going to a file (as `oe … > out.jsonl` would; capturing 40 MB through a
 * spawnSync pipe costs the harness more than oe) and returns its wall time in ms and its last line.
 */
function oe(args, cwd) {
  const out = join(cwd, 'stdout.jsonl');
  const fd = openSync(out, 'w');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [OE, '--log-format', 'json', ...args], { cwd, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`oe ${args.join(' ')} exited ${r.status}\n${r.stderr.slice(0, 2000)}`);
  const text = readFileSync(out, 'utf8');
  return { ms, last: JSON.parse(text.slice(text.trimEnd().lastIndexOf('\n') + 1)) };
}

const tmp = mkdtempSync(join(tmpdir(), 'oe-bench-reader-'));
try {
  // One 50 MB event, read three times; the median is printed.
  const file = bigEventLog(tmp, 50 * MB);
  const reads = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const { events } = await readLog(file);
    reads.push(performance.now() - t0);
    if (events.length !== 3) throw new Error(`read ${events.length} events`);
  }
  reads.sort((a, b) => a - b);
  row('readLog: one 50 MB event (median of 3)', reads[1], `${(statSync(file).size / MB).toFixed(1)} MB file`);

  // A tool that returns 20 MB, run once, then resumed (its node restored from the memo).
  const exp = join(tmp, 'exp');
  mkdirSync(join(exp, 'tools'), { recursive: true });
  writeFileSync(join(exp, 'tools', 'big.mjs'), `export default () => ({ state_delta: { blob: 'y'.repeat(${20 * MB}) } });\n`);
  writeFileSync(
    join(exp, 'experience.yaml'),
    ['name: big-output', 'version: 1.0.0', 'state:', '  schema:', '    blob: { type: string }', 'graph:', '  nodes:', '    - { id: big, kind: tool, impl: tools/big.mjs, writes: [blob] }', ''].join('\n'),
  );
  const run = oe(['run', 'exp'], tmp);
  row('oe run: a tool returning 20 MB', run.ms);
  const resumed = oe(['resume', run.last.runId], tmp);
  row('oe resume: the 20 MB output restored from the memo', resumed.ms, `status ${resumed.last.status}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
