// The read commands (inspect, runs, diff) called as functions (STYLE §4): options → output, with a
// memory sink and the golden logs in a temporary workspace. Only test/e2e spawns bin/oe.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkInspectOptions, inspectCommand, type InspectOptions } from '../../src/commands/inspect.js';
import { diffCommand } from '../../src/commands/diff.js';
import { runsCommand } from '../../src/commands/runs.js';
import type { InspectEnv } from '../../src/cli/inspect-env.js';
import { memorySink } from '../../src/cli/sink.js';
import { tempDir } from '../helpers/cli.js';
import { goldenLogs, IDS } from '../fixtures/logs/scenarios.js';

const ws = tempDir('oe-cmd-');
beforeAll(() => {
  const dir = join(ws, '.openexpertise/runs');
  mkdirSync(dir, { recursive: true });
  for (const { runId, text } of Object.values(goldenLogs())) writeFileSync(join(dir, `${runId}.jsonl`), text);
});

function env(json: boolean) {
  const out = memorySink();
  const warnings: string[] = [];
  const e: InspectEnv = { workspace: ws, cwd: ws, json, out, warn: (m) => warnings.push(m), info: () => {} };
  return { e, out, warnings };
}

describe('checkInspectOptions', () => {
  it.each<[InspectOptions, RegExp | null]>([
    [{}, null],
    [{ events: true, type: ['node.failed'], node: 'a' }, null],
    [{ type: ['node.failed'] }, /--type filters --events/],
    [{ events: true, type: ['nope'] }, /not an event type/],
    [{ events: true, why: 'a' }, /choose one of --events, --why/],
    [{ why: 'a', html: 'r.html' }, /choose one of --why, --html/],
  ])('%j', (o, err) => {
    if (err) expect(() => checkInspectOptions(o)).toThrow(err);
    else expect(() => checkInspectOptions(o)).not.toThrow();
  });
});

describe('inspectCommand', () => {
  it('prints one JSON object for --json, and text otherwise', async () => {
    const j = env(true);
    await inspectCommand(IDS.resumed, {}, j.e);
    expect(JSON.parse(j.out.text())).toMatchObject({ runId: IDS.resumed, status: 'success' });
    const t = env(false);
    await inspectCommand(IDS.resumed, {}, t.e);
    expect(t.out.text()).toContain('memo saved');
  });

  it('warns about a torn last line through env.warn', async () => {
    const j = env(true);
    await inspectCommand(IDS.crash, {}, j.e);
    expect(j.warnings).toHaveLength(1);
    expect(j.warnings[0]).toMatch(/\.jsonl:8: torn last line ignored \(the run crashed while writing it\): not a JSON event/);
  });
});

describe('runsCommand and diffCommand', () => {
  it('lists every golden run newest first', async () => {
    const j = env(true);
    await runsCommand({}, { ...j.e, runsDir: join(ws, '.openexpertise/runs') });
    expect(j.out.text().trim().split('\n').map((l) => JSON.parse(l).runId)).toEqual([IDS.paused, IDS.crash, IDS.resumed, IDS.failure, IDS.success]);
  });

  it('diffs the failure and its resume', async () => {
    const j = env(true);
    await diffCommand(IDS.failure, IDS.resumed, j.e);
    const d = JSON.parse(j.out.text());
    expect(d.nodes.find((n: { nodeId: string }) => n.nodeId === 'review').parts.map((p: { text: string }) => p.text)).toEqual(['file prompts/review.md changed']);
  });
});
