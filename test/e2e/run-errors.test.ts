// `oe run` end to end when nodes fail (issue #2 §5, §10, "Bad input"): on_error skip / fail_run /
// retry with linear and exponential backoff, timeouts, throwing tools, bad modules and results that
// are not JSON or write undeclared fields. Each run also keeps the invariants of helpers/experience.ts.
import { describe, expect, it } from 'vitest';
import { eventsOf, freshExperiences, runChecked, runExperience } from '../helpers/experience.js';

const experience = freshExperiences();

/** a → broken → after, plus an independent `other`; `broken` fails with `policy`. */
const BROKEN = (onError: string, extra = '') => `
name: broken
version: 1.0.0
state:
  schema:
    a: { type: string }
    b: { type: string }
    c: { type: array }
graph:
  nodes:
    - { id: first, kind: tool, impl: tools/trace.mjs, args: { delta: { a: A } }, writes: [a] }
    - id: broken
      kind: tool
      impl: tools/trace.mjs
      args: { fail: "disk on fire" }
      writes: [b]
      on_error: ${onError}
${extra}
    - { id: after, kind: tool, impl: tools/trace.mjs, args: { delta: { c: [$.a, $.b] } }, reads: [a, b], writes: [c] }
  edges:
    - { from: first, to: broken }
    - { from: broken, to: after }
`;

describe('oe run: on_error', () => {
  it('skip: records the failure, runs the descendants without its output, and succeeds', async () => {
    const ws = experience(BROKEN('{ policy: skip }'));
    const r = await runChecked(ws);
    expect(r.code).toBe(0);
    expect(eventsOf(r, 'node.failed', 'broken')).toEqual([
      expect.objectContaining({ attempt: 1, willRetry: false, error: { name: 'Error', message: 'disk on fire' } }),
    ]);
    const after = ws.trace().find((t) => t.node === 'after')!;
    expect(after.input._state).toEqual({ a: 'A' });
    expect(after.input._edge_inputs).toEqual({});
    expect(r.last!.finalState).toEqual({ a: 'A', c: ['A', null] });
    expect(r.completed).toMatchObject({ status: 'success', counts: { completed: 2, cached: 0, failed: 1, skipped: 0 } });
    expect(r.completed!.error).toBeUndefined();
  });

  it('skip on a for_each node: records the failed iterations and completes with those that succeeded', async () => {
    const ws = experience(
      `
name: skip-each
version: 1.0.0
state:
  schema:
    items: { type: array }
    out: { type: array, merge: array_append }
graph:
  nodes:
    - { id: list, kind: tool, impl: tools/trace.mjs, args: { delta: { items: [1, 2, 3] } }, writes: [items] }
    - id: each
      kind: tool
      impl: tools/each.mjs
      writes: [out]
      for_each: { source: $.items }
      on_error: { policy: skip }
    - { id: after, kind: tool, impl: tools/trace.mjs, reads: [out] }
  edges:
    - { from: list, to: each }
    - { from: each, to: after }
`,
      { 'tools/each.mjs': `export default (i) => { if (i.$item === 2) throw new Error('no twos'); return { state_delta: { out: i.$item * 10 }, edge_output: i.$item }; };` },
    );
    const r = await runChecked(ws);
    expect(r.code).toBe(0);
    expect(eventsOf(r, 'node.failed', 'each')).toEqual([expect.objectContaining({ iteration: { index: 1 }, error: { name: 'Error', message: 'no twos' }, willRetry: false })]);
    expect(eventsOf(r, 'node.completed', 'each').find((e) => !e.iteration)!.output).toEqual({ state_delta: { out: [10, 30] }, edge_output: [1, null, 3] });
    expect(ws.trace().find((t) => t.node === 'after')!.input._state).toEqual({ out: [10, 30] });
  });

  it('fail_run (the default): starts no new node, lets running ones finish, fails with exit 1 and names the node', async () => {
    const ws = experience(`
name: fail-run
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: slow, kind: tool, impl: tools/trace.mjs, args: { sleep: 300 } }
    - { id: broken, kind: tool, impl: tools/trace.mjs, args: { sleep: 20, fail: "bad config" } }
    - { id: after_slow, kind: tool, impl: tools/trace.mjs }
    - { id: after_broken, kind: tool, impl: tools/trace.mjs }
    - { id: unrelated, kind: tool, impl: tools/trace.mjs }
  edges:
    - { from: slow, to: after_slow }
    - { from: broken, to: after_broken }
`);
    const r = await runChecked(ws, ['--concurrency', '2']);
    expect(r.code).toBe(1);
    expect(ws.trace().map((t) => t.node).sort()).toEqual(['broken', 'slow']);
    expect(eventsOf(r, 'node.completed', 'slow')).toHaveLength(1);
    expect(eventsOf(r, 'node.started').map((e) => e.nodeId).sort()).toEqual(['broken', 'slow']);
    expect(r.completed).toMatchObject({
      status: 'failure',
      counts: { completed: 1, cached: 0, failed: 1, skipped: 0 },
      error: { nodeId: 'broken', name: 'Error', message: 'bad config' },
    });
    expect(r.last!.status).toBe('failure');
  });

  it('names in run.completed.error the node that failed first, not the first in declaration order', async () => {
    const ws = experience(`
name: two-failures
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: late, kind: tool, impl: tools/trace.mjs, args: { sleep: 250, fail: "late failure" } }
    - { id: early, kind: tool, impl: tools/trace.mjs, args: { fail: "early failure" } }
`);
    const r = await runChecked(ws, ['--concurrency', '2']);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed').map((e) => e.nodeId)).toEqual(['early', 'late']);
    expect(r.completed).toMatchObject({ counts: { failed: 2 }, error: { nodeId: 'early', message: 'early failure' } });
  });

  it('retry with linear backoff: fails, waits base_ms × n, starts attempt n + 1, and completes', async () => {
    const ws = experience(BROKEN('{ policy: retry, attempts: 3, backoff: linear, base_ms: 60 }').replace('args: { fail: "disk on fire" }', 'args: { fail_attempts: 2, delta: { b: B } }'));
    const r = await runChecked(ws);
    expect(r.code).toBe(0);
    const own = r.events.filter((e) => 'nodeId' in e && e.nodeId === 'broken');
    expect(own.map((e) => [e.type, 'attempt' in e ? e.attempt : undefined, 'willRetry' in e ? e.willRetry : undefined])).toEqual([
      ['node.started', 1, undefined],
      ['node.failed', 1, true],
      ['node.started', 2, undefined],
      ['node.failed', 2, true],
      ['node.started', 3, undefined],
      ['node.completed', undefined, undefined],
    ]);
    expect(eventsOf(r, 'node.failed', 'broken')[1]!.error.message).toBe('attempt 2 of broken failed');
    const starts = ws.trace().filter((t) => t.node === 'broken').map((t) => t.start);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(60 - 5);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(120 - 5);
    // Every attempt of the same inputs has the same input hash.
    expect(new Set(eventsOf(r, 'node.started', 'broken').map((e) => e.inputHash)).size).toBe(1);
    expect(r.completed!.counts).toEqual({ completed: 3, cached: 0, failed: 0, skipped: 0 });
    expect(r.last!.finalState).toEqual({ a: 'A', b: 'B', c: ['A', 'B'] });
  });

  it('retry with exponential backoff: waits base_ms, then 2 × base_ms, then 4 × base_ms', async () => {
    const ws = experience(BROKEN('{ policy: retry, attempts: 4, backoff: exponential, base_ms: 40 }').replace('args: { fail: "disk on fire" }', 'args: { fail_attempts: 3 }'));
    const r = await runChecked(ws);
    expect(r.code).toBe(0);
    const starts = ws.trace().filter((t) => t.node === 'broken').map((t) => t.start);
    expect(starts).toHaveLength(4);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(40 - 5);
    expect(gaps[1]).toBeGreaterThanOrEqual(80 - 5);
    expect(gaps[2]).toBeGreaterThanOrEqual(160 - 5);
    expect(eventsOf(r, 'node.started', 'broken').map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('does not retry an error that says retrying cannot help (retryable: false)', async () => {
    const ws = experience(
      BROKEN('{ policy: retry, attempts: 5, backoff: linear, base_ms: 10 }').replace('impl: tools/trace.mjs\n      args: { fail: "disk on fire" }', 'impl: tools/final.mjs'),
      { 'tools/final.mjs': "export default async () => { throw Object.assign(new Error('no API key'), { name: 'MissingApiKeyError', retryable: false }); };\n" },
    );
    const r = await runChecked(ws);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'broken').map((e) => [e.attempt, e.willRetry, e.error.name])).toEqual([[1, false, 'MissingApiKeyError']]);
  });

  it('retry that runs out of attempts fails the run, the last node.failed saying willRetry false', async () => {
    const ws = experience(BROKEN('{ policy: retry, attempts: 2, backoff: linear, base_ms: 10 }'));
    const r = await runChecked(ws);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'broken').map((e) => [e.attempt, e.willRetry])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(eventsOf(r, 'node.started', 'after')).toEqual([]);
    expect(r.completed).toMatchObject({ status: 'failure', error: { nodeId: 'broken', message: 'disk on fire' } });
  });
});

describe('oe run: timeout', () => {
  it('aborts the node’s signal when its timeout passes and fails it with a TimeoutError naming the node', async () => {
    const ws = experience(`
name: timeout
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: slow, kind: tool, impl: tools/trace.mjs, args: { sleep: 20000 }, timeout: 150ms }
`);
    const t0 = Date.now();
    const r = await runChecked(ws);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'slow')[0]).toMatchObject({ willRetry: false, error: { name: 'TimeoutError', message: 'node slow timed out after 150 ms' } });
    const seen = ws.trace()[0]!;
    expect(seen.aborted).toEqual({ name: 'TimeoutError', message: 'node slow timed out after 150 ms' });
    // The timeout counts from the attempt's start, which includes importing the tool in its thread.
    expect(seen.end - seen.start).toBeGreaterThanOrEqual(100);
    expect(seen.end - seen.start).toBeLessThan(1000);
    expect(r.completed!.error).toMatchObject({ nodeId: 'slow', name: 'TimeoutError' });
  });

  it('fails a node that ignores its signal at the timeout all the same, and retries it under retry', async () => {
    const ws = experience(
      `
name: timeout-retry
version: 1.0.0
state:
  schema:
    done: { type: boolean }
graph:
  nodes:
    - id: stubborn
      kind: tool
      impl: tools/stubborn.mjs
      writes: [done]
      timeout: 100
      on_error: { policy: retry, attempts: 2, backoff: linear, base_ms: 10 }
`,
      { 'tools/stubborn.mjs': `export default async (input, ctx) => { if (ctx.attempt === 1) await new Promise((r) => setTimeout(r, 1500)); return { state_delta: { done: true } }; };` },
    );
    const r = await runChecked(ws);
    expect(r.code).toBe(0);
    expect(eventsOf(r, 'node.failed', 'stubborn')).toEqual([
      expect.objectContaining({ attempt: 1, willRetry: true, error: { name: 'TimeoutError', message: 'node stubborn timed out after 100 ms' } }),
    ]);
    expect(r.last!.finalState).toEqual({ done: true });
  });
});

describe('oe run: tools that misbehave', () => {
  const ONE = (impl: string, writes = '[out]') => `
name: misbehave
version: 1.0.0
state:
  schema:
    out: { type: any }
graph:
  nodes:
    - { id: culprit, kind: tool, impl: ${impl}, writes: ${writes} }
    - { id: next, kind: tool, impl: tools/trace.mjs }
  edges:
    - { from: culprit, to: next }
`;

  /** The run failed at `culprit` with `name` and a message matching `message`, and said so on stderr or in the log. */
  function expectCulpritFailed(r: Awaited<ReturnType<typeof runChecked>>, name: string, message: RegExp): void {
    expect(r.code).toBe(1);
    const failed = eventsOf(r, 'node.failed', 'culprit');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error.name).toBe(name);
    expect(failed[0]!.error.message).toMatch(message);
    expect(r.completed).toMatchObject({ status: 'failure', error: { nodeId: 'culprit' } });
    expect(eventsOf(r, 'node.started', 'next')).toEqual([]);
  }

  it('fails the node of a tool that throws, with the error’s own name and message', async () => {
    const ws = experience(ONE('tools/throws.mjs'), {
      'tools/throws.mjs': `class QuotaError extends Error { constructor(m) { super(m); this.name = 'QuotaError'; } }
export default async () => { throw new QuotaError('quota exceeded for project x'); };`,
    });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'QuotaError', /^quota exceeded for project x$/);
  });

  it('fails the node of a tool that throws a non-Error value, describing the value', async () => {
    const ws = experience(ONE('tools/throws.mjs'), { 'tools/throws.mjs': `export default () => { throw { code: 42 }; };` });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'Error', /non-Error value thrown: \{"code":42\}/);
  });

  it('fails the node of a tool module without a default export, naming the module', async () => {
    const ws = experience(ONE('tools/nodefault.mjs'), { 'tools/nodefault.mjs': `export function run() { return {}; }` });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'ToolModuleError', /tools\/nodefault\.mjs has no default-exported function \(found undefined\)/);
  });

  it('fails the node of a tool module that does not import, naming the module', async () => {
    const ws = experience(ONE('tools/syntax.mjs'), { 'tools/syntax.mjs': `export default (( => 1;` });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'ToolModuleError', /^cannot import tools\/syntax\.mjs: /);
  });

  it('fails the node of a tool that returns a function in state_delta, naming the node and the path', async () => {
    const ws = experience(ONE('tools/fn.mjs'), { 'tools/fn.mjs': `export default () => ({ state_delta: { out: { ok: 1, cb: () => 1 } } });` });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'NodeResultError', /node culprit returned a value that is not JSON: state_delta\.out\.cb is a function/);
  });

  it('fails the node of a tool that returns a BigInt, naming the node and the path', async () => {
    const ws = experience(ONE('tools/big.mjs'), { 'tools/big.mjs': `export default () => ({ state_delta: { out: [1, 2n] } });` });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'NodeResultError', /node culprit returned a value that is not JSON: state_delta\.out\[1\] is a bigint/);
  });

  it('fails the node of a tool whose edge_output is not JSON, naming edge_output', async () => {
    const ws = experience(ONE('tools/edge.mjs'), { 'tools/edge.mjs': `export default () => ({ state_delta: { out: 1 }, edge_output: { n: NaN } });` });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'NodeResultError', /node culprit returned a value that is not JSON: edge_output\.n is/);
  });

  it('fails the node of a tool that writes a field not in its writes, naming the node and the field', async () => {
    const ws = experience(ONE('tools/extra.mjs', '[]'), { 'tools/extra.mjs': `export default () => ({ state_delta: { out: 1 } });` });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'NodeResultError', /node culprit wrote state field "out", which is not in its writes \[\]/);
  });

  it('fails the node of a tool that returns something other than an object', async () => {
    const ws = experience(ONE('tools/str.mjs'), { 'tools/str.mjs': `export default () => 'done';` });
    const r = await runChecked(ws);
    expectCulpritFailed(r, 'NodeResultError', /node culprit returned string; expected an object/);
  });

  it('names the failing node on stderr in pretty format', async () => {
    const ws = experience(ONE('tools/throws.mjs'), { 'tools/throws.mjs': `export default () => { throw new Error('boom'); };` });
    const r = await runExperience(ws, [], { format: 'pretty' });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/culprit.*boom/);
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('oe run: errors thrown outside a node’s promise', () => {
  const LEAKY = `
name: leaky
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: leaky, kind: tool, impl: tools/leak.mjs }
    - { id: busy, kind: tool, impl: tools/trace.mjs, args: { sleep: 2000 } }
    - { id: later, kind: tool, impl: tools/trace.mjs }
  edges:
    - { from: leaky, to: later }
`;

  it('#8: a throw from a tool\'s callback after it returned keeps its result, warns naming the node, and touches no other node', async () => {
    const ws = experience(LEAKY, { 'tools/leak.mjs': `export default async () => { setTimeout(() => { throw new TypeError('late throw'); }, 30); return {}; };` });
    const r = await runChecked(ws, ['--concurrency', '2']);
    expect(r.code).toBe(0);
    expect(r.completed).toMatchObject({ status: 'success', counts: { completed: 3, failed: 0 } });
    expect(eventsOf(r, 'node.completed', 'busy')).toHaveLength(1);
    expect(r.stderr).toMatch(/node leaky: uncaught exception TypeError: late throw, raised after its attempt ended/);
  });

  it('#8: a promise a tool left rejected fails that node only; a concurrent node finishes untouched', async () => {
    const ws = experience(LEAKY, { 'tools/leak.mjs': `export default async () => { Promise.reject(new RangeError('forgotten promise')); return {}; };` });
    const r = await runChecked(ws, ['--concurrency', '2']);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'leaky')[0]).toMatchObject({ error: { name: 'RangeError', message: expect.stringContaining('node leaky: unhandled rejection RangeError: forgotten promise') } });
    expect(r.completed).toMatchObject({ status: 'failure', error: { nodeId: 'leaky', name: 'RangeError' } });
    expect(eventsOf(r, 'node.completed', 'busy')).toHaveLength(1);
    expect(eventsOf(r, 'node.started', 'later')).toEqual([]);
  });
});
