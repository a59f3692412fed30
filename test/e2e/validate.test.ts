// `oe validate` and `oe schema` through the real CLI (SPEC §2.4, §3.3): every bad input exits 2 with
// file:line:col problems, no stack trace, and nothing written to the workspace.
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runOe, tempDir } from '../helpers/cli.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/experiences');

/** A temp cwd holding a copy of one fixture experience under its own name. */
function workspaceWith(kind: 'valid' | 'invalid', name: string): string {
  const cwd = tempDir('oe-validate-');
  cpSync(join(FIXTURES, kind, name), join(cwd, name), { recursive: true });
  return cwd;
}

/** The problems main.ts printed on stderr in json format (one JSON line with `problems`). */
function problemsOf(stderr: string): string[] {
  const line = stderr.split('\n').find((l) => l.includes('"problems"'));
  expect(line, `stderr has no problems line:\n${stderr}`).toBeDefined();
  return (JSON.parse(line!) as { problems: string[] }).problems;
}

describe('oe validate: invalid experiences exit 2 with file:line:col and write nothing', () => {
  it.each([
    ['malformed-yaml', ['malformed-yaml/experience.yaml:6:1: YAML: Flow map in block collection must be sufficiently indented and end with a }']],
    ['unknown-kind', ['unknown-kind/experience.yaml:9:13: node "fetch" has unknown kind "tol" (did you mean "tool"?); kinds are tool, agent, skill, dataset, cli-agent, experience, gate']],
    ['unknown-node-key', ['unknown-node-key/experience.yaml:11:7: node "fetch": unknown key "wirtes" (did you mean "writes"?)']],
    ['duplicate-id', ['duplicate-id/experience.yaml:9:13: duplicate node id "ask" (first declared as graph.nodes[0])']],
    ['edge-missing-node', ['edge-missing-node/experience.yaml:10:26: edge first → secnd: to names no node: "secnd" (did you mean "second"?)']],
    ['cycle', ['cycle/experience.yaml:13:7: cycle: a → b → c → a']],
    ['missing-impl', ['missing-impl/experience.yaml:10:13: node "fetch": impl file "tools/fetch.mjs" not found (paths are relative to missing-impl/)']],
    [
      'undeclared-state',
      [
        'undeclared-state/experience.yaml:11:15: node "summarize": reads "findings", which is not declared in state.schema',
        'undeclared-state/experience.yaml:12:16: node "summarize": writes "reprot", which is not declared in state.schema (did you mean "report"?)',
      ],
    ],
  ])('%s', async (name, expected) => {
    const cwd = workspaceWith('invalid', name);
    const r = await runOe(['validate', name], { cwd });
    expect(r.code).toBe(2);
    expect(problemsOf(r.stderr)).toEqual(expected);
    expect(r.stderr).not.toContain('    at ');
    expect(r.stdout).toBe('');
    expect(existsSync(join(cwd, '.openexpertise'))).toBe(false);
  });

  it('reports every problem at once, in file order', async () => {
    const cwd = workspaceWith('invalid', 'many-problems');
    const r = await runOe(['validate', 'many-problems/experience.yaml'], { cwd });
    expect(r.code).toBe(2);
    const problems = problemsOf(r.stderr);
    expect(problems).toHaveLength(8);
    expect(problems.map((p) => p.split(':').slice(1, 3).map(Number))).toEqual([
      [3, 1],
      [9, 22],
      [10, 34],
      [10, 58],
      [10, 62],
      [11, 13],
      [13, 22],
      [13, 46],
    ]);
    expect(existsSync(join(cwd, '.openexpertise'))).toBe(false);
  });

  it('prints file:line:col lines for people in pretty format', async () => {
    const cwd = workspaceWith('invalid', 'cycle');
    const r = await runOe(['--log-format', 'pretty', 'validate', 'cycle'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cycle/experience.yaml:13:7: cycle: a → b → c → a');
    expect(r.stderr).not.toContain('    at ');
  });

  it('exits 1 when there is no experience at the path', async () => {
    const cwd = tempDir('oe-validate-');
    const r = await runOe(['validate', 'nowhere'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nowhere');
    expect(r.stderr).not.toContain('    at ');
  });

  it('exits 1 for a directory without experience.yaml', async () => {
    const cwd = tempDir('oe-validate-');
    writeFileSync(join(cwd, 'README.md'), '# not an experience\n');
    const r = await runOe(['validate'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('experience.yaml');
  });
});

describe('oe validate: a valid experience', () => {
  it('exits 0 with one "valid" JSON line naming the experience', async () => {
    const cwd = workspaceWith('valid', 'release-gates');
    const r = await runOe(['validate', 'release-gates'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([expect.objectContaining({ msg: 'valid', name: 'release-gates', version: '1.0.0', nodes: 3, file: 'release-gates/experience.yaml' })]);
    expect(existsSync(join(cwd, '.openexpertise'))).toBe(false);
  });

  it('validates the current directory by default, with a pretty line for people', async () => {
    const cwd = workspaceWith('valid', 'release-gates');
    const r = await runOe(['--log-format', 'pretty', 'validate'], { cwd: join(cwd, 'release-gates') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ experience.yaml: release-gates@1.0.0, 3 nodes');
  });
});

describe('oe schema', () => {
  it('prints the JSON Schema of experience.yaml', async () => {
    const r = await runOe(['schema'], { cwd: tempDir('oe-schema-') });
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { $schema: string; required: string[]; properties: Record<string, { description?: string }> };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'version', 'state', 'graph']));
    expect(schema.properties.graph?.description).toBeTruthy();
    expect(r.stdout).toContain('"cli-agent"');
  });
});
