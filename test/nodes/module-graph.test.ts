// A tool's code is its impl and every local module it imports (SPEC §3.1 "its own code").
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localModuleFiles } from '../../src/nodes/module-graph.js';
import { tempDir } from '../helpers/cli.js';

function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('localModuleFiles', () => {
  it('follows static, dynamic and re-export relative imports transitively, not packages', async () => {
    const dir = tree({
      'tools/a.mjs': "import { b } from './lib/b.mjs';\nimport pino from 'pino';\nexport default async () => (await import('./lib/c.mjs')).c + b;",
      'tools/lib/b.mjs': "export * from './d.mjs';\nexport const b = 1;",
      'tools/lib/c.mjs': 'export const c = 2;',
      'tools/lib/d.mjs': "import { b } from './b.mjs';\nexport const d = b;",
    });
    expect(await localModuleFiles(dir, 'tools/a.mjs')).toEqual(['tools/a.mjs', 'tools/lib/b.mjs', 'tools/lib/d.mjs', 'tools/lib/c.mjs']);
  });

  it('follows require() in CommonJS modules', async () => {
    const dir = tree({ 'tools/a.cjs': "const h = require('./h.cjs');\nmodule.exports = async () => h;", 'tools/h.cjs': 'module.exports = 1;' });
    expect(await localModuleFiles(dir, 'tools/a.cjs')).toEqual(['tools/a.cjs', 'tools/h.cjs']);
  });

  it('leaves out an import that does not resolve, and fails on a missing entry', async () => {
    const dir = tree({ 'tools/a.mjs': "import x from './missing.mjs';" });
    expect(await localModuleFiles(dir, 'tools/a.mjs')).toEqual(['tools/a.mjs']);
    await expect(localModuleFiles(dir, 'tools/none.mjs')).rejects.toThrow(/ENOENT/);
  });
});
