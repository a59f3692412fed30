// `oe run` end to end on the graph's shapes (issue #2 §5, §10): a single tool, the tool call shape
// (SPEC §2.3), datasets, for_each fan-out, fan-in, edge `when` and its skip cascade, state merges, and
// the console formats. Every run is also checked against the invariants of test/helpers/experience.ts.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readEvents, runLogs, runOe } from '../helpers/cli.js';
import { eventsOf, freshExperiences, maxOverlap, runChecked, runExperience } from '../helpers/experience.js';

const experience = freshExperiences();

describe('oe run: tools and their call shape', () => {
  it('runs a one-node experience, exits 0 and ends stdout with run complete and the final state', async () => {
    const ws = experience(`
name: one
version: 1.0.0
state:
  schema:
    greeting: { type: string }
graph:
  nodes:
    - { id: hello, kind: tool, impl: tools/trace.mjs, args: { delta: { greeting: hi } }, writes: [greeting] }
`);
    const r = await runChecked(ws);
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ status: 'success', finalState: { greeting: 'hi' } });
    expect(r.completed).toMatchObject({ status: 'success', counts: { completed: 1, cached: 0, failed: 0, skipped: 0 } });
    expect(r.events.map((e) => e.type)).toEqual(['run.started', 'node.started', 'node.completed', 'run.completed']);
    expect(eventsOf(r, 'node.started')[0]).toMatchObject({ nodeId: 'hello', attempt: 1, inputHash: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('calls the default export with resolved args, _state, _edge_inputs and a ctx holding runId, nodeId, signal, experienceDir and args', async () => {
    const ws = experience(
      `
name: shape
version: 1.0.0
inputs:
  who: { type: string, default: world }
state:
  schema:
    base: { type: object }
    seen: { type: object }
graph:
  nodes:
    - { id: first, kind: tool, impl: tools/trace.mjs, args: { delta: { base: { n: 7, s: x } }, edge: { from: first } }, writes: [base] }
    - id: second
      kind: tool
      impl: tools/inspect.mjs
      args: { n: $.base.n, who: $args.who, missing: $.base.nope, literal: "costs $.5 or $args", nested: [$.base.s, { w: $args.who }] }
      reads: [base]
      writes: [seen]
  edges:
    - { from: first, to: second }
`,
      {
        'tools/inspect.mjs': `export default async (input, ctx) => ({ state_delta: { seen: {
          input,
          ctx: { runId: ctx.runId, nodeId: ctx.nodeId, signal: ctx.signal instanceof AbortSignal, experienceDir: ctx.experienceDir, args: ctx.args, attempt: ctx.attempt, keys: Object.keys(ctx).sort() },
        } } });`,
      },
    );
    const r = await runChecked(ws, ['--args', '{"who": "oe"}']);
    const seen = r.last!.finalState.seen as { input: Record<string, unknown>; ctx: Record<string, unknown> };
    expect(seen.input).toEqual({
      n: 7,
      who: 'oe',
      missing: null,
      literal: 'costs $.5 or $args',
      nested: ['x', { w: 'oe' }],
      _state: { base: { n: 7, s: 'x' } },
      _edge_inputs: { first: { from: 'first' } },
    });
    expect(seen.ctx).toMatchObject({ runId: r.last!.runId, nodeId: 'second', signal: true, experienceDir: ws.dir, args: { who: 'oe' }, attempt: 1 });
    expect(seen.ctx.keys).not.toContain('llm');
  });

  it('seeds the state with run args whose names are state fields', async () => {
    const ws = experience(`
name: seed
version: 1.0.0
inputs:
  limit: { type: integer, default: 3 }
state:
  schema:
    limit: { type: integer }
    echo: { type: integer }
graph:
  nodes:
    - { id: read_limit, kind: tool, impl: tools/trace.mjs, args: { delta: { echo: $.limit } }, reads: [limit], writes: [echo] }
`);
    const r = await runChecked(ws, ['--args', '{"limit": 5}']);
    expect(r.last!.finalState).toEqual({ limit: 5, echo: 5 });
    expect(ws.trace()[0]!.input._state).toEqual({ limit: 5 });
  });
});

describe('oe run: where things are', () => {
  it('runs a CommonJS tool (.cjs) through its module.exports', async () => {
    const ws = experience(
      `
name: cjs
version: 1.0.0
state:
  schema:
    n: { type: integer }
graph:
  nodes:
    - { id: common, kind: tool, impl: tools/common.cjs, args: { x: 20 }, writes: [n] }
`,
      { 'tools/common.cjs': `module.exports = async (input) => ({ state_delta: { n: input.x + 1 } });` },
    );
    const r = await runChecked(ws);
    expect(r.last!.finalState).toEqual({ n: 21 });
  });

  it('takes the YAML file itself as the path, writes the log under --workspace and records the path relative to it', async () => {
    const ws = experience(`
name: where
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: only, kind: tool, impl: tools/trace.mjs }
`);
    const r = await runOe(['--log-format', 'json', '--workspace', 'store', 'run', 'exp/experience.yaml'], { cwd: ws.root });
    expect(r.code).toBe(0);
    expect(runLogs(ws.root)).toEqual([]);
    const logs = runLogs(join(ws.root, 'store'));
    expect(logs).toHaveLength(1);
    const started = readEvents(logs[0]!)[0]!;
    expect(started.experience).toMatchObject({ name: 'where', version: '1.0.0', path: '../exp/experience.yaml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(r.lines.at(-1)).toMatchObject({ msg: 'run complete', status: 'success', log: `store/.openexpertise/runs/${String(started.runId)}.jsonl` });
  });
});

describe('oe run: dataset nodes', () => {
  it('loads json, jsonl and csv files into their writes field, csv values as strings', async () => {
    const ws = experience(
      `
name: data
version: 1.0.0
state:
  schema:
    j: { type: any }
    jl: { type: array }
    c: { type: array }
graph:
  nodes:
    - { id: from_json, kind: dataset, source: { type: file, uri: data/a.json, format: json }, writes: [j] }
    - { id: from_jsonl, kind: dataset, source: { type: file, uri: data/b.jsonl, format: jsonl }, writes: [jl] }
    - { id: from_csv, kind: dataset, source: { type: file, uri: data/c.csv, format: csv }, writes: [c] }
`,
      {
        'data/a.json': '{"k": [1, 2], "s": "x"}\n',
        'data/b.jsonl': '{"n": 1}\n\n{"n": 2}\n',
        'data/c.csv': '\uFEFFcity,code\nOslo,007\n"Rome, IT",1\n',
      },
    );
    const r = await runChecked(ws);
    expect(r.last!.finalState).toEqual({
      j: { k: [1, 2], s: 'x' },
      jl: [{ n: 1 }, { n: 2 }],
      c: [
        { city: 'Oslo', code: '007' },
        { city: 'Rome, IT', code: '1' },
      ],
    });
    expect(eventsOf(r, 'node.completed', 'from_csv')[0]!.output.edge_output).toEqual({ rows: 2 });
  });

  it('fails a dataset node whose file does not parse, naming the file and line', async () => {
    const ws = experience(
      `
name: bad-data
version: 1.0.0
state:
  schema:
    rows: { type: array }
graph:
  nodes:
    - { id: load, kind: dataset, source: { type: file, uri: rows.jsonl, format: jsonl }, writes: [rows] }
`,
      { 'rows.jsonl': '{"ok": 1}\n{not json\n' },
    );
    const r = await runChecked(ws);
    expect(r.code).toBe(1);
    const failed = eventsOf(r, 'node.failed', 'load')[0]!;
    expect(failed.error.name).toBe('DatasetError');
    expect(failed.error.message).toContain('rows.jsonl:2');
  });
});

describe('oe run: for_each fan-out', () => {
  const FAN = `
name: fan
version: 1.0.0
state:
  schema:
    items: { type: array }
    tagged: { type: array, merge: array_append }
graph:
  nodes:
    - { id: list, kind: tool, impl: tools/trace.mjs, args: { delta: { items: [a, b, c, d] } }, writes: [items] }
    - id: each
      kind: tool
      impl: tools/tag.mjs
      args: { sleep: 240 }
      writes: [tagged]
      for_each: { source: $.items, concurrency: 2 }
    - { id: after, kind: tool, impl: tools/trace.mjs, reads: [tagged], writes: [] }
  edges:
    - { from: list, to: each }
    - { from: each, to: after }
`;
  // Later items finish first, so completion order is not index order (the steps dwarf a tool
  // thread's start).
  const TAG = `
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
export default async (input, ctx) => {
  const start = Date.now();
  await new Promise((r) => setTimeout(r, input.sleep * (4 - input.$index) / 2));
  appendFileSync(join(ctx.experienceDir, 'trace.jsonl'), JSON.stringify({ node: ctx.nodeId, index: input.$index, attempt: ctx.attempt, start, end: Date.now(), input }) + '\\n');
  return { state_delta: { tagged: [input.$index + ':' + input.$item] }, edge_output: { i: input.$index, item: input.$item } };
};
`;

  it('runs one iteration per element with $item and $index, and completes the node with the deltas merged by index and the edge outputs as an array', async () => {
    const ws = experience(FAN, { 'tools/tag.mjs': TAG });
    const r = await runChecked(ws);
    const iterStarts = eventsOf(r, 'node.started', 'each').filter((e) => e.iteration);
    expect(iterStarts.map((e) => e.iteration!.index).sort()).toEqual([0, 1, 2, 3]);
    const iterDone = eventsOf(r, 'node.completed', 'each').filter((e) => e.iteration);
    expect(iterDone).toHaveLength(4);
    for (const e of iterDone) expect(e.output.state_delta).toEqual({ tagged: [`${e.iteration!.index}:${'abcd'[e.iteration!.index]}`] });
    // The aggregate: started before any iteration, completed after all of them.
    const own = r.events.filter((e) => (e.type === 'node.started' || e.type === 'node.completed') && e.nodeId === 'each' && !e.iteration);
    expect(own.map((e) => e.type)).toEqual(['node.started', 'node.completed']);
    expect(own[0]!.seq).toBeLessThan(Math.min(...iterStarts.map((e) => e.seq)));
    expect(own[1]!.seq).toBeGreaterThan(Math.max(...iterDone.map((e) => e.seq)));
    const agg = eventsOf(r, 'node.completed', 'each').find((e) => !e.iteration)!;
    expect(agg.output).toEqual({
      state_delta: { tagged: ['0:a', '1:b', '2:c', '3:d'] },
      edge_output: [
        { i: 0, item: 'a' },
        { i: 1, item: 'b' },
        { i: 2, item: 'c' },
        { i: 3, item: 'd' },
      ],
    });
    // Iterations finished out of index order, yet the merge is by index.
    const doneOrder = ws.trace().filter((t) => t.node === 'each').sort((a, b) => a.end - b.end).map((t) => t.index);
    expect(doneOrder).not.toEqual([0, 1, 2, 3]);
    expect(r.last!.finalState.tagged).toEqual(['0:a', '1:b', '2:c', '3:d']);
    // The successor runs once, after the fan-out, with the aggregate as its edge input.
    const after = ws.trace().filter((t) => t.node === 'after');
    expect(after).toHaveLength(1);
    expect(after[0]!.input._edge_inputs).toEqual({ each: agg.output.edge_output });
    expect(r.completed!.counts).toEqual({ completed: 3, cached: 0, failed: 0, skipped: 0 });
  });

  it('runs at most for_each.concurrency iterations at once', async () => {
    const ws = experience(FAN, { 'tools/tag.mjs': TAG });
    await runChecked(ws, ['--concurrency', '4']);
    const spans = ws.trace().filter((t) => t.node === 'each');
    expect(spans).toHaveLength(4);
    expect(maxOverlap(spans)).toBe(2);
  });

  it('completes a for_each over an empty array with an empty delta and no iterations', async () => {
    const ws = experience(FAN.replace('items: [a, b, c, d]', 'items: []'), { 'tools/tag.mjs': TAG });
    const r = await runChecked(ws);
    expect(eventsOf(r, 'node.started', 'each').filter((e) => e.iteration)).toEqual([]);
    expect(eventsOf(r, 'node.completed', 'each')[0]!.output).toEqual({ state_delta: {}, edge_output: [] });
    expect(r.completed!.status).toBe('success');
  });

  it('fails a for_each node whose source is not an array, naming the source', async () => {
    const ws = experience(FAN.replace('items: [a, b, c, d]', 'items: "abcd"').replace('items: { type: array }', 'items: { type: string }'), { 'tools/tag.mjs': TAG });
    const r = await runChecked(ws);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'each')[0]!.error.message).toBe('for_each.source $.items must be an array, got string');
    expect(r.completed!.error).toMatchObject({ nodeId: 'each' });
  });

  it('fails the whole for_each node when an iteration fails under fail_run, naming the iteration', async () => {
    const ws = experience(FAN, {
      'tools/tag.mjs': `export default async (input) => { if (input.$index === 2) throw new RangeError('bad item ' + input.$item); return { state_delta: { tagged: [input.$item] } }; };`,
    });
    const r = await runChecked(ws);
    expect(r.code).toBe(1);
    const iterFail = eventsOf(r, 'node.failed', 'each').find((e) => e.iteration);
    expect(iterFail).toMatchObject({ iteration: { index: 2 }, error: { name: 'RangeError', message: 'bad item c' }, willRetry: false });
    const own = eventsOf(r, 'node.failed', 'each').find((e) => !e.iteration)!;
    expect(own.error).toEqual({ name: 'ForEachError', message: '1 of 4 iterations failed; first, [2]: bad item c' });
    expect(eventsOf(r, 'node.started', 'after')).toEqual([]);
  });
});

describe('oe run: fan-in and ready queue', () => {
  it('starts a node with several predecessors only after all of them, with each one’s edge output', async () => {
    const ws = experience(`
name: fan-in
version: 1.0.0
state:
  schema:
    parts: { type: array, merge: array_append }
graph:
  nodes:
    - { id: root, kind: tool, impl: tools/trace.mjs, args: { edge: 0 } }
    - { id: left, kind: tool, impl: tools/trace.mjs, args: { sleep: 500, delta: { parts: [left] }, edge: L }, writes: [parts] }
    - { id: right, kind: tool, impl: tools/trace.mjs, args: { sleep: 20, delta: { parts: [right] }, edge: R }, writes: [parts] }
    - { id: join, kind: tool, impl: tools/trace.mjs, reads: [parts] }
  edges:
    - { from: root, to: left }
    - { from: root, to: right }
    - { from: left, to: join }
    - { from: right, to: join }
`);
    const r = await runChecked(ws, ['--concurrency', '2']);
    const t = Object.fromEntries(ws.trace().map((l) => [l.node, l]));
    expect(t.join!.start).toBeGreaterThanOrEqual(Math.max(t.left!.end, t.right!.end));
    expect(t.join!.input._edge_inputs).toEqual({ left: 'L', right: 'R' });
    // Declaration order, although right finished first.
    expect(t.join!.input._state).toEqual({ parts: ['left', 'right'] });
    expect(t.right!.end).toBeLessThan(t.left!.end);
    expect(r.last!.finalState).toEqual({ parts: ['left', 'right'] });
  });

  it('starts a node as soon as its own predecessors are done, not when a slower unrelated branch is (no waves)', async () => {
    const ws = experience(`
name: ready-queue
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: slow, kind: tool, impl: tools/trace.mjs, args: { sleep: 400 } }
    - { id: fast, kind: tool, impl: tools/trace.mjs, args: { sleep: 20 } }
    - { id: next, kind: tool, impl: tools/trace.mjs, args: { sleep: 20 } }
    - { id: last, kind: tool, impl: tools/trace.mjs }
  edges:
    - { from: fast, to: next }
    - { from: slow, to: last }
    - { from: next, to: last }
`);
    await runChecked(ws, ['--concurrency', '2']);
    const t = Object.fromEntries(ws.trace().map((l) => [l.node, l]));
    expect(t.next!.end).toBeLessThan(t.slow!.end);
    expect(t.last!.start).toBeGreaterThanOrEqual(t.slow!.end);
  });
});

describe('oe run: edge when', () => {
  const WHEN = (cond: string) => `
name: when
version: 1.0.0
state:
  schema:
    findings: { type: array }
graph:
  nodes:
    - { id: scan, kind: tool, impl: tools/trace.mjs, args: { delta: { findings: [] } }, writes: [findings] }
    - { id: review, kind: tool, impl: tools/trace.mjs, reads: [findings] }
    - { id: publish, kind: tool, impl: tools/trace.mjs }
    - { id: archive, kind: tool, impl: tools/trace.mjs }
    - { id: notify, kind: tool, impl: tools/trace.mjs }
  edges:
    - { from: scan, to: review, when: "${cond}" }
    - { from: review, to: publish }
    - { from: publish, to: archive }
    - { from: scan, to: notify }
`;

  it('skips a node whose incoming when is false, cascades the skip to its descendants, and still succeeds', async () => {
    const ws = experience(WHEN('length($.findings) > 0'));
    const r = await runChecked(ws);
    expect(r.code).toBe(0);
    const skipped = eventsOf(r, 'node.skipped');
    expect(skipped.map((e) => [e.nodeId, e.reason])).toEqual([
      ['review', 'edge from scan: when "length($.findings) > 0" is false'],
      ['publish', 'upstream node review was skipped'],
      ['archive', 'upstream node publish was skipped'],
    ]);
    expect(ws.trace().map((t) => t.node).sort()).toEqual(['notify', 'scan']);
    expect(r.completed!.counts).toEqual({ completed: 2, cached: 0, failed: 0, skipped: 3 });
  });

  it('runs a node whose incoming when is true', async () => {
    const ws = experience(WHEN('length($.findings) == 0 && !($.findings != $.findings)'));
    const r = await runChecked(ws);
    expect(eventsOf(r, 'node.skipped')).toEqual([]);
    expect(ws.trace().map((t) => t.node).sort()).toEqual(['archive', 'notify', 'publish', 'review', 'scan']);
  });
});

describe('oe run: state merges', () => {
  it('merges last_wins, set_once and array_append in topological order, whatever the completion order', async () => {
    const ws = experience(`
name: merges
version: 1.0.0
state:
  schema:
    winner: { type: string, merge: last_wins }
    first: { type: string, merge: set_once }
    log: { type: array, merge: array_append }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/trace.mjs, args: { sleep: 200, delta: { winner: a, first: same, log: [a1, a2] } }, writes: [winner, first, log] }
    - { id: b, kind: tool, impl: tools/trace.mjs, args: { sleep: 10, delta: { winner: b, log: b } }, writes: [winner, log] }
    - { id: c, kind: tool, impl: tools/trace.mjs, reads: [winner, first, log] }
  edges:
    - { from: a, to: c }
    - { from: b, to: c }
`);
    const r = await runChecked(ws, ['--concurrency', '2']);
    expect(r.last!.finalState).toEqual({ winner: 'b', first: 'same', log: ['a1', 'a2', 'b'] });
    expect(ws.trace().find((t) => t.node === 'c')!.input._state).toEqual({ winner: 'b', first: 'same', log: ['a1', 'a2', 'b'] });
  });

  it('fails the node that sets a set_once field to a second, different value, naming the field', async () => {
    const ws = experience(`
name: set-once
version: 1.0.0
state:
  schema:
    decision: { type: string, merge: set_once }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/trace.mjs, args: { delta: { decision: go } }, writes: [decision] }
    - { id: b, kind: tool, impl: tools/trace.mjs, args: { delta: { decision: stop } }, writes: [decision] }
  edges:
    - { from: a, to: b }
`);
    const r = await runChecked(ws);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'b')[0]!.error.message).toContain('"decision" is set_once');
    expect(r.last!.finalState).toEqual({ decision: 'go' });
  });
});

describe('oe run: console', () => {
  it('prints readable lines naming each node and the status with --log-format pretty', async () => {
    const ws = experience(`
name: pretty
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: alpha_node, kind: tool, impl: tools/trace.mjs }
    - { id: beta_node, kind: tool, impl: tools/trace.mjs }
  edges:
    - { from: alpha_node, to: beta_node }
`);
    const r = await runExperience(ws, [], { format: 'pretty' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alpha_node');
    expect(r.stdout).toContain('beta_node');
    expect(r.stdout).toMatch(/success/);
    expect(r.stdout).toContain('.openexpertise/runs/');
    expect(r.lines.filter((l) => 'msg' in l)).toEqual([]);
  });

  it('keeps every stdout line one JSON object when a tool prints, sending what it prints to stderr', async () => {
    const ws = experience(
      `
name: chatty
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: chatty, kind: tool, impl: tools/chatty.mjs }
`,
      { 'tools/chatty.mjs': `export default () => { console.log('progress: 50%'); process.stdout.write('raw line\\n'); console.info({ plain: 'object' }); return {}; };` },
    );
    const r = await runChecked(ws);
    expect(r.stdout).not.toContain('progress: 50%');
    expect(r.stderr).toContain('progress: 50%');
    expect(r.stderr).toContain('raw line');
  });

  it('records runtime.concurrency in run.started when --concurrency is not given, and the flag over it', async () => {
    const yaml = `
name: conc
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: only, kind: tool, impl: tools/trace.mjs }
runtime:
  concurrency: 3
`;
    const ws = experience(yaml);
    const a = await runChecked(ws);
    expect(eventsOf(a, 'run.started')[0]!.options.concurrency).toBe(3);
    const b = await runChecked(ws, ['--concurrency', '5']);
    expect(eventsOf(b, 'run.started')[0]!.options.concurrency).toBe(5);
  });
});
