// The writer owns the envelope (STYLE §3.1) and writes whole lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogWriter, REDACTED } from '../../src/log/writer.js';
import { fold } from '../../src/log/fold.js';
import { readLog } from '../../src/log/reader.js';
import type { Clock } from '../../src/util/clock.js';
import type { InputHash, NodeId, RunId } from '../../src/util/ids.js';
import { tempDir } from '../helpers/cli.js';

const RUN = '01932f00-0000-7000-8000-000000000001' as RunId;
const fixed: Clock = { now: () => Date.parse('2026-11-21T10:00:00.000Z'), monotonic: () => 0 };

describe('LogWriter', () => {
  it('adds v, seq, ts and runId, one JSON line per event, and reads back as written', async () => {
    const file = join(tempDir(), 'runs', `${RUN}.jsonl`);
    const w = LogWriter.create({ file, runId: RUN, clock: fixed });
    const a = w.append({ type: 'node.skipped', nodeId: 'a' as NodeId, reason: 'r' });
    const b = w.append({ type: 'node.failed', nodeId: 'b' as NodeId, inputHash: 'h' as InputHash, attempt: 1, error: { name: 'E', message: 'm' }, willRetry: false });
    await w.sync();
    await w.close();
    expect(a).toEqual({ v: 1, seq: 0, ts: '2026-11-21T10:00:00.000Z', type: 'node.skipped', runId: RUN, nodeId: 'a', reason: 'r' });
    expect(b.seq).toBe(1);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect((await readLog(file)).events).toEqual([a, b]);
    expect(fold([a, b]).eventCount).toBe(2);
  });

  it('never overwrites an existing log', () => {
    const file = join(tempDir(), `${RUN}.jsonl`);
    LogWriter.create({ file, runId: RUN, clock: fixed });
    expect(() => LogWriter.create({ file, runId: RUN, clock: fixed })).toThrow(/EEXIST/);
  });

  it('redacts secret values wherever they appear', async () => {
    const file = join(tempDir(), `${RUN}.jsonl`);
    const secret = 'sk-ant-very-secret-value';
    const w = LogWriter.create({ file, runId: RUN, clock: fixed, secrets: [secret, 'short'] });
    const e = w.append({ type: 'node.skipped', nodeId: 'a' as NodeId, reason: `key was ${secret}; short stays` });
    await w.close();
    expect(readFileSync(file, 'utf8')).not.toContain(secret);
    expect(e).toMatchObject({ reason: `key was ${REDACTED}; short stays` });
  });

  it('shares one fsync among appends made before it starts (group commit)', async () => {
    const file = join(tempDir(), `${RUN}.jsonl`);
    const w = LogWriter.create({ file, runId: RUN, clock: fixed });
    w.append({ type: 'node.skipped', nodeId: 'a' as NodeId, reason: 'r' });
    const s1 = w.sync();
    w.append({ type: 'node.skipped', nodeId: 'b' as NodeId, reason: 'r' });
    expect(w.sync()).toBe(s1);
    await s1;
    await w.close();
  });
});
