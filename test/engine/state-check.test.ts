// Issue #10 §1: a node's state_delta is checked against its field's JSON Schema at run time.
import { describe, expect, it } from 'vitest';
import { checkResult } from '../../src/engine/node-result.js';
import { fieldJsonSchema, stateDeltaViolation } from '../../src/engine/state-check.js';
import type { NodeDef, StateField } from '../../src/experience/types.js';

const schema: Record<string, StateField> = {
  ideas: { type: 'array', merge: 'array_append', items: { $ref: '#/$defs/idea' }, $defs: { idea: { type: 'object', required: ['idea'], properties: { idea: { type: 'string' }, score: { type: 'number', minimum: 0 } } } } },
  level: { type: 'string', merge: 'last_wins', enum: ['low', 'high'] },
  free: { type: 'any', merge: 'last_wins' },
  nothing: { type: 'null', merge: 'last_wins' },
};

describe('stateDeltaViolation', () => {
  it('accepts values that match, and an array_append field takes one element or an array of them', () => {
    expect(stateDeltaViolation({ ideas: [{ idea: 'a' }, { idea: 'b', score: 1 }], level: 'low', free: 3, nothing: null }, schema)).toBeUndefined();
    expect(stateDeltaViolation({ ideas: { idea: 'one' } }, schema)).toBeUndefined();
  });

  it('names the field, the path inside it and what is wrong, through a $ref', () => {
    expect(stateDeltaViolation({ ideas: [{ idea: 'a' }, { score: -1 }] }, schema)).toEqual({
      field: 'ideas',
      message: 'ideas[1]: Instance does not have required property "idea".; ideas[1].score: -1 is less than 0.',
    });
    expect(stateDeltaViolation({ level: 'medium' }, schema)?.message).toMatch(/^level: Instance does not match any of \["low","high"\]/);
    expect(stateDeltaViolation({ nothing: 0 }, schema)?.message).toBe('nothing: Instance type "number" is invalid. Expected "null".');
  });

  it('the JSON Schema of a field leaves out merge, and type any', () => {
    expect(fieldJsonSchema({ type: 'any', merge: 'set_once', description: 'd', minLength: 1 })).toEqual({ description: 'd', minLength: 1 });
  });
});

describe('checkResult', () => {
  const node = { id: 'n', kind: 'tool', impl: 'x.mjs', reads: [], writes: ['ideas', 'level'], args: {}, on_error: { policy: 'fail_run' }, cache: true } as unknown as NodeDef;

  it('fails the node with the field and the violation', () => {
    expect(() => checkResult(node, { state_delta: { level: 'mid' } }, schema)).toThrow(
      expect.objectContaining({ name: 'NodeResultError', message: expect.stringMatching(/^node n wrote state field "level" that does not match its schema: level: Instance does not match any of/) }),
    );
  });
});
