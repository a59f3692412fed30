// The packages a tool reaches (issue #9 §1): found the way Node finds them from the importing file,
// named by package.json name and version, with the nearest npm lockfile's integrity.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackageResolver, packageName } from '../../src/nodes/packages.js';
import { tempDir } from '../helpers/cli.js';

function tree(files: Record<string, unknown>): string {
  const dir = realpathSync(tempDir());
  for (const [path, v] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof v === 'string' ? v : JSON.stringify(v));
  }
  return dir;
}
const pkg = (name: string, version: string, more: object = {}) => ({ name, version, main: 'index.js', ...more });
const lock = (packages: Record<string, object>) => ({ name: 'exp', lockfileVersion: 3, packages: { '': {}, ...packages } });

describe('packageName', () => {
  it.each([
    ['left-pad', 'left-pad'],
    ['left-pad/lib/x.js', 'left-pad'],
    ['@scope/pkg', '@scope/pkg'],
    ['@scope/pkg/sub', '@scope/pkg'],
  ])('%s → %s', (spec, name) => expect(packageName(spec)).toBe(name));
});

describe('PackageResolver', () => {
  it('names what a bare import reaches, with the integrity of package-lock.json', () => {
    const dir = tree({
      'node_modules/left-pad/package.json': pkg('left-pad', '1.3.0'),
      'node_modules/left-pad/index.js': 'module.exports = 1;',
      'package-lock.json': lock({ 'node_modules/left-pad': { version: '1.3.0', integrity: 'sha512-AAA' } }),
      'tools/a.mjs': '',
    });
    const c = new PackageResolver().closure([{ specifier: 'left-pad/index.js', from: join(dir, 'tools/a.mjs') }]);
    expect(c).toEqual({ packages: [{ name: 'left-pad', version: '1.3.0', integrity: 'sha512-AAA', dir: join(dir, 'node_modules/left-pad') }], missing: [] });
  });

  it('prefers the hidden lockfile node_modules/.package-lock.json, and takes the nearest node_modules', () => {
    const dir = tree({
      'node_modules/left-pad/package.json': pkg('left-pad', '1.0.0'),
      'node_modules/left-pad/index.js': '',
      'tools/node_modules/left-pad/package.json': pkg('left-pad', '1.4.0'),
      'tools/node_modules/left-pad/index.js': '',
      'tools/node_modules/.package-lock.json': lock({ 'node_modules/left-pad': { integrity: 'sha512-HIDDEN' } }),
      'tools/package-lock.json': lock({ 'node_modules/left-pad': { integrity: 'sha512-PROJECT' } }),
      'tools/a.mjs': '',
    });
    const [p] = new PackageResolver().closure([{ specifier: 'left-pad', from: join(dir, 'tools/a.mjs') }]).packages;
    expect(p).toMatchObject({ version: '1.4.0', integrity: 'sha512-HIDDEN' });
  });

  it('finds a package whose "exports" serve only import, and a scoped one; integrity null without a lockfile', () => {
    const dir = tree({
      'node_modules/@s/esm/package.json': { name: '@s/esm', version: '2.0.0', type: 'module', exports: { '.': { import: './index.mjs' } } },
      'node_modules/@s/esm/index.mjs': 'export default 1;',
      'a.mjs': '',
    });
    expect(new PackageResolver().closure([{ specifier: '@s/esm', from: join(dir, 'a.mjs') }]).packages).toEqual([{ name: '@s/esm', version: '2.0.0', integrity: null, dir: join(dir, 'node_modules/@s/esm') }]);
  });

  it('reaches the dependencies of a package, transitively, and names a package that is not installed', () => {
    const dir = tree({
      'node_modules/a/package.json': pkg('a', '1.0.0', { dependencies: { b: '^2' }, peerDependencies: { absent: '*' } }),
      'node_modules/a/index.js': '',
      'node_modules/b/package.json': pkg('b', '2.1.0', { dependencies: { c: '^3' } }),
      'node_modules/b/node_modules/c/package.json': pkg('c', '3.0.0'),
      'x.mjs': '',
    });
    const c = new PackageResolver().closure([
      { specifier: 'a', from: join(dir, 'x.mjs') },
      { specifier: 'nope', from: join(dir, 'x.mjs') },
    ]);
    expect(c.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['a@1.0.0', 'b@2.1.0', 'c@3.0.0']);
    expect(c.missing).toEqual(['nope']);
  });
});
