// The input hash (SPEC §3.1): stable across key order, and sensitive to every part.
import { beforeAll, describe, expect, it } from 'vitest';
import { CACHE_VERSION, computeInputHash, createHasher, type Hasher, type HashInputs } from '../../src/engine/hash.js';

let h: Hasher;
beforeAll(async () => {
  h = await createHasher();
});

const base: HashInputs = {
  definition: { id: 'a', kind: 'tool', impl: 'tools/a.mjs' },
  args: { root: '.', depth: 2 },
  state: { licenses: ['MIT'] },
  edges: { scan: { files: 3 } },
  files: { 'tools/a.mjs': '0123456789abcdef' },
};

describe('computeInputHash', () => {
  it('is 16 hex digits of xxh64 and names every part', () => {
    const r = computeInputHash(h, base);
    expect(r.inputHash).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(r.hashParts).sort()).toEqual(['args', 'cacheVersion', 'definition', 'edge.scan', 'file.tools/a.mjs', 'state.licenses']);
    expect(CACHE_VERSION).toBe(1);
  });

  it('does not depend on object key order', () => {
    const reordered: HashInputs = { ...base, args: { depth: 2, root: '.' }, definition: { impl: 'tools/a.mjs', kind: 'tool', id: 'a' } };
    expect(computeInputHash(h, reordered).inputHash).toBe(computeInputHash(h, base).inputHash);
  });

  it.each([
    ['an arg', { ...base, args: { root: '..', depth: 2 } }, 'args'],
    ['a read field', { ...base, state: { licenses: ['MIT', 'ISC'] } }, 'state.licenses'],
    ['an edge input', { ...base, edges: { scan: { files: 4 } } }, 'edge.scan'],
    ['a file', { ...base, files: { 'tools/a.mjs': 'fedcba9876543210' } }, 'file.tools/a.mjs'],
    ['the definition', { ...base, definition: { id: 'a', kind: 'tool', impl: 'tools/b.mjs' } }, 'definition'],
    ['the model', { ...base, model: 'claude-x' }, 'model'],
    ['the item', { ...base, item: 1, index: 0 }, 'item'],
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
});
