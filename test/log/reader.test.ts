// Reading logs: whole lines to typed events; a torn last line is tolerated, nothing else is.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLog } from '../../src/log/reader.js';
import { LogFormatError, NotFoundError } from '../../src/util/errors.js';
import { LogBuilder, experience } from '../helpers/log-builder.js';
import { tempDir } from '../helpers/cli.js';

const RUN = '01932f00-0000-7000-8000-000000000001';
function writeLog(lines: string[], tail = ''): string {
  const file = join(tempDir(), `${RUN}.jsonl`);
  writeFileSync(file, lines.map((l) => l + '\n').join('') + tail);
  return file;
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
});
