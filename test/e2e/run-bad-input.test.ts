// `oe run` on bad input (issue #2 "Bad input", SPEC §2.4, §3.3): every case exits with its code and
// a clear message naming the location or the value, prints no stack trace, and — for exit 2 — writes
// nothing under `.openexpertise/`. Run-time failures (a tool's bad result) are in run-errors.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { runOe } from '../helpers/cli.js';
import { runExperience, writeExperience, workspaceUntouched, type Workspace } from '../helpers/experience.js';

const made: Workspace[] = [];
afterEach(() => {
  for (const ws of made.splice(0)) ws.remove();
});

const TOOL = 'export default () => ({});\n';
const HEAD = `name: bad
version: 1.0.0
state:
  schema:
    a: { type: number }
graph:
  nodes:
`;

/** The text of oe's JSON stderr lines: each message, and each problem of a validation error. */
function stderrText(stderr: string): string {
  return stderr
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const o = JSON.parse(line) as { msg: string; problems?: string[] };
      return [o.msg, ...(o.problems ?? [])];
    })
    .join('\n');
}

/** Runs the experience with `args` and expects a refusal with `code` whose stderr contains every `expected` text. */
async function expectRefused(yaml: string, args: string[], code: number, expected: Array<string | RegExp>): Promise<string> {
  const ws = writeExperience(yaml, { 'tools/t.mjs': TOOL });
  made.push(ws);
  const r = await runExperience(ws, args);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).toBe('');
  const text = stderrText(r.stderr);
  for (const e of expected) {
    if (typeof e === 'string') expect(text).toContain(e);
    else expect(text).toMatch(e);
  }
  expect(workspaceUntouched(ws)).toBe(true);
  return text;
}

describe('oe run: an experience that does not validate exits 2 before writing anything', () => {
  it('reports malformed YAML with its line and column', async () => {
    await expectRefused(`${HEAD}    - { id: a, kind: tool\n`, [], 2, [/exp\/experience\.yaml:\d+:\d+: YAML: /]);
  });

  it('reports an unknown kind with a did-you-mean and the known kinds', async () => {
    await expectRefused(`${HEAD}    - { id: a, kind: toool, impl: tools/t.mjs }\n`, [], 2, ['exp/experience.yaml:8:', 'unknown kind "toool"', 'did you mean "tool"']);
  });

  it('reports an unknown key on a node with a did-you-mean', async () => {
    await expectRefused(`${HEAD}    - { id: a, kind: tool, impl: tools/t.mjs, wrtes: [a] }\n`, [], 2, ['exp/experience.yaml:8:', 'unknown key "wrtes"', 'did you mean "writes"']);
  });

  it('reports an unknown key far from any known one without a did-you-mean', async () => {
    const text = await expectRefused(`${HEAD}    - { id: a, kind: tool, impl: tools/t.mjs, colour_scheme: dark }\n`, [], 2, ['unknown key "colour_scheme"']);
    expect(text).not.toContain('did you mean');
  });

  it('reports a duplicate node id at its second declaration', async () => {
    await expectRefused(`${HEAD}    - { id: a, kind: tool, impl: tools/t.mjs }\n    - { id: a, kind: tool, impl: tools/t.mjs }\n`, [], 2, ['exp/experience.yaml:9:', 'duplicate node id "a"']);
  });

  it('reports an edge to a missing node, naming it', async () => {
    await expectRefused(`${HEAD}    - { id: a, kind: tool, impl: tools/t.mjs }\n  edges:\n    - { from: a, to: nowhere }\n`, [], 2, ['exp/experience.yaml:10:', '"nowhere"']);
  });

  it('reports a cycle, naming the nodes on it', async () => {
    const nodes = ['a', 'b', 'c'].map((id) => `    - { id: ${id}, kind: tool, impl: tools/t.mjs }`).join('\n');
    await expectRefused(`${HEAD}${nodes}\n  edges:\n    - { from: a, to: b }\n    - { from: b, to: c }\n    - { from: c, to: b }\n`, [], 2, [/exp\/experience\.yaml:\d+:\d+: cycle: b → c → b/]);
  });

  it('reports a missing impl file, naming the path', async () => {
    await expectRefused(`${HEAD}    - { id: a, kind: tool, impl: tools/missing.mjs }\n`, [], 2, ['exp/experience.yaml:8:', '"tools/missing.mjs" not found']);
  });

  it('reports reads and writes not declared in state.schema, every one at once', async () => {
    const text = await expectRefused(`${HEAD}    - { id: a, kind: tool, impl: tools/t.mjs, reads: [zz], writes: [b] }\n`, [], 2, ['2 problems found']);
    expect(text).toMatch(/exp\/experience\.yaml:8:\d+: node "a": reads "zz", which is not declared in state\.schema/);
    expect(text).toMatch(/exp\/experience\.yaml:8:\d+: node "a": writes "b", which is not declared in state\.schema/);
  });

  it('reports several different problems in one run', async () => {
    const yaml = `${HEAD}    - { id: a, kind: toool, impl: tools/t.mjs }\n    - { id: b, kind: tool, impl: tools/gone.mjs, writes: [nope] }\n  edges:\n    - { from: b, to: ghost }\n`;
    await expectRefused(yaml, [], 2, ['4 problems found', 'unknown kind "toool"', '"tools/gone.mjs" not found', 'writes "nope"', '"ghost"']);
  });
});

describe('oe run: bad flags and args exit 2 before writing anything', () => {
  const WITH_INPUTS = `name: args
version: 1.0.0
inputs:
  repo: { type: string, default: "." }
  strict: { type: boolean, default: false }
state:
  schema: {}
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/t.mjs }
`;

  it('refuses --args that is a JSON array', async () => {
    await expectRefused(WITH_INPUTS, ['--args', '[1]'], 2, ['--args must be a JSON object', 'not an array']);
  });

  it('refuses --args that is not JSON, quoting it', async () => {
    await expectRefused(WITH_INPUTS, ['--args', 'nope'], 2, ['--args is not valid JSON', '(got "nope")']);
  });

  it('refuses --args that is a JSON scalar', async () => {
    await expectRefused(WITH_INPUTS, ['--args', '42'], 2, ['--args must be a JSON object', 'not 42']);
  });

  it('refuses an arg of the wrong type, naming the arg and the value', async () => {
    await expectRefused(WITH_INPUTS, ['--args', '{"strict": "yes"}'], 2, ['<args>: arg "strict" must be a boolean, not "yes"']);
  });

  it('refuses an unknown arg with a did-you-mean and the declared inputs', async () => {
    await expectRefused(WITH_INPUTS, ['--args', '{"rep": "x"}'], 2, ['unknown arg "rep"', 'did you mean "repo"', 'declared inputs: repo, strict']);
  });

  it('refuses --concurrency 0', async () => {
    await expectRefused(WITH_INPUTS, ['--concurrency', '0'], 2, ['--concurrency must be a whole number of at least 1, not "0"']);
  });

  it('refuses a --concurrency that is not a whole number', async () => {
    await expectRefused(WITH_INPUTS, ['--concurrency', '2.5'], 2, ['--concurrency must be a whole number of at least 1, not "2.5"']);
  });

  it('refuses an unknown --log-format', async () => {
    const ws = writeExperience(WITH_INPUTS, { 'tools/t.mjs': TOOL });
    made.push(ws);
    const r = await runOe(['--log-format', 'xml', 'run', 'exp'], { cwd: ws.root });
    expect(r.code).toBe(2);
    expect(stderrText(r.stderr)).toContain('--log-format must be json or pretty, not "xml"');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(workspaceUntouched(ws)).toBe(true);
  });
});

describe('oe run: a missing experience exits 1', () => {
  it('names the path it did not find', async () => {
    const ws = writeExperience(HEAD);
    made.push(ws);
    const r = await runOe(['--log-format', 'json', 'run', 'elsewhere'], { cwd: ws.root });
    expect(r.code).toBe(1);
    expect(stderrText(r.stderr)).toContain('no experience at elsewhere');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(workspaceUntouched(ws)).toBe(true);
  });
});
