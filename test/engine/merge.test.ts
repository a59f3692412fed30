import { describe, expect, it } from 'vitest';
import { MergeConflictError, mergeDelta } from '../../src/engine/merge.js';
import type { StateField } from '../../src/experience/types.js';

const schema: Record<string, StateField> = {
  last: { type: 'any', merge: 'last_wins' },
  once: { type: 'any', merge: 'set_once' },
  list: { type: 'array', merge: 'array_append' },
};

describe('mergeDelta', () => {
  it('replaces last_wins fields', () => {
    expect(mergeDelta({ last: 1 }, { last: 2 }, schema)).toEqual({ last: 2 });
  });
  it('concatenates array_append fields and appends a single value as one element', () => {
    expect(mergeDelta({ list: [1] }, { list: [2, 3] }, schema)).toEqual({ list: [1, 2, 3] });
    expect(mergeDelta({ list: [1] }, { list: 4 }, schema)).toEqual({ list: [1, 4] });
    expect(mergeDelta({}, { list: [5] }, schema)).toEqual({ list: [5] });
  });
  it('sets a set_once field once, accepts the same value again, and refuses a different one', () => {
    expect(mergeDelta({}, { once: { a: 1 } }, schema)).toEqual({ once: { a: 1 } });
    expect(mergeDelta({ once: { a: 1 } }, { once: { a: 1 } }, schema)).toEqual({ once: { a: 1 } });
    expect(() => mergeDelta({ once: 1 }, { once: 2 }, schema)).toThrow(MergeConflictError);
  });
});
