// `oe run` end to end (issue #2 §5, §10): a single tool, the tool call shape (SPEC §2.3) in its real
// thread, module formats and paths, datasets, and the console formats. Every run is also checked
// against the invariants of test/helpers/experience.ts. The engine's graph logic — fan-out, fan-in,
// `when`, merges — is tested in-process in test/engine/run-graph.test.ts (issue #8 §6).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readEvents, runLogs, runOe } from '../helpers/cli.js';
import { eventsOf, freshExperiences, runChecked, runExperience } from '../helpers/experience.js';

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
