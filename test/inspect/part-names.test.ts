// Each input-hash part named in words (issue #9 §7), as --why and oe diff print them.
import { describe, expect, it } from 'vitest';
import type { NodeDef } from '../../src/experience/types.js';
import { compareParts, describePart } from '../../src/inspect/part-names.js';

const tool = { id: 'a', kind: 'tool', impl: 'tools/a.mjs', args: {}, reads: [], writes: [], on_error: { policy: 'fail_run' }, cache: true } as unknown as NodeDef;
const moved = { ...tool, impl: '../orig/tools/a.mjs' } as NodeDef;

describe('describePart (#9)', () => {
  it.each([
    ['file.impl', 'file tools/a.mjs'],
    ['module.lib/x.mjs', 'file tools/lib/x.mjs'],
    ['module.../shared/y.mjs', 'file shared/y.mjs'],
    ['files.data/x.json', 'file data/x.json'],
    ['env.API_REGION', 'env API_REGION'],
    ['pkg.@scope/pkg', 'package @scope/pkg'],
    ['file.tools/old.mjs', 'file tools/old.mjs'],
  ])('names %s as "%s" for a tool with impl tools/a.mjs', (part, text) => expect(describePart(part, tool)).toBe(text));

  it('names a role without its definition, and a module by its path from the impl', () => {
    expect(describePart('file.prompt')).toBe('prompt file');
    expect(describePart('module.lib/x.mjs')).toBe('module lib/x.mjs');
  });
});

describe('compareParts (#9)', () => {
  const before = { 'file.impl': 'f1', 'pkg.left-pad': '1.3.0 aaaa', 'pkg.gone': '2.0.0 bbbb', 'files.data/x.json': 'x1', 'env.API_REGION': 'e1', 'env.MODE': 'unset' };
  it('says what changed in words', () => {
    const now = { 'file.impl': 'f2', 'pkg.left-pad': '1.4.0 cccc', 'pkg.new': '0.1.0 dddd', 'files.data/x.json': 'x2', 'files.data/y.json': 'y1', 'env.API_REGION': 'e2', 'env.MODE': 'm1' };
    expect(compareParts(now, before, { now: tool, before: tool }).map((p) => p.text)).toEqual([
      'file tools/a.mjs changed',
      'file data/x.json changed',
      "file data/y.json is new (not in the prior run's inputs)",
      'env API_REGION changed',
      'env MODE changed (was unset)',
      'package gone is no longer imported',
      'package left-pad 1.3.0 → 1.4.0',
      "package new 0.1.0 is new (not in the prior run's inputs)",
    ]);
  });

  it('says when a package kept its version but not its integrity, or is no longer installed', () => {
    expect(compareParts({ 'pkg.left-pad': '1.3.0 ffff' }, { 'pkg.left-pad': '1.3.0 aaaa' }).map((p) => p.text)).toEqual(['package left-pad 1.3.0 changed (same version, another lockfile integrity)']);
    expect(compareParts({ 'pkg.left-pad': 'missing' }, { 'pkg.left-pad': '1.3.0 aaaa' }).map((p) => p.text)).toEqual(['package left-pad 1.3.0 → not installed']);
  });

  it('finds nothing when an experience moved: file parts are keyed by role, so the paths do not matter', () => {
    expect(compareParts({ 'file.impl': 'f1' }, { 'file.impl': 'f1' }, { now: moved, before: tool })).toEqual([]);
  });
});
