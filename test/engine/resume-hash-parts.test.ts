// Zero stale hits (issue #9), in-process: given a prior run, when what a node depends on changes (or
// only what it does not depend on), then exactly these units execute. The real engine, memo and
// input hashes; tools are scripted (harness.ts), their files real.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeInput } from '../../src/nodes/runner.js';
import { traced, type Run } from './harness.js';

const executed = (r: Run): string[] => r.calls.map((c) => (c.index === undefined ? c.node : `${c.node}[${c.index}]`));
const sorted = (xs: string[]) => [...xs].sort();

const FAN_OUT = (tool = 'tools/review.mjs', extra = '') => `
name: fan-out
version: 1.0.0
inputs:
  items: { type: array, default: [a, b, c] }
state:
  schema:
    items: { type: array }
    reviews: { type: array, merge: array_append }
    count: { type: number }
graph:
  nodes:
    - { id: review, kind: tool, impl: ${tool}, reads: [], writes: [reviews], for_each: { source: $.items }${extra} }
    - { id: total, kind: tool, impl: tools/total.mjs, reads: [reviews], writes: [count] }
  edges:
    - { from: review, to: total }
`;
const review = (i: NodeInput) => ({ state_delta: { reviews: [`ok ${String(i.$item)}`] } });
const total = (i: NodeInput) => ({ state_delta: { count: (i._state.reviews as unknown[]).length } });

describe('engine: for_each items are keyed by their content (#9 §5)', () => {
  it('inserting an item at the head executes that item only; the final state keeps the items\' order', async () => {
    const e = await traced(FAN_OUT(), { review, total });
    const run = await e.run();
    const res = await e.run({ resume: run, args: { items: ['z', 'a', 'b', 'c'] } });
    expect(executed(res)).toEqual(['review[0]', 'total']);
    expect(sorted(res.units('node.cached'))).toEqual(['review[1]', 'review[2]', 'review[3]']);
    expect(res.finalState.reviews).toEqual(['ok z', 'ok a', 'ok b', 'ok c']);
    // Each restored item names the run that really executed it, at its new index.
    expect(res.of('node.cached', 'review').map((c) => [c.iteration?.index, c.output.state_delta])).toEqual([
      [1, { reviews: ['ok a'] }],
      [2, { reviews: ['ok b'] }],
      [3, { reviews: ['ok c'] }],
    ]);
  });

  it('removing and reordering items executes no item; identical items share one result', async () => {
    const e = await traced(FAN_OUT(), { review, total });
    const run = await e.run();
    const res = await e.run({ resume: run, args: { items: ['c', 'a', 'a'] } });
    expect(executed(res)).toEqual(['total']);
    expect(res.finalState.reviews).toEqual(['ok c', 'ok a', 'ok a']);
  });

  it('a tool that mentions $index keys its items by index too: an insertion re-executes every shifted item', async () => {
    const e = await traced(FAN_OUT(), { review: (i) => ({ state_delta: { reviews: [`${String(i.$item)}@${String(i.$index)}`] } }), total });
    const run = await e.run();
    expect(run.of('node.started', 'review').find((s) => s.iteration)!.hashParts).toHaveProperty('index');
    const res = await e.run({ resume: run, args: { items: ['z', 'a', 'b', 'c'] } });
    expect(executed(res)).toEqual(['review[0]', 'review[1]', 'review[2]', 'review[3]', 'total']);
    expect(res.finalState.reviews).toEqual(['z@0', 'a@1', 'b@2', 'c@3']);
  });

  it('a local module of the tool that mentions $index counts as the tool seeing it', async () => {
    const e = await traced(FAN_OUT(), { review, total });
    writeFileSync(join(e.dir, 'tools/review.mjs'), "import { at } from './lib/at.mjs';\nexport default (i) => ({ state_delta: { reviews: [at(i)] } });\n");
    mkdirSync(join(e.dir, 'tools/lib'), { recursive: true });
    writeFileSync(join(e.dir, 'tools/lib/at.mjs'), 'export const at = (i) => i.$index;\n');
    const run = await e.run();
    const parts = run.of('node.started', 'review').find((s) => s.iteration)!.hashParts!;
    expect(Object.keys(parts)).toEqual(expect.arrayContaining(['index', 'module.lib/at.mjs']));
  });

  it('an agent whose prompt names {{$index}} sees it; one whose prompt does not, does not', async () => {
    const yaml = (prompt: string) => `
name: p
version: 1.0.0
inputs:
  items: { type: array, default: [a, b] }
state:
  schema:
    items: { type: array }
graph:
  nodes:
    - { id: ask, kind: agent, prompt: "${prompt}", for_each: { source: $.items } }
`;
    for (const [prompt, sees] of [['Item {{$index}}: {{$item}}', true], ['Item {{$item}}', false]] as const) {
      const e = await traced(yaml(prompt), { ask: () => ({ edge_output: 'x' }) });
      const run = await e.run();
      expect('index' in run.of('node.started', 'ask').find((s) => s.iteration)!.hashParts!).toBe(sees);
    }
  });
});

const PAIR = `
name: pair
version: 1.0.0
inputs:
  n: { type: integer, default: 1 }
state:
  schema:
    a: { type: number }
    b: { type: number }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs, args: { n: $args.n }, writes: [a] }
    - { id: b, kind: tool, impl: tools/b.mjs, reads: [a], writes: [b] }
  edges:
    - { from: a, to: b }
`;
const pairScripts = { a: (i: NodeInput) => ({ state_delta: { a: i.n as number } }), b: (i: NodeInput) => ({ state_delta: { b: (i._state.a as number) * 10 } }) };

describe('engine: declared files and env (#9 §2)', () => {
  const yaml = `
name: declared
version: 1.0.0
state:
  schema:
    f: {}
    e: {}
    g: {}
graph:
  nodes:
    - { id: f, kind: tool, impl: tools/f.mjs, files: [data/*.json], writes: [f] }
    - { id: e, kind: tool, impl: tools/e.mjs, env: [API_REGION], writes: [e] }
    - { id: g, kind: tool, impl: tools/g.mjs, writes: [g] }
`;
  it('a declared file change executes only its node; a declared env change only its node; the value is never logged', async () => {
    const e = await traced(yaml, {});
    mkdirSync(join(e.dir, 'data'), { recursive: true });
    writeFileSync(join(e.dir, 'data/x.json'), '{"v":1}');
    const run = await e.run({ env: { API_REGION: 'eu-west-1-secretish' } });
    expect(sorted(executed(run))).toEqual(['e', 'f', 'g']);
    expect(Object.keys(run.of('node.started', 'f')[0]!.hashParts!)).toContain('files.data/x.json');
    expect(readFileSync(run.logFile, 'utf8')).not.toContain('eu-west-1-secretish');
    writeFileSync(join(e.dir, 'data/x.json'), '{"v":2}');
    const fileChanged = await e.run({ resume: run, env: { API_REGION: 'eu-west-1-secretish' } });
    expect(executed(fileChanged)).toEqual(['f']);
    const envChanged = await e.run({ resume: fileChanged, env: { API_REGION: 'us-east-1' } });
    expect(executed(envChanged)).toEqual(['e']);
    const unset = await e.run({ resume: envChanged, env: {} });
    expect(executed(unset)).toEqual(['e']);
    expect(unset.of('node.started', 'e')[0]!.hashParts!['env.API_REGION']).toBe('unset');
    // A new file matching the glob is a change too.
    writeFileSync(join(e.dir, 'data/y.json'), '{}');
    expect(executed(await e.run({ resume: unset, env: {} }))).toEqual(['f']);
  });
});

describe('engine: only a real change re-executes (#9 §3)', () => {
  it('changing a timeout, a retry policy, cache or a phase executes nothing', async () => {
    const e = await traced(PAIR, pairScripts);
    const run = await e.run();
    // The definition as an edited experience would give it (the harness runs e.experience).
    Object.assign(e.experience.graph.nodes[0]!, { timeout: 300_000, on_error: { policy: 'retry', attempts: 4, backoff: 'linear', base_ms: 10 }, phase: 'p' });
    Object.assign(e.experience.graph.nodes[1]!, { cache: true, max_retries: 3 });
    const res = await e.run({ resume: run });
    expect(executed(res)).toEqual([]);
  });

  it('an impl moved to another path with the same content keeps its hit', async () => {
    const e = await traced(PAIR, pairScripts);
    const run = await e.run();
    const node = e.experience.graph.nodes[0]! as { impl: string };
    writeFileSync(join(e.dir, 'tools/moved.mjs'), readFileSync(join(e.dir, node.impl)));
    rmSync(join(e.dir, node.impl));
    node.impl = 'tools/moved.mjs';
    const res = await e.run({ resume: run });
    expect(executed(res)).toEqual([]);
  });
});

describe('engine: --rerun (#9 §6)', () => {
  it('executes the named node; a dependent whose inputs did not change stays cached', async () => {
    const e = await traced(PAIR, pairScripts);
    const run = await e.run();
    const res = await e.run({ resume: run, rerun: ['a'] });
    expect(executed(res)).toEqual(['a']);
    expect(res.units('node.cached')).toEqual(['b']);
  });

  it('executes the named node and what its new output changes', async () => {
    let calls = 0;
    const e = await traced(PAIR, { ...pairScripts, a: () => ({ state_delta: { a: ++calls } }) });
    const run = await e.run();
    const res = await e.run({ resume: run, rerun: ['a'] });
    expect(executed(res)).toEqual(['a', 'b']);
    expect(res.finalState).toEqual({ a: 2, b: 20 });
  });

  it('executes every item of a for_each node it names', async () => {
    const e = await traced(FAN_OUT(), { review, total });
    const run = await e.run();
    const res = await e.run({ resume: run, rerun: ['review'] });
    expect(executed(res)).toEqual(['review[0]', 'review[1]', 'review[2]']);
    expect(res.units('node.cached')).toEqual(['total']);
  });
});

describe('engine: resume without the files (#9 §4)', () => {
  it('with a recorded definition and the tools folder gone, restores every completed node', async () => {
    const e = await traced(FAN_OUT(), { review, total });
    const run = await e.run();
    rmSync(join(e.dir, 'tools'), { recursive: true });
    const res = await e.run({ resume: run, definitionSource: 'log' });
    expect(res.status).toBe('success');
    expect(executed(res)).toEqual([]);
    expect(res.of('node.cached', 'review').at(-1)!.hashParts).toEqual(run.of('node.started', 'review')[0]!.hashParts);
  });

  it('a node that must execute and whose file is gone fails naming it, never with ENOENT', async () => {
    const e = await traced(PAIR, pairScripts);
    const run = await e.run();
    rmSync(join(e.dir, 'tools'), { recursive: true });
    const res = await e.run({ resume: run, definitionSource: 'log', args: { n: 2 } });
    expect(res.status).toBe('failure');
    expect(res.of('node.failed', 'a')[0]!.error).toEqual({ name: 'MissingFileError', message: 'node a needs tools/a.mjs, which is missing' });
    expect(executed(res)).toEqual([]);
  });

  it('with the experience read from its file, a gone impl also fails naming it', async () => {
    const e = await traced(PAIR, pairScripts);
    rmSync(join(e.dir, 'tools/b.mjs'));
    const res = await e.run();
    expect(res.of('node.failed', 'b')[0]!.error.message).toBe('node b needs tools/b.mjs, which is missing');
  });

  it('a declared file that is gone stands in with its recorded part; new content of a present one is still seen', async () => {
    const yaml = `
name: d
version: 1.0.0
state:
  schema:
    f: {}
graph:
  nodes:
    - { id: f, kind: tool, impl: tools/f.mjs, files: [data], writes: [f] }
`;
    const e = await traced(yaml, {});
    mkdirSync(join(e.dir, 'data'), { recursive: true });
    writeFileSync(join(e.dir, 'data/x.json'), '1');
    writeFileSync(join(e.dir, 'data/y.json'), '1');
    const run = await e.run();
    rmSync(join(e.dir, 'data/x.json'));
    expect(executed(await e.run({ resume: run, definitionSource: 'log' }))).toEqual([]);
    writeFileSync(join(e.dir, 'data/y.json'), '2');
    const res = await e.run({ resume: run, definitionSource: 'log' });
    expect(res.of('node.failed', 'f')[0]!.error.message).toBe('node f needs data/x.json, which is missing');
  });
});
