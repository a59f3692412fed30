// Golden logs (STYLE §4): each log in test/fixtures/logs is read with the real reader, folded, and its
// summary checked field by field and snapshotted after normalising ids and times.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLog } from '../../src/log/reader.js';
import { fold } from '../../src/log/fold.js';
import { summarize, type RunSummary } from '../../src/inspect/summary.js';
import { goldenLogs, IDS } from '../fixtures/logs/scenarios.js';

const DIR = resolve(import.meta.dirname, '../fixtures/logs');

if (process.env.UPDATE_GOLDEN) {
  for (const [name, { text }] of Object.entries(goldenLogs())) writeFileSync(join(DIR, name), text);
}

async function summaryOf(name: string): Promise<{ s: RunSummary; warnings: number }> {
  const { events, warnings } = await readLog(join(DIR, name));
  return { s: summarize(fold(events), { tornLastLine: warnings.length > 0 }), warnings: warnings.length };
}

/** Replaces run ids, timestamps and durations with placeholders (STYLE §4 "normalize before you snapshot"). */
function normalize(s: RunSummary): unknown {
  const names = new Map(Object.entries(IDS).map(([k, v]) => [v, `<run:${k}>`]));
  return JSON.parse(
    JSON.stringify(s, (key, value) => {
      if (typeof value === 'string' && names.has(value)) return names.get(value);
      if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return '<ts>';
      if (/durationMs$|DurationMs$/.test(key) && typeof value === 'number') return '<ms>';
      return value;
    }),
  );
}

describe('golden logs', () => {
  it('summarises real engine logs (oe run of test/fixtures/experiences/inspect-gates, then oe resume after fixing review.mjs)', async () => {
    const failed = (await summaryOf('engine-failure.jsonl')).s;
    expect(failed).toMatchObject({ status: 'failure', experience: { name: 'inspect-gates', version: '1.2.0' }, error: { nodeId: 'review' } });
    expect(failed.nodes.map((n) => [n.nodeId, n.execution])).toEqual([['scan', 'executed'], ['review', 'executed'], ['count_todos', 'not run'], ['decide', 'not run']]);
    expect(failed.counts.recorded).toEqual({ completed: 1, cached: 0, failed: 1, skipped: 0 });
    const resumed = (await summaryOf('engine-resumed.jsonl')).s;
    expect(resumed).toMatchObject({ status: 'success', resumedFrom: failed.runId, saved: { nodes: 1 } });
    expect(resumed.nodes.map((n) => [n.nodeId, n.execution, n.fromRunId])).toEqual([['scan', 'cached', failed.runId], ['review', 'executed', null], ['count_todos', 'executed', null], ['decide', 'executed', null]]);
    const ids = new Map([[failed.runId, '<run:engine-failure>'], [resumed.runId, '<run:engine-resumed>']]);
    const norm = (x: RunSummary) => JSON.parse(JSON.stringify(normalize(x)).replace(/01a1fc44-[0-9a-f-]{28}/g, (m) => ids.get(m) ?? m));
    expect(norm(failed)).toMatchSnapshot();
    expect(norm(resumed)).toMatchSnapshot();
  });

  it('every golden log file exists and matches its scenario', () => {
    for (const [name, { text }] of Object.entries(goldenLogs())) {
      expect(existsSync(join(DIR, name)), name).toBe(true);
      expect(readFileSync(join(DIR, name), 'utf8'), `${name} drifted from scenarios.ts`).toBe(text);
    }
  });

  it('summarises a successful run: every node executed, tokens summed over review items', async () => {
    const { s } = await summaryOf('success.jsonl');
    expect(s.status).toBe('success');
    expect(s.nodes.map((n) => [n.nodeId, n.status, n.execution])).toEqual([
      ['scan_licenses', 'completed', 'executed'],
      ['review', 'completed', 'executed'],
      ['count_todos', 'completed', 'executed'],
      ['decide', 'completed', 'executed'],
    ]);
    const review = s.nodes[1]!;
    expect(review.iterations).toMatchObject({ total: 3, completed: 3 });
    expect(review.usage).toMatchObject({ inputTokens: 1800 + 1840 + 1880, outputTokens: 220 + 230 + 240, model: 'claude-sonnet-4-5' });
    expect(s.totals.inputTokens).toBe(5520);
    expect(s.saved).toBeNull();
    expect(normalize(s)).toMatchSnapshot();
  });

  it('summarises a failed run: the failing node, its attempts and first error line, and nodes never run', async () => {
    const { s } = await summaryOf('failure.jsonl');
    expect(s.status).toBe('failure');
    expect(s.error).toMatchObject({ nodeId: 'review', name: 'SchemaError' });
    const review = s.nodes.find((n) => n.nodeId === 'review')!;
    expect(review).toMatchObject({ status: 'failed', attempts: 2, failedAttempts: 3 });
    expect(review.error!.firstLine).toBe('the model\'s tool input does not match the schema: /findings/0/severity must be one of "low", "medium", "high" (got "critical")');
    expect(s.nodes.filter((n) => n.execution === 'not run').map((n) => n.nodeId)).toEqual(['count_todos', 'decide']);
    expect(s.counts).toMatchObject({ executed: 1, failed: 1, notRun: 2 });
    expect(normalize(s)).toMatchSnapshot();
  });

  it('summarises a resumed run: what was reused from which run and what the memo saved', async () => {
    const { s } = await summaryOf('resumed.jsonl');
    expect(s.resumedFrom).toBe(IDS.failure);
    const scan = s.nodes.find((n) => n.nodeId === 'scan_licenses')!;
    expect(scan).toMatchObject({ execution: 'cached', fromRunId: IDS.failure, durationMs: 840 });
    expect(s.saved).toMatchObject({ nodes: 1, durationMs: 840 });
    expect(s.counts).toMatchObject({ executed: 3, cached: 1 });
    expect(normalize(s)).toMatchSnapshot();
  });

  it('reports a log without run.completed and with a torn tail as crashed at its last whole event', async () => {
    const { s, warnings } = await summaryOf('crash-torn-tail.jsonl');
    expect(warnings).toBe(1);
    expect(s.status).toBe('crashed');
    expect(s.crash).toEqual({ afterEvents: s.eventCount, at: s.endedAt, tornLastLine: true });
    const review = s.nodes.find((n) => n.nodeId === 'review')!;
    expect(review).toMatchObject({ status: 'running', interrupted: true });
    expect(review.iterations).toMatchObject({ total: 2, completed: 1, running: 1 });
    expect(normalize(s)).toMatchSnapshot();
  });

  it('summarises a paused run with its pending nodes', async () => {
    const { s } = await summaryOf('paused.jsonl');
    expect(s.status).toBe('paused');
    expect(s.paused).toEqual({ reason: 'paused by oe pause', pending: ['review', 'count_todos', 'decide'] });
    expect(normalize(s)).toMatchSnapshot();
  });
});
