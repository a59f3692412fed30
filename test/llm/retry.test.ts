// The retry policy reproduces @anthropic-ai/sdk 1.11.0's (client.ts shouldRetry / retryRequest).
import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryWaitMs } from '../../src/llm/retry.js';

const h = (o: Record<string, string>) => new Headers(o);
const now = () => Date.parse('2026-11-21T00:00:00Z');

describe('isRetryableStatus', () => {
  it.each([
    [408, true],
    [409, true],
    [429, true],
    [500, true],
    [529, true],
    [400, false],
    [401, false],
    [404, false],
  ])('%i → %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  it('obeys x-should-retry either way', () => {
    expect(isRetryableStatus(400, h({ 'x-should-retry': 'true' }))).toBe(true);
    expect(isRetryableStatus(503, h({ 'x-should-retry': 'false' }))).toBe(false);
  });
});

describe('retryWaitMs', () => {
  it('uses retry-after-ms first, then retry-after seconds', () => {
    expect(retryWaitMs(h({ 'retry-after-ms': '250', 'retry-after': '9' }), 2, 2, now)).toBe(250);
    expect(retryWaitMs(h({ 'retry-after': '1.5' }), 2, 2, now)).toBe(1500);
  });

  it('reads retry-after as an HTTP date', () => {
    expect(retryWaitMs(h({ 'retry-after': 'Sat, 21 Nov 2026 00:00:03 GMT' }), 2, 2, now)).toBe(3000);
  });

  it('falls back to exponential backoff with up to 25% jitter for missing, zero, past or huge values', () => {
    const noJitter = () => 0;
    const fullJitter = () => 1;
    expect(retryWaitMs(undefined, 2, 2, now, noJitter)).toBe(500);
    expect(retryWaitMs(undefined, 1, 2, now, noJitter)).toBe(1000);
    expect(retryWaitMs(undefined, 1, 10, now, noJitter)).toBe(8000); // capped at 8 s
    expect(retryWaitMs(h({ 'retry-after': '0' }), 2, 2, now, fullJitter)).toBe(375);
    expect(retryWaitMs(h({ 'retry-after': 'Fri, 20 Nov 2026 00:00:00 GMT' }), 2, 2, now, noJitter)).toBe(500);
    expect(retryWaitMs(h({ 'retry-after-ms': String(2 ** 31) }), 2, 2, now, noJitter)).toBe(500);
  });
});
