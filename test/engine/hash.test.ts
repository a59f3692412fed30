// The input hash (SPEC §3.1, docs/decisions.md "The input hash"): stable across key order, and
// sensitive to every part.
import { beforeAll, describe, expect, it } from 'vitest';
import { CACHE_VERSION, computeInputHash, createHasher, packageParts, type Hasher, type HashInputs } from '../../src/engine/hash.js';
import { parsePackagePart } from '../../src/log/hash-parts.js';

let h: Hasher;
beforeAll(async () => {
  h = await createHasher();
});

const base: HashInputs = {
  definition: { id: 'a', kind: 'tool' },
  args: { root: '.', depth: 2 },
  state: { licenses: ['MIT'] },
  edges: { scan: { files: 3 } },
  files: { impl: '0123456789abcdef' },
  modules: { 'lib/x.mjs': '1111111111111111' },
  declared: { 'data/x.json': '2222222222222222' },
  env: { API_REGION: '3333333333333333' },
  packages: { 'left-pad': '1.3.0 4444444444444444' },
};

describe('computeInputHash', () => {
  it('is 16 hex digits of xxh64 and names every part', () => {
    const r = computeInputHash(h, base);
    expect(r.inputHash).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(r.hashParts).sort()).toEqual(
      ['args', 'cacheVersion', 'definition', 'edge.scan', 'env.API_REGION', 'file.impl', 'files.data/x.json', 'module.lib/x.mjs', 'pkg.left-pad', 'state.licenses'].sort(),
    );
    expect(r.hashParts['pkg.left-pad']).toBe('1.3.0 4444444444444444');
    expect(CACHE_VERSION).toBe(2);
  });

  it('does not depend on object key order', () => {
    const reordered: HashInputs = { ...base, args: { depth: 2, root: '.' }, definition: { kind: 'tool', id: 'a' } };
    expect(computeInputHash(h, reordered).inputHash).toBe(computeInputHash(h, base).inputHash);
  });

  it.each([
    ['an arg', { ...base, args: { root: '..', depth: 2 } }, 'args'],
    ['a read field', { ...base, state: { licenses: ['MIT', 'ISC'] } }, 'state.licenses'],
    ['an edge input', { ...base, edges: { scan: { files: 4 } } }, 'edge.scan'],
    ['a file', { ...base, files: { impl: 'fedcba9876543210' } }, 'file.impl'],
    ['a local module', { ...base, modules: { 'lib/x.mjs': '9999999999999999' } }, 'module.lib/x.mjs'],
    ['a declared file', { ...base, declared: { 'data/x.json': '9999999999999999' } }, 'files.data/x.json'],
    ['a declared env var', { ...base, env: { API_REGION: '9999999999999999' } }, 'env.API_REGION'],
    ['a package', { ...base, packages: { 'left-pad': '1.4.0 9999999999999999' } }, 'pkg.left-pad'],
    ['the definition', { ...base, definition: { id: 'a', kind: 'skill' } }, 'definition'],
    ['the model', { ...base, model: 'claude-x' }, 'model'],
    ['the item', { ...base, item: 1 }, 'item'],
  ] as const)('changes when %s changes, and names that part', (_what, changed, part) => {
    const a = computeInputHash(h, base);
    const b = computeInputHash(h, changed as HashInputs);
    expect(b.inputHash).not.toBe(a.inputHash);
    expect(b.hashParts[part]).not.toBe(a.hashParts[part]);
  });

  it('tells an unset read field from a null one', () => {
    const unset = computeInputHash(h, { ...base, state: { licenses: undefined } });
    const nul = computeInputHash(h, { ...base, state: { licenses: null } });
    expect(unset.inputHash).not.toBe(nul.inputHash);
  });

  it('#9: an item is keyed by its content; the index is a part only when given', () => {
    const at0 = computeInputHash(h, { ...base, item: 'x' });
    expect(at0.hashParts.index).toBeUndefined();
    const seen = computeInputHash(h, { ...base, item: 'x', index: 0 });
    expect(seen.hashParts.index).toBeDefined();
    expect(computeInputHash(h, { ...base, item: 'x', index: 1 }).inputHash).not.toBe(seen.inputHash);
  });
});

describe('packageParts', () => {
  it('names each package once with its versions, whatever the order they were found in', () => {
    const a = { name: 'left-pad', version: '1.3.0', integrity: 'sha512-a' };
    const b = { name: 'left-pad', version: '2.0.0', integrity: null };
    const c = { name: '@s/x', version: '0.1.0', integrity: null };
    const one = packageParts(h, [a, b, c], ['gone']);
    expect(one).toEqual(packageParts(h, [c, b, a], ['gone']));
    expect(parsePackagePart(one['left-pad']!)).toEqual({ versions: '1.3.0,2.0.0' });
    expect(one.gone).toBe('missing');
    expect(parsePackagePart(one.gone!)).toBeNull();
  });

  it('changes when only the lockfile integrity changes', () => {
    const p = (integrity: string) => packageParts(h, [{ name: 'left-pad', version: '1.3.0', integrity }], [])['left-pad'];
    expect(p('sha512-a')).not.toBe(p('sha512-b'));
  });
});
