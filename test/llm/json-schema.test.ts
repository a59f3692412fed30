// The full-schema check of a schema node's answer (issue #15 §2): @cfworker/json-schema, reported as
// one `<path>: <problem>` line per failing keyword.
import { describe, expect, it } from 'vitest';
import { jsonPath, validateJson, type JsonSchema } from '../../src/llm/validate-json.js';
import type { Json } from '../../src/util/canonical-json.js';

const cases: Array<[string, JsonSchema, Json, string[]]> = [
  ['accepts a matching string', { type: 'string' }, 'a', []],
  ['tells integer from number', { type: 'integer' }, 1.5, ['$: Instance type "number" is invalid. Expected "integer"']],
  ['reports enum misses', { enum: ['low', 'high'] }, 'mid', ['$: Instance does not match any of ["low","high"]']],
  ['checks string length in code points', { type: 'string', minLength: 2 }, '😀', ['$: String is too short (1 < 2)']],
  ['checks numeric bounds', { type: 'number', minimum: 0, exclusiveMaximum: 1 }, 1, ['$: 1 is greater than or equal to 1']],
  ['checks array sizes and items with paths', { type: 'array', maxItems: 1, items: { type: 'string' } }, ['a', 2], ['$: Array has too many items (2 > 1)', '$[1]: Instance type "number" is invalid. Expected "string"']],
  [
    'checks required and nested properties',
    { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'boolean' } } } }, required: ['a', 'c'] },
    { a: { b: 'yes' } },
    ['$: Instance does not have required property "c"', '$.a.b: Instance type "string" is invalid. Expected "boolean"'],
  ],
  ['names additional properties', { type: 'object', properties: { a: {} }, additionalProperties: false }, { a: 1, 'b c': 2 }, ['$: has property "b c", which is not allowed']],
  [
    'follows $ref into $defs',
    { type: 'object', $defs: { t: { type: 'string', minLength: 3 } }, properties: { x: { $ref: '#/$defs/t' } } },
    { x: 'ab' },
    ['$.x: String is too short (2 < 3)'],
  ],
  ['checks allOf', { allOf: [{ type: 'number' }, { maximum: 1 }] }, 2, ['$: 2 is greater than 1']],
  ['checks not as one line', { not: { type: 'null' } }, null, ['$: Instance matched "not" schema']],
  ['reports anyOf as one line, not each alternative', { anyOf: [{ type: 'string' }, { type: 'number' }] }, true, ['$: Instance does not match any subschemas']],
  ['treats false as rejecting everything', false, 1, ['$: no value is allowed here']],
  ['reads the draft from $schema', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['a'] }, {}, ['$: Instance does not have required property "a"']],
];

describe('validateJson', () => {
  it.each(cases)('%s', (_name, schema, value, errors) => {
    expect(validateJson(schema, value)).toEqual(errors);
  });
});

describe('jsonPath', () => {
  it('turns a JSON Pointer into a $-path', () => {
    expect(jsonPath('#')).toBe('$');
    expect(jsonPath('#/a/0/b c/x~1y')).toBe('$.a[0]["b c"]["x/y"]');
  });
});
