import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/experience/duration.js';

describe('parseDuration', () => {
  it.each([
    [500, 500],
    [0, 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['250', 250],
  ])('parses %j as %i ms', (v, ms) => {
    expect(parseDuration(v)).toBe(ms);
  });

  it.each([-1, Number.NaN, Infinity, '5 parsecs', '5d', '', 's', '-3s', null, undefined, {}, true])('rejects %j', (v) => {
    expect(parseDuration(v)).toBeNull();
  });
});
