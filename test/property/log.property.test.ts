// Property tests of the log reader and the fold (issue #12 §3): any bytes either read as events or are
// a LogFormatError — never another error; random valid runs read back as written and fold to the same
// state however the file is cut into reads; every event the reader accepts folds without throwing.
import fc from 'fast-check';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evolve, fold, foldStream, initialState } from '../../src/log/fold.js';
import type { OeEvent } from '../../src/log/events.js';
import { LineSplitter } from '../../src/log/lines.js';
import { parseEventLine, readLog, streamLog } from '../../src/log/reader.js';
import type { Json } from '../../src/util/canonical-json.js';
import { OeError } from '../../src/util/errors.js';
import { LogBuilder, experience } from '../helpers/log-builder.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir('oe-prop-log-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RUN = '01932f00-0000-7000-8000-0000000000aa';
let files = 0;
/** Writes `bytes` to `<RUN>.jsonl` in a fresh directory and returns its path. */
function logFile(bytes: string | Uint8Array): string {
  const sub = join(dir, String(files++));
  mkdirSync(sub);
  const file = join(sub, `${RUN}.jsonl`);
  writeFileSync(file, bytes);
  return file;
}

/** What one node does in a generated run. */
const nodeStory = fc.record({
  fate: fc.constantFrom('executes', 'fails', 'retries', 'cached', 'skipped', 'fanout', 'running'),
  items: fc.integer({ min: 1, max: 4 }),
  output: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  ms: fc.integer({ min: 0, max: 5000 }),
});
/** A valid run log: nodes in some order, each with its fate, and an ending. */
const runLog = fc.record({ nodes: fc.array(nodeStory, { minLength: 1, maxLength: 6 }), end: fc.constantFrom('success', 'failure', 'cancelled', 'paused', 'crash') }).map(({ nodes, end }) => {
  const ids = nodes.map((_, i) => `n${i}`);
  const b = new LogBuilder({ runId: RUN }).started(experience('prop', ids.map((id) => ({ id })), [], ['out']));
  nodes.forEach((n, i) => {
    const id = ids[i]!;
    const output = { state_delta: { out: n.output }, edge_output: n.output };
    switch (n.fate) {
      case 'executes':
        b.executes(id, { output, durationMs: n.ms });
        break;
      case 'fails':
        b.nodeStarted(id).failed(id, { durationMs: n.ms });
        break;
      case 'retries':
        b.nodeStarted(id).failed(id, { willRetry: true }).nodeStarted(id, { attempt: 2 }).completed(id, { output });
        break;
      case 'cached':
        b.cached(id, { fromRunId: '01932f00-0000-7000-8000-0000000000bb', output, savedDurationMs: n.ms });
        break;
      case 'skipped':
        b.skipped(id, 'edge from n0: when "$.x" is false');
        break;
      case 'fanout': {
        const since = b.time;
        b.nodeStarted(id);
        for (let k = 0; k < n.items; k++) b.executes(id, { index: k, output });
        b.completed(id, { since, output });
        break;
      }
      case 'running':
        b.nodeStarted(id);
        break;
    }
  });
  if (end === 'paused') b.paused('pause requested', ids.slice(-1));
  if (end !== 'crash') b.finished(end as 'success');
  return b.events.map((e) => JSON.parse(JSON.stringify(e)) as OeEvent); // as a log holds them (no -0)
});
const jsonl = (events: OeEvent[]): string => events.map((e) => JSON.stringify(e) + '\n').join('');

/** Reads a file, returning the events or the error. */
async function readOrError(file: string, chunkBytes?: number): Promise<OeEvent[] | Error> {
  try {
    return (await readLog(file, chunkBytes ? { chunkBytes } : {})).events;
  } catch (e) {
    return e as Error;
  }
}

describe('the reader on any bytes', () => {
  it('reads events or throws an OeError (LogFormatError), never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), async (bytes) => {
        const r = await readOrError(logFile(bytes));
        if (r instanceof Error) expect(r).toBeInstanceOf(OeError);
      }),
      { numRuns: 150 },
    );
  });

  it('on a valid log cut, damaged or spliced anywhere, reads what folds or throws an OeError', async () => {
    const damage = fc.record({ at: fc.nat(), kind: fc.constantFrom('truncate', 'flip', 'insert', 'duplicate-line', 'drop-line'), byte: fc.integer({ min: 0, max: 255 }) });
    await fc.assert(
      fc.asyncProperty(runLog, damage, async (events, d) => {
        const good = Buffer.from(jsonl(events));
        const at = d.at % good.length;
        const lines = good.toString('utf8').split('\n');
        const line = at % Math.max(1, lines.length - 1);
        const bad =
          d.kind === 'truncate' ? good.subarray(0, at)
          : d.kind === 'flip' ? Buffer.concat([good.subarray(0, at), Buffer.from([d.byte]), good.subarray(at + 1)])
          : d.kind === 'insert' ? Buffer.concat([good.subarray(0, at), Buffer.from([d.byte]), good.subarray(at)])
          : d.kind === 'duplicate-line' ? Buffer.from([...lines.slice(0, line + 1), ...lines.slice(line)].join('\n'))
          : Buffer.from([...lines.slice(0, line), ...lines.slice(line + 1)].join('\n'));
        const r = await readOrError(logFile(bad));
        if (r instanceof Error) expect(r).toBeInstanceOf(OeError);
        else expect(() => fold(r)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});

describe('valid runs', () => {
  it('read back as written, whatever the size of each read', async () => {
    await fc.assert(
      fc.asyncProperty(runLog, fc.integer({ min: 1, max: 4096 }), async (events, chunkBytes) => {
        const read = await readOrError(logFile(jsonl(events)), chunkBytes);
        expect(read).toEqual(events);
      }),
      { numRuns: 60 },
    );
  });

  it('fold to the same state however they are split across reads and folds', async () => {
    await fc.assert(
      fc.asyncProperty(runLog, fc.integer({ min: 1, max: 4096 }), fc.nat(), async (events, chunkBytes, cut) => {
        const whole = fold(events);
        expect(await foldStream(streamLog(logFile(jsonl(events)), undefined, { chunkBytes }))).toEqual(whole);
        // The engine folds as it goes: a prefix folded, then the rest into the same state.
        const at = cut % (events.length + 1);
        let state = fold(events.slice(0, at));
        for (const e of events.slice(at)) state = evolve(state, e);
        expect(state).toEqual(whole);
        expect(whole.eventCount).toBe(events.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the line splitter', () => {
  it('yields the same lines however the bytes are cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/\n/g, '')), { maxLength: 10 }), fc.string({ maxLength: 10 }).map((s) => s.replace(/\n/g, '')), fc.array(fc.nat(), { maxLength: 8 }), (lines, tail, cuts) => {
        const bytes = Buffer.from(lines.map((l) => l + '\n').join('') + tail);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const splitter = new LineSplitter(1 << 20);
        const got: string[] = [];
        let from = 0;
        for (const p of [...points, bytes.length]) {
          got.push(...splitter.push(bytes.subarray(from, p)));
          from = p;
        }
        expect(got).toEqual(lines.map((l) => Buffer.from(l).toString('utf8')));
        expect(splitter.end()?.toString('utf8') ?? '').toBe(tail);
        expect(splitter.lines).toBe(lines.length);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the fold over anything the reader accepts', () => {
  it('never throws: a field replaced by any JSON value is refused by the reader or folded', () => {
    fc.assert(
      fc.property(runLog, fc.nat(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), (events, pick, key, value) => {
        const i = pick % events.length;
        const target = events[i] as unknown as Record<string, unknown>;
        const keys = Object.keys(target);
        const field = pick % 3 === 0 ? key : keys[pick % keys.length]!;
        const line = JSON.stringify({ ...target, [field]: value });
        let event: OeEvent;
        try {
          event = parseEventLine(line, 'x.jsonl', i + 1);
        } catch (e) {
          expect(e).toBeInstanceOf(OeError);
          return;
        }
        let state = initialState();
        expect(() => {
          for (const e of [...events.slice(0, i), event, ...events.slice(i + 1)]) state = evolve(state, e);
        }).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });
});
