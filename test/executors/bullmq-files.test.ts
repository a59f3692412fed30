// A worker's parts against the coordinator's hash parts (issue #13 §2 with issue #9's parts): every
// difference named the way `inspect --why` names it; the parts that travel with the task are ignored.
import { describe, expect, it } from 'vitest';
import { isContentPart, partDifferences } from '../../src/executors/bullmq-files.js';
import type { NodeDef } from '../../src/experience/types.js';

const node = { id: 'a', kind: 'tool', impl: 'tools/a.mjs' } as unknown as NodeDef;
const parts = { definition: 'd', args: 'x', 'file.impl': 'aaaa', 'module.lib/b.mjs': 'bbbb', 'pkg.left-pad': '1.3.0 cccc', cacheVersion: 'c' };
const local = (p: { [k: string]: string }) => ({ parts: p, code: {} });

describe('partDifferences', () => {
  it('agrees when every content part hashes the same; definition, args and the cache version travel with the task', () => {
    expect(partDifferences(parts, local({ 'file.impl': 'aaaa', 'module.lib/b.mjs': 'bbbb', 'pkg.left-pad': '1.3.0 cccc' }), node)).toEqual([]);
    expect(['definition', 'args', 'state.x', 'edge.p', 'item', 'cacheVersion'].filter(isContentPart)).toEqual([]);
    expect(['file.impl', 'module.x', 'files.d.json', 'env.A', 'pkg.p', 'model'].every(isContentPart)).toBe(true);
  });

  it('names a changed file, a new module, a package of another version and a module it no longer has', () => {
    const diffs = partDifferences(parts, local({ 'file.impl': 'zzzz', 'module.lib/c.mjs': 'cccc', 'pkg.left-pad': '1.4.0 dddd' }), node);
    expect(diffs).toEqual([
      'file tools/a.mjs changed here',
      expect.stringMatching(/^file tools\/lib\/b\.mjs was hashed by the coordinator but is not part of the node here$/),
      expect.stringMatching(/^file tools\/lib\/c\.mjs is part of the node here but was not hashed by the coordinator$/),
      'package left-pad 1.3.0 → 1.4.0 here',
    ]);
  });

  it('names a model the coordinator did not hash, and a file that cannot be read', () => {
    const llm = { definition: 'd', 'file.prompt': 'pppp', model: 'mmmm' };
    expect(partDifferences(llm, local({ 'file.prompt': 'pppp', model: 'mmmm' }))).toEqual([]);
    expect(partDifferences(llm, local({ 'file.prompt': 'pppp', model: 'yyyy' }))).toEqual([expect.stringMatching(/^model changed here \(give the coordinator and the workers the same --llm/)]);
    expect(partDifferences(llm, { parts: {}, code: {}, unreadable: 'node a: cannot read tools/a.mjs (EISDIR)' })).toEqual(['node a: cannot read tools/a.mjs (EISDIR)']);
  });
});
