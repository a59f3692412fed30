// Zero stale hits through the real CLI (issue #9, Tests): before and after each change, which nodes
// `oe resume` executes and how `inspect --why` and `oe diff` name the change. Packages live in a temp
// node_modules with a real package-lock.json; env vars reach the real process. The engine-level
// cases (items, stand-ins, --rerun, what only steers execution) are in-process in
// test/engine/resume-hash-parts.test.ts.
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOe, type OeResult } from '../helpers/cli.js';
import { expectValidLog, freshFixtures, lastLine, logPath, sorted, unitsWith, writeFiles, type Fixture, type Obj } from '../helpers/resume.js';

const fresh = freshFixtures();

/** `oe --log-format json …` in the workspace, with these env vars. */
const oe = (fx: Fixture, args: string[], env: Record<string, string | undefined> = {}): Promise<OeResult> => runOe(['--log-format', 'json', ...args], { cwd: fx.ws, env });

/** A run or resume that finished; its id, events and final state. */
function finished(fx: Fixture, r: OeResult, code = 0): { runId: string; events: Obj[]; finalState: Obj } {
  expect(r.code, r.stderr).toBe(code);
  const last = lastLine(r);
  const runId = last.runId as string;
  return { runId, events: expectValidLog(logPath(fx.ws, runId)), finalState: last.finalState as Obj };
}

const executed = (events: Obj[]): string[] => sorted(unitsWith(events, 'node.completed'));
const cached = (events: Obj[]): string[] => sorted(unitsWith(events, 'node.cached'));

const leftPad = (version: string, times: number): { [rel: string]: string } => ({
  'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version, main: 'index.js' }),
  'node_modules/left-pad/index.js': `module.exports = (n) => n * ${times};\n`,
  'package-lock.json': JSON.stringify({ name: 'exp', lockfileVersion: 3, packages: { '': {}, 'node_modules/left-pad': { version, integrity: `sha512-${version}` } } }),
});

describe('oe resume: the input hash covers what a result depends on (#9)', () => {
  it('a package upgrade, a declared file and a declared env var re-execute exactly their nodes; an undeclared file is out of reach', async () => {
    const fx = fresh({
      'experience.yaml': `name: parts
version: 1.0.0
state:
  schema:
    pad: {}
    plain: {}
    data: {}
    region: {}
    sneaky: {}
graph:
  nodes:
    - { id: pad, kind: tool, impl: tools/pad.mjs, writes: [pad] }
    - { id: plain, kind: tool, impl: tools/plain.mjs, writes: [plain] }
    - { id: data, kind: tool, impl: tools/data.mjs, files: [data/*.json], writes: [data] }
    - { id: region, kind: tool, impl: tools/region.mjs, env: [API_REGION], writes: [region] }
    - { id: sneaky, kind: tool, impl: tools/sneaky.mjs, writes: [sneaky] }
`,
      'tools/pad.mjs': "import pad from 'left-pad';\nexport default () => ({ state_delta: { pad: pad(2) } });\n",
      'tools/plain.mjs': 'export default () => ({ state_delta: { plain: 1 } });\n',
      'tools/data.mjs': "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport default (i, ctx) => ({ state_delta: { data: JSON.parse(readFileSync(join(ctx.experienceDir, 'data/x.json'), 'utf8')) } });\n",
      'tools/region.mjs': 'export default () => ({ state_delta: { region: process.env.API_REGION } });\n',
      'tools/sneaky.mjs': "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport default (i, ctx) => ({ state_delta: { sneaky: readFileSync(join(ctx.experienceDir, 'undeclared.txt'), 'utf8') } });\n",
      'data/x.json': '{"v":1}',
      'undeclared.txt': 'old',
      ...leftPad('1.3.0', 5),
    });
    const run = finished(fx, await oe(fx, ['run', 'exp'], { API_REGION: 'eu-north-42' }));
    expect(run.finalState).toEqual({ pad: 10, plain: 1, data: { v: 1 }, region: 'eu-north-42', sneaky: 'old' });
    // The env part is a digest: the value is in the log only where the tool itself returned it.
    expect(run.events.filter((e) => e.type === 'node.started').map((e) => JSON.stringify(e)).join('\n')).not.toContain('eu-north-42');
    expect(readFileSync(logPath(fx.ws, run.runId), 'utf8').split('eu-north-42')).toHaveLength(2);

    writeFiles(fx.exp, { ...leftPad('1.4.0', 10), 'data/x.json': '{"v":2}', 'undeclared.txt': 'new' });
    const res = finished(fx, await oe(fx, ['resume', run.runId], { API_REGION: 'us-south-7' }));
    expect(executed(res.events)).toEqual(['data', 'pad', 'region']);
    // Out of reach (docs/decisions.md): a file read without being declared; its node stays cached, stale.
    expect(cached(res.events)).toEqual(['plain', 'sneaky']);
    expect(res.finalState).toEqual({ pad: 20, plain: 1, data: { v: 2 }, region: 'us-south-7', sneaky: 'old' });

    const why = await oe(fx, ['inspect', res.runId, '--why', 'pad', '--json']);
    expect(why.code, why.stderr).toBe(0);
    const w = JSON.parse(why.stdout) as { verdict: string; parts: Array<{ text: string }> };
    expect(w.verdict).toBe('inputs-changed');
    expect(w.parts.map((p) => p.text)).toEqual(['package left-pad 1.3.0 → 1.4.0']);

    const diff = await oe(fx, ['diff', run.runId, res.runId, '--json']);
    expect(diff.code, diff.stderr).toBe(0);
    const d = JSON.parse(diff.stdout) as { nodes: Array<{ nodeId: string; parts: Array<{ text: string }> | null }> };
    const texts = Object.fromEntries(d.nodes.map((n) => [n.nodeId, (n.parts ?? []).map((p) => p.text)]));
    expect(texts).toEqual({ pad: ['package left-pad 1.3.0 → 1.4.0'], plain: [], data: ['file data/x.json changed'], region: ['env API_REGION changed'], sneaky: [] });
  });

  it('a moved experience and an edited copy elsewhere keep their hits; --no-reload without the tools folder restores what completed', async () => {
    const fx = fresh({
      'experience.yaml': `name: moves
version: 1.0.0
inputs:
  n: { type: integer, default: 2 }
state:
  schema:
    a: {}
    b: {}
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs, args: { n: $args.n }, writes: [a] }
    - { id: b, kind: tool, impl: tools/b.mjs, reads: [a], writes: [b] }
  edges:
    - { from: a, to: b }
`,
      'tools/a.mjs': "import { double } from './lib/double.mjs';\nexport default (i) => ({ state_delta: { a: double(i.n) } });\n",
      'tools/lib/double.mjs': 'export const double = (n) => n * 2;\n',
      'tools/b.mjs': 'export default (i) => ({ state_delta: { b: i._state.a + 1 } });\n',
    });
    const run = finished(fx, await oe(fx, ['run', 'exp']));
    expect(run.finalState).toEqual({ a: 4, b: 5 });

    renameSync(fx.exp, join(fx.ws, 'moved'));
    const moved = finished(fx, await oe(fx, ['resume', run.runId, '--experience', 'moved']));
    expect(executed(moved.events)).toEqual([]);
    expect(cached(moved.events)).toEqual(['a', 'b']);

    // An edited copy elsewhere whose nodes reach the same files: its own description and one more node.
    const yaml = `name: moves
description: an edited copy
version: 1.0.0
inputs:
  n: { type: integer, default: 2 }
state:
  schema:
    a: {}
    b: {}
    c: {}
graph:
  nodes:
    - { id: a, kind: tool, impl: ../moved/tools/a.mjs, args: { n: $args.n }, writes: [a], timeout: 1m }
    - { id: b, kind: tool, impl: ../moved/tools/b.mjs, reads: [a], writes: [b] }
    - { id: c, kind: tool, impl: c.mjs, reads: [a], writes: [c] }
  edges:
    - { from: a, to: b }
    - { from: a, to: c }
`;
    writeFiles(join(fx.ws, 'edited'), { 'experience.yaml': yaml, 'c.mjs': 'export default (i) => ({ state_delta: { c: -i._state.a } });\n' });
    const edited = finished(fx, await oe(fx, ['resume', moved.runId, '--experience', 'edited']));
    expect(executed(edited.events)).toEqual(['c']);
    expect(cached(edited.events)).toEqual(['a', 'b']);

    // The experience's tools are gone; the recorded definition and parts stand in for them.
    rmSync(join(fx.ws, 'moved/tools'), { recursive: true });
    const restored = finished(fx, await oe(fx, ['resume', run.runId, '--no-reload']));
    expect(cached(restored.events)).toEqual(['a', 'b']);
    expect(restored.finalState).toEqual({ a: 4, b: 5 });

    const needs = await oe(fx, ['resume', run.runId, '--no-reload', '--args', '{"n":3}']);
    const failed = finished(fx, needs, 1);
    const error = failed.events.find((e) => e.type === 'node.failed' && e.nodeId === 'a')!.error as { message: string };
    expect(error.message).toBe('node a needs tools/a.mjs, which is missing');
    expect(needs.stdout + needs.stderr).not.toContain('ENOENT');
  });

  it('inserting a for_each item executes that item; --rerun executes the named node and what its new output changes', async () => {
    const fx = fresh({
      'experience.yaml': `name: items
version: 1.0.0
inputs:
  items: { type: array, default: [a, b, c] }
state:
  schema:
    items: { type: array }
    reviews: { type: array, merge: array_append }
    stamp: {}
    after: {}
graph:
  nodes:
    - { id: review, kind: tool, impl: tools/review.mjs, writes: [reviews], for_each: { source: $.items } }
    - { id: stamp, kind: tool, impl: tools/stamp.mjs, writes: [stamp] }
    - { id: after, kind: tool, impl: tools/after.mjs, reads: [stamp], writes: [after] }
  edges:
    - { from: stamp, to: after }
`,
      'tools/review.mjs': 'export default (i) => ({ state_delta: { reviews: [`ok ${i.$item}`] } });\n',
      // A counter file it does not declare: each execution gives a new output.
      'tools/stamp.mjs': "import { existsSync, readFileSync, writeFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport default (i, ctx) => {\n  const f = join(ctx.experienceDir, 'count.txt');\n  const n = existsSync(f) ? Number(readFileSync(f, 'utf8')) + 1 : 1;\n  writeFileSync(f, String(n));\n  return { state_delta: { stamp: n } };\n};\n",
      'tools/after.mjs': 'export default (i) => ({ state_delta: { after: i._state.stamp * 100 } });\n',
    });
    const run = finished(fx, await oe(fx, ['run', 'exp']));
    expect(run.finalState).toMatchObject({ reviews: ['ok a', 'ok b', 'ok c'], stamp: 1, after: 100 });

    const inserted = finished(fx, await oe(fx, ['resume', run.runId, '--args', '{"items":["z","a","b","c"]}']));
    expect(unitsWith(inserted.events, 'node.completed')).toEqual(['review[0]', 'review']);
    expect(cached(inserted.events)).toEqual(['after', 'review[1]', 'review[2]', 'review[3]', 'stamp']);
    expect(inserted.finalState).toMatchObject({ reviews: ['ok z', 'ok a', 'ok b', 'ok c'] });

    const rerun = finished(fx, await oe(fx, ['resume', inserted.runId, '--rerun', 'stamp']));
    expect(executed(rerun.events)).toEqual(['after', 'stamp']);
    expect(rerun.finalState).toMatchObject({ stamp: 2, after: 200 });
    expect(rerun.events[0]!.options).toMatchObject({ rerun: ['stamp'] });

    const bad = await oe(fx, ['resume', run.runId, '--rerun', 'stampp']);
    expect(bad.code).toBe(2);
    const messages = bad.stderr.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain('--rerun names node "stampp", which is not in the experience (did you mean "stamp"?)');
  });
});
