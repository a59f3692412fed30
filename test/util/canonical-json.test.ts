import { describe, expect, it } from 'vitest';
import { NotJsonError, canonicalJson, roundTrip } from '../../src/util/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  it.each([
    ['a function', { f: () => 1 }, '$.f is a function'],
    ['a BigInt', { n: 10n }, '$.n is a bigint'],
    ['NaN', { x: [NaN] }, '$.x[0] is NaN'],
    ['a Map', { m: new Map() }, '$.m is an instance of Map'],
  ])('refuses %s, naming where it is', (_what, value, message) => {
    expect(() => canonicalJson(value)).toThrow(NotJsonError);
    expect(() => canonicalJson(value)).toThrow(message);
  });
  it('refuses cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/circular/);
  });
  it('round-trips a value to its one shape', () => {
    expect(roundTrip({ d: new Date('2026-01-01T00:00:00Z'), b: 1 })).toEqual({ b: 1, d: '2026-01-01T00:00:00.000Z' });
  });
});
