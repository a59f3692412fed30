// `oe run` end to end when tools fail in their threads (issue #2 §5, §10, "Bad input"): timeouts,
// throwing tools, bad modules, results that are not JSON or write undeclared fields, stray errors.
// Each run also keeps the invariants of helpers/experience.ts. The on_error policies and retry
// backoff are tested in-process in test/engine/run-errors.test.ts (issue #8 §6).
import { describe, expect, it } from 'vitest';
import { eventsOf, freshExperiences, runChecked, runExperience } from '../helpers/experience.js';

const experience = freshExperiences();

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
