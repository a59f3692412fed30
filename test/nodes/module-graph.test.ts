// A tool's code is its impl, every local module it imports and the packages those import (SPEC
// §3.1, issue #9 §1), resolved from each importing file as Node does.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleGraph } from '../../src/nodes/module-graph.js';
import { tempDir } from '../helpers/cli.js';

function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
const rel = (dir: string, paths: string[]) => paths.map((p) => p.slice(dir.length + 1));

describe('moduleGraph', () => {
  it('follows static, dynamic and re-export relative imports transitively, and lists the packages each imports', async () => {
    const dir = tree({
      'tools/a.mjs': "import { b } from './lib/b.mjs';\nimport pino from 'pino';\nimport fs from 'node:fs';\nimport path from 'path';\nexport default async () => (await import('./lib/c.mjs')).c + b;",
      'tools/lib/b.mjs': "export * from './d.mjs';\nexport const b = 1;",
      'tools/lib/c.mjs': "import x from '@scope/pkg/sub';\nexport const c = 2;",
      'tools/lib/d.mjs': "import { b } from './b.mjs';\nexport const d = b;",
    });
    const g = (await moduleGraph(join(dir, 'tools/a.mjs')))!;
    expect(rel(dir, g.files)).toEqual(['tools/a.mjs', 'tools/lib/b.mjs', 'tools/lib/d.mjs', 'tools/lib/c.mjs']);
    expect(g.packages.map((p) => [p.specifier, rel(dir, [p.from])[0]])).toEqual([
      ['pino', 'tools/a.mjs'],
      ['@scope/pkg/sub', 'tools/lib/c.mjs'],
    ]);
    expect(g.mentionsIndex).toBe(false);
  });

  it('follows require() in CommonJS modules the way Node resolves it (no extension, a directory index)', async () => {
    const dir = tree({ 'tools/a.cjs': "const h = require('./h');\nconst u = require('./util');\nconst lp = require('left-pad');\nmodule.exports = async () => h;", 'tools/h.js': 'module.exports = 1;', 'tools/util/index.js': 'module.exports = 2;' });
    const g = (await moduleGraph(join(dir, 'tools/a.cjs')))!;
    expect(rel(dir, g.files)).toEqual(['tools/a.cjs', 'tools/h.js', 'tools/util/index.js']);
    expect(g.packages.map((p) => p.specifier)).toEqual(['left-pad']);
  });

  it('lists a relative import that does not resolve, and returns null for a missing entry', async () => {
    const dir = tree({ 'tools/a.mjs': "import x from './missing.mjs';" });
    expect(rel(dir, (await moduleGraph(join(dir, 'tools/a.mjs')))!.unresolved)).toEqual(['tools/missing.mjs']);
    expect(await moduleGraph(join(dir, 'tools/none.mjs'))).toBeNull();
  });

  it('#9: sees $index or ctx.iteration in the impl or any local module', async () => {
    const dir = tree({
      'a.mjs': "import './lib.mjs';\nexport default () => ({});",
      'lib.mjs': 'export const f = (input) => input.$index;',
      'b.mjs': 'export default (input, ctx) => ({ edge_output: ctx.iteration.index });',
      'c.mjs': 'export default (input) => ({ edge_output: input.$item });',
    });
    expect((await moduleGraph(join(dir, 'a.mjs')))!.mentionsIndex).toBe(true);
    expect((await moduleGraph(join(dir, 'b.mjs')))!.mentionsIndex).toBe(true);
    expect((await moduleGraph(join(dir, 'c.mjs')))!.mentionsIndex).toBe(false);
  });

  it('follows a package.json "imports" subpath that maps to a local file', async () => {
    const dir = tree({ 'package.json': JSON.stringify({ name: 'x', imports: { '#util': './lib/util.js' } }), 'tools/a.mjs': "import u from '#util';", 'lib/util.js': 'export default 1;' });
    expect(rel(dir, (await moduleGraph(join(dir, 'tools/a.mjs')))!.files)).toEqual(['tools/a.mjs', 'lib/util.js']);
  });
});
