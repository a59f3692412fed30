// Reading logs: whole lines to typed events; a torn last line is tolerated, nothing else is.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLog } from '../../src/log/reader.js';
import { LogFormatError, NotFoundError } from '../../src/util/errors.js';
import { LogBuilder, experience } from '../helpers/log-builder.js';
import { tempDir } from '../helpers/cli.js';

const RUN = '01932f00-0000-7000-8000-000000000001';
function writeLog(lines: string[], tail: string | Buffer = ''): string {
  const file = join(tempDir(), `${RUN}.jsonl`);
  writeFileSync(file, Buffer.concat([Buffer.from(lines.map((l) => l + '\n').join('')), Buffer.from(tail)]));
  return file;
}
/** The event on line `i` (0-based) with `fields` set, as a line. */
function edited(i: number, fields: Record<string, unknown>): string {
  return JSON.stringify({ ...(JSON.parse(events[i]!) as object), ...fields });
}
const events = new LogBuilder({ runId: RUN }).started(experience('e', [{ id: 'a' }], [])).executes('a').events.map((e) => JSON.stringify(e));

describe('readLog', () => {
  it('reads every event in order', async () => {
    const { events: read, warnings } = await readLog(writeLog(events));
    expect(read.map((e) => e.type)).toEqual(['run.started', 'node.started', 'node.completed']);
    expect(warnings).toEqual([]);
  });

  it('ignores a torn last line with a warning naming the line', async () => {
    const file = writeLog(events, '{"v":1,"seq":3,"ts":"2026');
    const { events: read, warnings } = await readLog(file);
    expect(read).toHaveLength(3);
    expect(warnings).toEqual([expect.objectContaining({ line: 4, message: expect.stringContaining('torn last line') })]);
  });

  it('accepts a complete last event that lost only its newline', async () => {
    const file = writeLog(events.slice(0, 2), events[2]!);
    expect((await readLog(file)).events).toHaveLength(3);
  });

  it('refuses a malformed line in the middle, naming it', async () => {
    const file = writeLog([events[0]!, '{oops', events[1]!]);
    await expect(readLog(file)).rejects.toThrow(LogFormatError);
    await expect(readLog(file)).rejects.toThrow(/:2: not a JSON event/);
  });

  it('refuses a log written by a newer format version', async () => {
    const file = writeLog([events[0]!.replace('"v":1', '"v":2')]);
    await expect(readLog(file)).rejects.toThrow(/newer oe \(log format v2; this oe reads up to v1\)/);
  });

  it('refuses an unknown event type and an event missing a required field', async () => {
    await expect(readLog(writeLog([events[0]!.replace('run.started', 'run.exploded')]))).rejects.toThrow(/unknown event type "run.exploded"/);
    const noNode = JSON.parse(events[1]!) as Record<string, unknown>;
    delete noNode.nodeId;
    await expect(readLog(writeLog([events[0]!, JSON.stringify(noNode)]))).rejects.toThrow(/:2: node.started event has no "nodeId"/);
  });

  it('refuses a repeated, missing or foreign line, naming it', async () => {
    await expect(readLog(writeLog([events[0]!, events[1]!, events[1]!]))).rejects.toThrow(/:3: event has seq 1, expected 2/);
    await expect(readLog(writeLog([events[0]!, events[2]!]))).rejects.toThrow(/:2: event has seq 2, expected 1/);
    const foreign = events[1]!.replace(RUN, '01932f00-0000-7000-8000-00000000ffff');
    await expect(readLog(writeLog([events[0]!, foreign]))).rejects.toThrow(/:2: event of run 01932f00-0000-7000-8000-00000000ffff in the log of run/);
  });

  it('says when there is no log', async () => {
    await expect(readLog(join(tempDir(), 'missing.jsonl'))).rejects.toThrow(NotFoundError);
  });

  it('streams a log appended in pieces', async () => {
    const file = writeLog([]);
    for (const e of events) appendFileSync(file, e + '\n');
    expect((await readLog(file)).events).toHaveLength(3);
  });

  it('#12: refuses a wrongly typed field, naming the line, the field and what it expects', async () => {
    await expect(readLog(writeLog([events[0]!, events[1]!, edited(2, { output: 5 })]))).rejects.toThrow(
      /:3: node\.completed event has "output" = 5; expected an object \{state_delta: an object, edge_output\}/,
    );
    await expect(readLog(writeLog([events[0]!, edited(1, { attempt: '1' })]))).rejects.toThrow(/:2: node\.started event has "attempt" = "1"; expected a whole number ≥ 1/);
    await expect(readLog(writeLog([edited(0, { seq: '0' })]))).rejects.toThrow(/:1: event has "seq" = "0"; expected a whole number ≥ 0/);
    await expect(readLog(writeLog([events[0]!, edited(1, { iteration: { index: -1 } })]))).rejects.toThrow(/:2: node\.started event has "iteration"/);
    await expect(readLog(writeLog([edited(0, { ts: 'yesterday' })]))).rejects.toThrow(/:1: event has "ts" = "yesterday"; expected an ISO-8601 time/);
  });

  it('#12: refuses a log path that is a directory, saying so', async () => {
    const dir = join(tempDir(), `${RUN}.jsonl`);
    mkdirSync(dir);
    await expect(readLog(dir)).rejects.toThrow(LogFormatError);
    await expect(readLog(dir)).rejects.toThrow(/not a run log: it is a directory/);
  });

  it('#12: refuses binary data with no newline instead of calling it a torn line', async () => {
    const bytes = Buffer.alloc(100 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256 === 10 ? 0 : (i * 131 + 7) % 256;
    await expect(readLog(writeLog([], bytes))).rejects.toThrow(/:1: binary data, not a run log line \(102400 bytes with no newline/);
    bytes[5000] = 10;
    await expect(readLog(writeLog([], bytes))).rejects.toThrow(/:1: not UTF-8 text \(byte 0x8a at byte 2 of the line\)/);
    await expect(readLog(writeLog([events[0]!], 'hello world'))).rejects.toThrow(/:2: not a run log line \(11 bytes with no newline, beginning "hello world"\)/);
  });

  it('still ignores a torn last line cut inside a multi-byte character', async () => {
    const torn = Buffer.from(edited(1, { nodeId: 'a', inputHash: 'é€😀' })).subarray(0, -5);
    const { events: read, warnings } = await readLog(writeLog([events[0]!], torn));
    expect(read).toHaveLength(1);
    expect(warnings).toHaveLength(1);
  });

  it('refuses a line that is not UTF-8, naming the line and the byte', async () => {
    const bad = Buffer.concat([Buffer.from(events[1]!.slice(0, 20)), Buffer.from([0xff]), Buffer.from(events[1]!.slice(20) + '\n')]);
    const file = writeLog([events[0]!], Buffer.concat([bad, Buffer.from(events[2]! + '\n')]));
    await expect(readLog(file)).rejects.toThrow(/:2: not UTF-8 text \(byte 0xff at byte 21 of the line\)/);
  });

  it('refuses an event larger than the limit without reading the rest of it', async () => {
    const file = writeLog([events[0]!, events[1]!, events[2]!]);
    await expect(readLog(file, { maxEventBytes: 200, chunkBytes: 64 })).rejects.toThrow(/:1: event is larger than 200 bytes, the most a run log line may hold/);
  });

  it('reads the same events whatever the chunk size', async () => {
    const file = writeLog(events);
    const whole = (await readLog(file)).events;
    for (const chunkBytes of [1, 7, 64, 1000]) expect((await readLog(file, { chunkBytes })).events).toEqual(whole);
  });

  it('refuses a log whose events belong to another run than its file name', async () => {
    const other = join(tempDir(), '01932f00-0000-7000-8000-00000000abcd.jsonl');
    writeFileSync(other, events.join('\n') + '\n');
    await expect(readLog(other)).rejects.toThrow(/:1: event of run 01932f00-0000-7000-8000-000000000001 in the log file of run 01932f00-0000-7000-8000-00000000abcd/);
  });

  it('refuses a second run.started and anything after run.completed', async () => {
    await expect(readLog(writeLog([events[0]!, edited(0, { seq: 1 })]))).rejects.toThrow(/:2: a second run\.started/);
    const done = JSON.stringify({ v: 1, seq: 3, ts: '2026-11-21T10:00:01.000Z', type: 'run.completed', runId: RUN, status: 'success', durationMs: 1, counts: { completed: 1, cached: 0, failed: 0, skipped: 0 } });
    const after = JSON.stringify({ v: 1, seq: 4, ts: '2026-11-21T10:00:01.000Z', type: 'node.skipped', runId: RUN, nodeId: 'b', reason: 'x' });
    await expect(readLog(writeLog([...events, done, after]))).rejects.toThrow(/:5: node\.skipped after run\.completed/);
  });

  it('keeps binary junk out of the message of a malformed middle line', async () => {
    const junk = '\u0001\u0002{"v"\u0007';
    const err = await readLog(writeLog([events[0]!, junk, events[1]!])).catch((e: Error) => e);
    expect(err).toBeInstanceOf(LogFormatError);
    expect((err as Error).message).toMatch(/:2: not a JSON event/);
    expect((err as Error).message).not.toMatch(/[\u0000-\u0008]/);
  });
});
