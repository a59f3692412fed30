#!/usr/bin/env node
// Benchmark of `oe inspect` on a 1,000,000-event log (issue #5 item 5). Generates a realistic log in
// a temp workspace (one run of a scan → for_each review → decide graph, the review fanning out over
// ~333k items with a retried failure now and then), then times `oe inspect <id> --json` and reports
// its peak RSS (measured inside the child: process.resourceUsage().maxRSS at exit, loaded with
// --import so oe itself is unchanged). Prints the numbers; asserts nothing.
//
//   npm run build && node scripts/bench/inspect.mjs [events=1000000]
//
// writeBigLog() is also the generator behind test/helpers/big-log.ts.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSection } from './report.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Run id of the generated log (UUIDv7 shape). */
export const BIG_RUN_ID = '01a1f866-0d00-7000-8000-00000000b16b';

const DEFINITION = {
  name: 'big-review',
  version: '1.0.0',
  inputs: {},
  state: { schema: { items: { type: 'array', merge: 'last_wins' }, findings: { type: 'array', merge: 'array_append' }, decision: { type: 'object', merge: 'set_once' } } },
  graph: {
    nodes: [
      { id: 'scan', kind: 'tool', impl: 'tools/scan.mjs', reads: [], writes: ['items'], args: {}, on_error: { policy: 'fail_run' }, cache: true },
      { id: 'review', kind: 'agent', prompt: 'prompts/review.md', prompt_file: 'prompts/review.md', model: 'claude-sonnet-4-5', reads: ['items'], writes: ['findings'], args: {}, on_error: { policy: 'retry', attempts: 3, backoff: 'exponential', base_ms: 200 }, for_each: { source: '$.items', concurrency: 8 }, cache: true },
      { id: 'decide', kind: 'tool', impl: 'tools/decide.mjs', reads: ['findings'], writes: ['decision'], args: {}, on_error: { policy: 'fail_run' }, cache: false },
    ],
    edges: [{ from: 'scan', to: 'review' }, { from: 'review', to: 'decide' }],
  },
  runtime: { concurrency: 1 },
};

const hex16 = (n) => (BigInt(n) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn).toString(16).padStart(16, '0');

/**
 * Writes a well-formed log of exactly `events` events (≥ 10) to `<workspace>/.openexpertise/runs/`.
 * Streams to disk (constant memory). Every 97th review item fails once and is retried.
 * @returns {Promise<{ file: string, runId: string, events: number, bytes: number }>}
 */
export async function writeBigLog(workspace, events = 1_000_000) {
  const dir = join(workspace, '.openexpertise', 'runs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${BIG_RUN_ID}.jsonl`);
  const out = createWriteStream(file);
  let seq = 0;
  let t = Date.parse('2026-11-21T00:00:00.000Z');
  const emit = (type, fields) => {
    const line = JSON.stringify({ v: 1, seq: seq++, ts: new Date(t).toISOString(), type, runId: BIG_RUN_ID, ...fields }) + '\n';
    return out.write(line) ? null : new Promise((r) => out.once('drain', r));
  };
  const w = async (type, fields) => {
    const p = emit(type, fields);
    if (p) await p;
  };
  const parts = (extra) => ({ definition: hex16(1), args: hex16(2), 'file.prompts/review.md': hex16(3), model: hex16(4), cacheVersion: hex16(5), ...extra });
  await w('run.started', { args: {}, experience: { name: 'big-review', version: '1.0.0', path: 'experiences/big-review/experience.yaml', sha256: '0'.repeat(64) }, definition: DEFINITION, options: { concurrency: 1, llm: 'anthropic' }, oeVersion: '0.1.0' });
  await w('node.started', { nodeId: 'scan', inputHash: hex16(10), hashParts: parts({}), attempt: 1 });
  t += 900;
  await w('node.completed', { nodeId: 'scan', inputHash: hex16(10), output: { state_delta: { items: '…' }, edge_output: null }, durationMs: 900 });
  await w('node.started', { nodeId: 'review', inputHash: hex16(11), hashParts: parts({ 'state.items': hex16(12) }), attempt: 1 });
  const reviewStart = t;
  // Remaining budget: review's own node.completed + decide (2) + run.completed = 4 events.
  let budget = events - seq - 4;
  for (let i = 0; budget >= 2; i++) {
    const h = hex16(1000 + i);
    const p = parts({ item: hex16(2000 + i), index: hex16(3000 + i) });
    if (i % 97 === 5 && budget >= 4) {
      await w('node.started', { nodeId: 'review', iteration: { index: i }, inputHash: h, hashParts: p, attempt: 1 });
      t += 3;
      await w('node.failed', { nodeId: 'review', iteration: { index: i }, inputHash: h, attempt: 1, error: { name: 'RateLimitError', message: '429 rate_limit_error: retry after 1s' }, willRetry: true, durationMs: 3 });
      budget -= 2;
    }
    await w('node.started', { nodeId: 'review', iteration: { index: i }, inputHash: h, hashParts: p, attempt: 1 });
    t += 5;
    await w('node.completed', { nodeId: 'review', iteration: { index: i }, inputHash: h, output: { state_delta: { findings: [{ item: i, ok: i % 13 !== 0 }] }, edge_output: null }, durationMs: 5, usage: { inputTokens: 900 + (i % 50), outputTokens: 80 + (i % 7), model: 'claude-sonnet-4-5', costUsd: 0.0039 } });
    budget -= 2;
  }
  if (budget === 1) await w('node.retrying', { nodeId: 'review', attempt: 1, status: 529, waitMs: 1000, reason: 'overloaded' });
  await w('node.completed', { nodeId: 'review', inputHash: hex16(11), output: { state_delta: { findings: '…' }, edge_output: null }, durationMs: t - reviewStart });
  await w('node.started', { nodeId: 'decide', inputHash: hex16(13), hashParts: parts({ 'state.findings': hex16(14), 'edge.review': hex16(15) }), attempt: 1 });
  t += 20;
  await w('node.completed', { nodeId: 'decide', inputHash: hex16(13), output: { state_delta: { decision: { release: false } }, edge_output: null }, durationMs: 20 });
  await w('run.completed', { status: 'success', durationMs: t - Date.parse('2026-11-21T00:00:00.000Z'), counts: { completed: 3, cached: 0, failed: 0, skipped: 0 } });
  await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
  return { file, runId: BIG_RUN_ID, events: seq, bytes: statSync(file).size };
}

/** Preloaded into the child with --import: prints its peak RSS (bytes) on stderr as it exits. */
const RSS_PROBE = "import { writeSync } from 'node:fs';\nprocess.on('exit', () => { writeSync(2, `\\noe-bench-maxrss ${process.resourceUsage().maxRSS * 1024}\\n`); });\n";

/**
 * Runs `oe --log-format json inspect <runId> --json [...extraArgs]` in `workspace` and measures it.
 * Peak RSS comes from process.resourceUsage().maxRSS (KiB on Linux) inside the child.
 * @returns {{ ms: number, maxRssBytes: number | null, code: number | null, stdout: string, stderr: string }}
 */
export function timeInspect(workspace, runId, extraArgs = []) {
  const probe = join(workspace, 'rss-probe.mjs');
  writeFileSync(probe, RSS_PROBE);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(probe).href, join(ROOT, 'bin/oe'), '--log-format', 'json', 'inspect', runId, '--json', ...extraArgs], {
    cwd: workspace,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /oe-bench-maxrss (\d+)/.exec(r.stderr ?? '');
  return { ms, maxRssBytes: m ? Number(m[1]) : null, code: r.status, stdout: r.stdout, stderr: (r.stderr ?? '').replace(/\n?oe-bench-maxrss \d+\n/, '') };
}

async function main() {
  const events = Number(process.argv[2] ?? 1_000_000);
  const ws = mkdtempSync(join(tmpdir(), 'oe-bench-'));
  try {
    const g0 = process.hrtime.bigint();
    const log = await writeBigLog(ws, events);
    const genMs = Number(process.hrtime.bigint() - g0) / 1e6;
    console.log(`generated ${log.events.toLocaleString('en-US')} events, ${(log.bytes / 1024 / 1024).toFixed(1)} MiB in ${(genMs / 1000).toFixed(1)} s`);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(timeInspect(ws, log.runId));
    const bad = runs.find((r) => r.code !== 0);
    if (bad) throw new Error(`oe inspect failed (exit ${bad.code}): ${bad.stderr}`);
    const view = JSON.parse(runs[0].stdout);
    const best = Math.min(...runs.map((r) => r.ms));
    const rss = Math.max(...runs.map((r) => r.maxRssBytes ?? 0));
    console.log(`oe inspect --json: ${runs.map((r) => `${(r.ms / 1000).toFixed(2)} s`).join(', ')} (best ${(best / 1000).toFixed(2)} s, ${Math.round(log.events / (best / 1000)).toLocaleString('en-US')} events/s)`);
    console.log(`peak RSS: ${(rss / 1024 / 1024).toFixed(1)} MiB (limit in issue #5: 300 MB)`);
    writeSection('inspect', [
      { workload: `oe inspect --json of a ${log.events.toLocaleString('en-US')}-event log`, target: '', measured: `${(best / 1000).toFixed(2)} s, ${Math.round(log.events / (best / 1000)).toLocaleString('en-US')} events/s` },
      { workload: 'its peak RSS', target: '≤ 300 MB (issue #5)', measured: `${(rss / 1024 / 1024).toFixed(1)} MiB`, met: rss / 1024 / 1024 <= 300 },
    ]);
    console.log(`summary: status ${view.status}, ${view.eventCount.toLocaleString('en-US')} events, review ${view.nodes[1].iterations.total.toLocaleString('en-US')} items, ${view.totals.inputTokens.toLocaleString('en-US')} input tokens`);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
