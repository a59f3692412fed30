// A worker's files against the coordinator's hash parts (issue #13 §2): every difference named.
import { describe, expect, it } from 'vitest';
import { partDifferences } from '../../src/executors/bullmq-files.js';

const parts = { definition: 'd', 'file.tools/a.mjs': 'aaaa', 'file.lib/b.mjs': 'bbbb', cacheVersion: 'c' };

describe('partDifferences', () => {
  it('agrees when every named file hashes the same', () => {
    expect(partDifferences(parts, { files: { 'tools/a.mjs': { hash: 'aaaa' }, 'lib/b.mjs': { hash: 'bbbb' } } })).toEqual([]);
  });

  it('names a changed, a missing, an extra and an unreadable file', () => {
    expect(partDifferences(parts, { files: { 'tools/a.mjs': { hash: 'zzzz' }, 'lib/c.mjs': { hash: 'cccc' }, 'lib/b.mjs': { unreadable: 'ENOENT' } } })).toEqual([
      'tools/a.mjs hashes zzzz here, aaaa on the coordinator',
      'lib/c.mjs is part of the node here but was not hashed by the coordinator',
      'lib/b.mjs cannot be read here (ENOENT)',
    ]);
    expect(partDifferences(parts, { files: { 'tools/a.mjs': { hash: 'aaaa' } } })).toEqual(['lib/b.mjs was hashed by the coordinator but is not part of the node here']);
  });

  it('names a model the coordinator did not hash', () => {
    const llm = { definition: 'd', 'file.p.md': 'pppp', model: 'mmmm' };
    expect(partDifferences(llm, { files: { 'p.md': { hash: 'pppp' } }, model: { name: 'claude-x', hash: 'mmmm' } })).toEqual([]);
    expect(partDifferences(llm, { files: { 'p.md': { hash: 'pppp' } }, model: { name: 'claude-y', hash: 'yyyy' } })[0]).toMatch(/would call model claude-y, not the model the coordinator hashed/);
    expect(partDifferences({ definition: 'd' }, { files: {}, model: { name: 'claude-y', hash: 'yyyy' } })).toEqual(['this worker would call model claude-y, but the coordinator hashed none']);
  });
});
