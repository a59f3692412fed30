// Runs the bad-tool corpus (tools.ts) through bin/oe: the batch in one run whose nodes all start at
// once, the others each in their own run. Every run must exit with its code, print no stack, keep
// stdout one JSON object per line, and leave a log that reads back whole.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeFailedPayload, OeEvent } from '../../src/log/events.js';
import { readLog } from '../../src/log/reader.js';
import { runLogs, runOe, type OeResult } from '../helpers/cli.js';
import { cleanup, expectNoStack, SPAWN_TIMEOUT_MS, stderrText, workspace } from './harness.js';
import { BATCH_CASES, CORPUS_SECRET, SOLO_CASES, type SoloToolCase } from './tools.js';

afterAll(cleanup);

/** An experience of one tool node per module, all independent, all running at once. */
function experienceOf(tools: string[], type = 'number'): Record<string, string> {
  const ids = tools.length === 1 ? ['t'] : tools.map((_, i) => `t${i}`);
  const files: Record<string, string> = {
    'exp/experience.yaml': [
      'name: tools',
      'version: 1.0.0',
      'state:',
      '  schema:',
      `    a: { type: ${type} }`,
      'graph:',
      '  nodes:',
      ...ids.map((id) => `    - { id: ${id}, kind: tool, impl: tools/${id}.mjs, writes: [a] }`),
      'runtime:',
      `  concurrency: ${ids.length}`,
      '',
    ].join('\n'),
  };
  ids.forEach((id, i) => (files[`exp/tools/${id}.mjs`] = tools[i]! + '\n'));
  return files;
}

/** Runs `oe run exp` and checks what every run must do, whatever its tools did. */
async function runChecked(ws: string, code: number, env?: Record<string, string>, format: 'json' | 'pretty' = 'json'): Promise<{ r: OeResult; events: OeEvent[]; log: string }> {
  const r = await runOe(['--log-format', format, 'run', 'exp'], { cwd: ws, timeoutMs: SPAWN_TIMEOUT_MS * 2, ...(env ? { env } : {}) });
  expect(r.code, r.stderr.slice(0, 3000)).toBe(code);
  expectNoStack(r.stderr);
  expectNoStack(r.stdout);
  if (format === 'json') for (const line of r.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line), 'stdout is one JSON object per line').not.toThrow();
  const logs = runLogs(ws);
  expect(logs).toHaveLength(1);
  const { events, warnings } = await readLog(logs[0]!);
  expect(warnings).toEqual([]);
  return { r, events, log: logs[0]! };
}

/** The last node.failed of each node. */
function lastFailures(events: OeEvent[]): Map<string, NodeFailedPayload['error']> {
  const out = new Map<string, NodeFailedPayload['error']>();
  for (const e of events) if (e.type === 'node.failed') out.set(e.nodeId, e.error);
  return out;
}

describe('bad tools, in one run', () => {
  const results = (async () => {
    const ws = workspace(experienceOf(BATCH_CASES.map((c) => c.tool)));
    return await runChecked(ws, 1);
  })();

  it('the run fails, ends with run.completed and counts every node as failed', async () => {
    const { events } = await results;
    const last = events.at(-1)!;
    expect(last.type).toBe('run.completed');
    expect(last.type === 'run.completed' && last.counts).toMatchObject({ failed: BATCH_CASES.length, completed: 0 });
  });

  BATCH_CASES.forEach((c, i) => {
    it(c.name, async () => {
      const error = lastFailures((await results).events).get(`t${i}`);
      expect(error, `node t${i} failed`).toBeDefined();
      if (c.failed?.name) expect(error!.name).toBe(c.failed.name);
      if (typeof c.failed?.message === 'string') expect(error!.message).toContain(c.failed.message);
      else if (c.failed) expect(error!.message).toMatch(c.failed.message);
    });
  });
});

describe('bad tools, one run each', () => {
  for (const c of SOLO_CASES) {
    it(c.name, async () => {
      const ws = workspace(experienceOf([c.tool], c.writes ?? 'number'));
      const { r, events, log } = await runChecked(ws, c.code, c.env, c.format);
      expect(events.at(-1)!.type === 'run.completed').toBe(c.completes ?? true);
      if (c.stderr !== undefined) {
        const text = stderrText(r.stderr);
        if (typeof c.stderr === 'string') expect(text).toContain(c.stderr);
        else expect(text).toMatch(c.stderr);
      }
      if (c.failed !== undefined) {
        const failed = events.filter((e) => e.type === 'node.failed').at(-1);
        const message = failed?.type === 'node.failed' ? failed.error.message : '';
        if (typeof c.failed === 'string') expect(message).toContain(c.failed);
        else expect(message).toMatch(c.failed);
      }
      if (c.env?.CORPUS_TOKEN) expectNoSecret(c, r, readFileSync(log, 'utf8'));
    });
  }
});

/** The secret appears nowhere: not raw, not JSON-escaped, in stdout, stderr or the log. */
function expectNoSecret(c: SoloToolCase, r: OeResult, log: string): void {
  const escaped = JSON.stringify(CORPUS_SECRET).slice(1, -1);
  for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr], ['the log', log]] as const) {
    expect(text.includes(CORPUS_SECRET) || text.includes(escaped), `${c.name}: the secret is in ${where}`).toBe(false);
  }
  expect(log).toContain('late [REDACTED]'); // the uncaught error stops the run first; run.completed records it
  expect(r.stderr).toContain('using [REDACTED]');
  expect(r.stderr).toContain('printf [REDACTED]');
}
