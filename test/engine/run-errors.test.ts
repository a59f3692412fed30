// The engine when nodes fail, in-process (issue #8 §6): on_error skip / fail_run / retry with linear
// and exponential backoff, errors that say retrying cannot help, cancels and pauses. Given scripted
// tools, when the engine runs, then these events.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runsDir } from '../../src/log/paths.js';
import { readLog } from '../../src/log/reader.js';
import { traced } from './harness.js';

/** first → broken → after; `broken` fails with `policy`. */
const BROKEN = (onError: string, args = 'args: { fail: "disk on fire" }') => `
name: broken
version: 1.0.0
state:
  schema:
    a: { type: string }
    b: { type: string }
    c: { type: array }
graph:
  nodes:
    - { id: first, kind: tool, impl: tools/first.mjs, args: { delta: { a: A } }, writes: [a] }
    - id: broken
      kind: tool
      impl: tools/broken.mjs
      ${args}
      writes: [b]
      on_error: ${onError}
    - { id: after, kind: tool, impl: tools/after.mjs, args: { delta: { c: [$.a, $.b] } }, reads: [a, b], writes: [c] }
  edges:
    - { from: first, to: broken }
    - { from: broken, to: after }
`;

describe('engine: on_error', () => {
  it('skip: records the failure, runs the descendants without its output, and succeeds', async () => {
    const r = await (await traced(BROKEN('{ policy: skip }'))).run();
    expect(r.status).toBe('success');
    expect(r.of('node.failed', 'broken')).toEqual([expect.objectContaining({ attempt: 1, willRetry: false, error: { name: 'Error', message: 'disk on fire' } })]);
    const after = r.calls.find((c) => c.node === 'after')!;
    expect(after.input._state).toEqual({ a: 'A' });
    expect(after.input._edge_inputs).toEqual({});
    expect(r.finalState).toEqual({ a: 'A', c: ['A', null] });
    expect(r.state.counts).toEqual({ completed: 2, cached: 0, failed: 1, skipped: 0 });
    expect(r.state.error).toBeUndefined();
  });

  it('skip on a for_each node: records the failed iterations and completes with those that succeeded', async () => {
    const e = await traced(
      `
name: skip-each
version: 1.0.0
state:
  schema:
    items: { type: array }
    out: { type: array, merge: array_append }
graph:
  nodes:
    - { id: list, kind: tool, impl: tools/list.mjs, args: { delta: { items: [1, 2, 3] } }, writes: [items] }
    - id: each
      kind: tool
      impl: tools/each.mjs
      writes: [out]
      for_each: { source: $.items }
      on_error: { policy: skip }
    - { id: after, kind: tool, impl: tools/after.mjs, reads: [out] }
  edges:
    - { from: list, to: each }
    - { from: each, to: after }
`,
      {
        each: ((i: { $item?: number }) => {
          if (i.$item === 2) throw new Error('no twos');
          return { state_delta: { out: i.$item! * 10 }, edge_output: i.$item };
        }) as never,
      },
    );
    const r = await e.run();
    expect(r.status).toBe('success');
    expect(r.of('node.failed', 'each')).toEqual([expect.objectContaining({ iteration: { index: 1 }, error: { name: 'Error', message: 'no twos' }, willRetry: false })]);
    expect(r.of('node.completed', 'each').find((x) => !x.iteration)!.output).toEqual({ state_delta: { out: [10, 30] }, edge_output: [1, null, 3] });
    expect(r.calls.find((c) => c.node === 'after')!.input._state).toEqual({ out: [10, 30] });
  });

  it('fail_run (the default): starts no new node, lets running ones finish, fails and names the node', async () => {
    const r = await (
      await traced(`
name: fail-run
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: slow, kind: tool, impl: tools/slow.mjs, args: { sleep: 60 } }
    - { id: broken, kind: tool, impl: tools/broken.mjs, args: { sleep: 5, fail: "bad config" } }
    - { id: after_slow, kind: tool, impl: tools/as.mjs }
    - { id: after_broken, kind: tool, impl: tools/ab.mjs }
    - { id: unrelated, kind: tool, impl: tools/u.mjs }
  edges:
    - { from: slow, to: after_slow }
    - { from: broken, to: after_broken }
`)
    ).run({ concurrency: 2 });
    expect(r.status).toBe('failure');
    expect(r.calls.map((c) => c.node).sort()).toEqual(['broken', 'slow']);
    expect(r.of('node.completed', 'slow')).toHaveLength(1);
    expect(r.state.counts).toEqual({ completed: 1, cached: 0, failed: 1, skipped: 0 });
    expect(r.state.error).toMatchObject({ nodeId: 'broken', name: 'Error', message: 'bad config' });
  });

  it('names in run.completed.error the node that failed first, not the first in declaration order', async () => {
    const r = await (
      await traced(`
name: two-failures
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: late, kind: tool, impl: tools/late.mjs, args: { sleep: 40, fail: "late failure" } }
    - { id: early, kind: tool, impl: tools/early.mjs, args: { fail: "early failure" } }
  edges: []
`)
    ).run({ concurrency: 2 });
    expect(r.of('node.failed').map((e) => e.nodeId)).toEqual(['early', 'late']);
    expect(r.state).toMatchObject({ counts: { failed: 2 }, error: { nodeId: 'early', message: 'early failure' } });
  });

  it('retry with linear backoff: fails, waits base_ms × n, starts attempt n + 1, and completes', async () => {
    const r = await (await traced(BROKEN('{ policy: retry, attempts: 3, backoff: linear, base_ms: 30 }', 'args: { fail_attempts: 2, delta: { b: B } }'))).run();
    expect(r.status).toBe('success');
    const own = r.events.filter((e) => 'nodeId' in e && e.nodeId === 'broken');
    expect(own.map((e) => [e.type, 'attempt' in e ? e.attempt : undefined, 'willRetry' in e ? e.willRetry : undefined])).toEqual([
      ['node.started', 1, undefined],
      ['node.failed', 1, true],
      ['node.started', 2, undefined],
      ['node.failed', 2, true],
      ['node.started', 3, undefined],
      ['node.completed', undefined, undefined],
    ]);
    expect(r.of('node.failed', 'broken')[1]!.error.message).toBe('attempt 2 of broken failed');
    const starts = r.calls.filter((c) => c.node === 'broken').map((c) => c.start);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(30 - 2);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(60 - 2);
    // Every attempt of the same inputs has the same input hash.
    expect(new Set(r.of('node.started', 'broken').map((e) => e.inputHash)).size).toBe(1);
    expect(r.finalState).toEqual({ a: 'A', b: 'B', c: ['A', 'B'] });
  });

  it('retry with exponential backoff: waits base_ms, then 2 × base_ms, then 4 × base_ms', async () => {
    const r = await (await traced(BROKEN('{ policy: retry, attempts: 4, backoff: exponential, base_ms: 15 }', 'args: { fail_attempts: 3 }'))).run();
    expect(r.status).toBe('success');
    const starts = r.calls.filter((c) => c.node === 'broken').map((c) => c.start);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(15 - 2);
    expect(gaps[1]).toBeGreaterThanOrEqual(30 - 2);
    expect(gaps[2]).toBeGreaterThanOrEqual(60 - 2);
    expect(r.of('node.started', 'broken').map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('does not retry an error that says retrying cannot help (retryable: false)', async () => {
    const e = await traced(BROKEN('{ policy: retry, attempts: 5, backoff: linear, base_ms: 10 }'), {
      broken: () => {
        throw Object.assign(new Error('no API key'), { name: 'MissingApiKeyError', retryable: false });
      },
    });
    const r = await e.run();
    expect(r.of('node.failed', 'broken').map((x) => [x.attempt, x.willRetry, x.error.name])).toEqual([[1, false, 'MissingApiKeyError']]);
  });

  it('retry that runs out of attempts fails the run, the last node.failed saying willRetry false', async () => {
    const r = await (await traced(BROKEN('{ policy: retry, attempts: 2, backoff: linear, base_ms: 5 }'))).run();
    expect(r.status).toBe('failure');
    expect(r.of('node.failed', 'broken').map((e) => [e.attempt, e.willRetry])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(r.of('node.started', 'after')).toEqual([]);
    expect(r.state.error).toMatchObject({ nodeId: 'broken', message: 'disk on fire' });
  });

  it('fails the node whose delta breaks the node’s declared writes, naming the field', async () => {
    const e = await traced(BROKEN('{ policy: fail_run }'), { broken: () => ({ state_delta: { c: [] } }) });
    const r = await e.run();
    expect(r.of('node.failed', 'broken')[0]!.error).toEqual({ name: 'NodeResultError', message: 'node broken wrote state field "c", which is not in its writes [b]' });
  });
});

describe('engine: stopping', () => {
  const SLOW = `
name: slow
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs, args: { sleep: 40 } }
    - { id: b, kind: tool, impl: tools/b.mjs, args: { sleep: 5000 } }
    - { id: c, kind: tool, impl: tools/c.mjs }
  edges:
    - { from: a, to: c }
`;

  it('a cancel aborts running nodes at once, records their failure, and ends cancelled', async () => {
    const e = await traced(SLOW);
    const t0 = Date.now();
    const r = await e.run({ concurrency: 2, onEvent: (ev, control) => ev.type === 'node.completed' && ev.nodeId === 'a' && control.cancel('cancelled by a test') });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.status).toBe('cancelled');
    expect(r.of('node.failed', 'b')[0]).toMatchObject({ willRetry: false, error: { name: 'CancelledError', message: 'cancelled by a test' } });
    expect(r.of('node.started', 'c')).toEqual([]);
  });

  it('a pause lets running nodes finish, starts none, and records the pending ones', async () => {
    const e = await traced(SLOW.replace('sleep: 5000', 'sleep: 80'));
    const r = await e.run({ concurrency: 2, onEvent: (ev, control) => ev.type === 'node.completed' && ev.nodeId === 'a' && control.pause() });
    expect(r.status).toBe('paused');
    expect(r.of('node.completed').map((x) => x.nodeId).sort()).toEqual(['a', 'b']);
    expect(r.of('run.paused')[0]).toMatchObject({ reason: 'pause requested', pending: ['c'] });
  });

  it('#12: a second signal while run.completed is being fsynced writes no second run.completed (the log stays readable)', async () => {
    const e = await traced(SLOW.replace('sleep: 5000', 'sleep: 10'));
    // The hard stop comes while the run's own run.completed waits for its fsync. In the CLI the
    // process exits right after the hard stop; here the run's fsync then finds the log closed.
    await e.run({ onEvent: (ev, control) => ev.type === 'run.completed' && control.hardStop() }).catch(() => undefined);
    const [file] = readdirSync(runsDir(e.workspace)).map((f) => join(runsDir(e.workspace), f));
    const { events } = await readLog(file!);
    expect(events.filter((x) => x.type === 'run.completed')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'success' });
  });

  it('a second signal mid-run ends the log with run.completed cancelled, fsynced before the process may exit', async () => {
    const e = await traced(SLOW);
    await e.run({ concurrency: 2, onEvent: (ev, control) => ev.type === 'node.completed' && ev.nodeId === 'a' && control.hardStop() }).catch(() => undefined);
    const [file] = readdirSync(runsDir(e.workspace)).map((f) => join(runsDir(e.workspace), f));
    const { events } = await readLog(file!);
    expect(events.filter((x) => x.type === 'run.completed')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'cancelled', error: { message: 'the run was stopped at once by a second signal' } });
  });

  it('a cancel during a retry backoff records a final failure instead of the announced retry', async () => {
    const e = await traced(BROKEN('{ policy: retry, attempts: 3, backoff: linear, base_ms: 5000 }'));
    const r = await e.run({ onEvent: (ev, control) => ev.type === 'node.failed' && ev.willRetry && control.cancel('cancelled in the backoff') });
    expect(r.status).toBe('cancelled');
    expect(r.of('node.failed', 'broken').map((x) => [x.attempt, x.willRetry, x.error.message])).toEqual([
      [1, true, 'disk on fire'],
      [1, false, 'cancelled in the backoff'],
    ]);
  });
});
