// Declared run-time inputs (issue #9 §2): `files:` globs and `env:` names, as validation checks them
// against a real directory (loadExperience, in-process), and the glob rules the engine shares.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globFilesSync, globMatches, globSyntaxError } from '../../src/experience/declared-inputs.js';
import { loadExperience } from '../../src/experience/load-experience.js';
import { ValidationError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/cli.js';

function experienceDir(node: string, files: Record<string, string> = {}): string {
  const dir = tempDir();
  const all = { 'tools/a.mjs': 'export default () => ({});', 'data/x.json': '{}', 'data/sub/y.json': '[]', 'data/.hidden.json': '{}', ...files };
  for (const [p, text] of Object.entries(all)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  writeFileSync(join(dir, 'experience.yaml'), `name: d\nversion: 1.0.0\nstate:\n  schema: {}\ngraph:\n  nodes:\n    - id: a\n      kind: tool\n      impl: tools/a.mjs\n${node}\n`);
  return dir;
}

async function problems(node: string): Promise<string[]> {
  const dir = experienceDir(node);
  try {
    await loadExperience('experience.yaml', dir);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
  }
}

describe('files: and env: on a node', () => {
  it('accepts globs that match, an optional glob that matches nothing, and env names', async () => {
    expect(await problems('      files: [data/*.json, "data/**", { glob: "cache/*.bin", optional: true }]\n      env: [API_REGION, _X1]')).toEqual([]);
    const l = await loadExperience('experience.yaml', experienceDir('      files: [data, { glob: "c/*", optional: true }]'));
    expect(l.experience.graph.nodes[0]!.files).toEqual(['data', { glob: 'c/*', optional: true }]);
  });

  it('reports a glob matching no file, where it is, and how to mark it optional', async () => {
    expect(await problems('      files: [data/*.csv]')).toEqual([
      '10:15: node "a": files[0] "data/*.csv" matches no file (globs are relative to ./); if that is expected, write { glob: "data/*.csv", optional: true }',
    ]);
  });

  it.each([
    ['      files: ["data/[x"]', /files\[0\]: "data\/\[x" is not a valid glob: Missing closing: "\]"/],
    ['      files: ["/etc/*"]', /files\[0\]: "\/etc\/\*" is an absolute path; globs are relative to the experience directory/],
    ['      files: ["!data/x.json"]', /is a negation/],
    ['      files: [{ glob: "data/{a" }]', /10:23: node "a": files\[0\]: "data\/\{a" is not a valid glob: Missing closing: "\}"/],
    ['      files: [{ path: data }]', /each files entry must be a glob string or \{ glob: "<glob>", optional: true \}/],
    ['      env: [API-REGION]', /each env entry must be an environment variable name such as API_REGION/],
  ])('rejects %s', async (node, message) => {
    const p = await problems(node);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(message);
  });
});

describe('the glob rules', () => {
  it('match files only, expand a directory, skip dot files, and reach outside the directory with ../', () => {
    const dir = experienceDir('', { '../outside-x/z.json': '1' });
    expect(globFilesSync(dir, 'data')).toEqual(['data/sub/y.json', 'data/x.json']);
    expect(globFilesSync(dir, 'data/*.json')).toEqual(['data/x.json']);
    expect(globFilesSync(dir, '**/*.json')).toEqual(['data/sub/y.json', 'data/x.json']);
    expect(globFilesSync(join(dir, 'data'), '../tools/*.mjs')).toEqual(['../tools/a.mjs']);
  });

  it('match a recorded path as the disk glob would (for stand-ins)', () => {
    expect(globMatches('data/x.json', 'data/*.json')).toBe(true);
    expect(globMatches('data/sub/y.json', 'data')).toBe(true);
    expect(globMatches('data/sub/y.json', './data/')).toBe(true);
    expect(globMatches('data/.h.json', 'data/*')).toBe(false);
    expect(globMatches('other/x.json', 'data/**')).toBe(false);
  });

  it('say what is wrong with a glob, or nothing', () => {
    expect(globSyntaxError('data/**/*.{json,csv}')).toBeUndefined();
    expect(globSyntaxError('a(b')).toMatch(/Missing closing: "\)"/);
  });
});
