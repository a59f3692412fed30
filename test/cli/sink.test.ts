// streamSink: batches writes, waits for drain, and stops quietly when the reader goes away (EPIPE).
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamSink } from '../../src/cli/sink.js';

describe('streamSink', () => {
  it('hands everything to the stream, in order, by flush', async () => {
    const s = new PassThrough();
    const chunks: string[] = [];
    s.on('data', (c: Buffer) => chunks.push(c.toString()));
    const sink = streamSink(s);
    for (let i = 0; i < 5000; i++) await sink.write(`line ${i}\n`);
    await sink.flush();
    expect(chunks.join('').split('\n').filter(Boolean)).toHaveLength(5000);
  });

  it('is closed after a write error (EPIPE) and drops further writes without throwing', async () => {
    const s = new Writable({ write: (_c, _e, cb) => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    const sink = streamSink(s);
    await sink.write('x'.repeat(70_000));
    await new Promise((r) => setImmediate(r));
    expect(sink.closed).toBe(true);
    await sink.write('more');
    await sink.flush();
  });
});
