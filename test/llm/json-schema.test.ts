// The JSON Schema subset validator that checks a schema node's tool input.
import { describe, expect, it } from 'vitest';
import { validateJson, type JsonSchema } from '../../src/llm/json-schema.js';
import type { Json } from '../../src/util/canonical-json.js';

const cases: Array<[string, JsonSchema, Json, string[]]> = [
  ['accepts a matching string', { type: 'string' }, 'a', []],
  ['tells integer from number', { type: 'integer' }, 1.5, ['$: must be integer (got number)']],
  ['accepts an integer as a number', { type: 'number' }, 3, []],
  ['takes a list of types', { type: ['string', 'null'] }, null, []],
  ['checks enum by value', { enum: [{ a: 1 }, 'x'] }, { a: 1 }, []],
  ['reports enum misses', { enum: ['low', 'high'] }, 'mid', ['$: must be one of "low", "high" (got "mid")']],
  ['checks const', { const: 3 }, 4, ['$: must be 3 (got 4)']],
  ['checks string length in code points', { type: 'string', minLength: 2, maxLength: 3 }, '😀', ['$: must have at least 2 characters (got 1)']],
  ['checks pattern', { type: 'string', pattern: '^[a-z]+$' }, 'A1', ['$: must match /^[a-z]+$/ (got "A1")']],
  ['checks numeric bounds', { type: 'number', minimum: 0, exclusiveMaximum: 1 }, 1, ['$: must be < 1 (got 1)']],
  ['checks multipleOf', { type: 'number', multipleOf: 0.5 }, 1.25, ['$: must be a multiple of 0.5 (got 1.25)']],
  ['checks array sizes', { type: 'array', minItems: 1, maxItems: 2 }, [], ['$: must have at least 1 items (got 0)']],
  ['checks uniqueItems', { type: 'array', uniqueItems: true }, [1, { a: 1 }, { a: 1 }], ['$[2]: duplicates item 1 (items must be unique)']],
  ['checks items with paths', { type: 'array', items: { type: 'string' } }, ['a', 2], ['$[1]: must be string (got integer)']],
  [
    'checks required and nested properties',
    { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'boolean' } } } }, required: ['a', 'c'] },
    { a: { b: 'yes' } },
    ['$: is missing required property "c"', '$.a.b: must be boolean (got string)'],
  ],
  [
    'rejects additional properties when false',
    { type: 'object', properties: { a: {} }, additionalProperties: false },
    { a: 1, 'b c': 2 },
    ['$: has property "b c", which is not allowed (allowed: a)'],
  ],
  ['validates additional properties against a schema', { type: 'object', additionalProperties: { type: 'number' } }, { 'x-y': 'no' }, ['$["x-y"]: must be number (got string)']],
  ['passes anyOf when one alternative matches', { anyOf: [{ type: 'string' }, { type: 'number' }] }, 2, []],
  ['fails oneOf when two alternatives match', { oneOf: [{ type: 'number' }, { minimum: 0 }] }, 2, ['$: must match exactly one of 2 alternatives (oneOf), matches 2']],
  ['checks allOf', { allOf: [{ type: 'number' }, { maximum: 1 }] }, 2, ['$: must be <= 1 (got 2)']],
  ['checks not', { not: { type: 'null' } }, null, ['$: must not match the "not" schema']],
  ['ignores annotations', { type: 'string', description: 'd', title: 't', format: 'email', default: 'x' }, 'not an email', []],
  ['reports unsupported keywords instead of skipping them', { $ref: '#/$defs/x' }, 1, ['$: the schema keyword "$ref" is not supported by oe\'s validator']],
  ['treats false as rejecting everything', false, 1, ['$: no value is allowed here']],
];

describe('validateJson', () => {
  it.each(cases)('%s', (_name, schema, value, errors) => {
    expect(validateJson(schema, value)).toEqual(errors);
  });
});
