// Cost accounting from the one price table (src/llm/pricing.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, supportsForcedToolChoice } from '../../src/llm/models.js';
import { PRICES, addUsage, requestCostUsd } from '../../src/llm/pricing.js';

const zero = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe('requestCostUsd', () => {
  it('prices input, output, cache reads and 5m/1h cache writes per million tokens', () => {
    expect(requestCostUsd('claude-opus-5', { ...zero, inputTokens: 2_000_000, outputTokens: 1_000_000 })).toBe(10 + 25);
    expect(requestCostUsd('claude-opus-5', { ...zero, cacheReadTokens: 1_000_000, cacheWriteTokens: 2_000_000, cacheWrite1hTokens: 1_000_000 })).toBe(0.5 + 6.25 + 10);
  });

  it('prices dated snapshots like their model', () => {
    expect(requestCostUsd('claude-haiku-4-5-20251001', { ...zero, inputTokens: 1_000_000 })).toBe(1);
  });

  it('applies Haiku 5.5 long-prompt rates to the whole request past 100k prompt tokens', () => {
    expect(requestCostUsd('claude-haiku-5-5', { ...zero, inputTokens: 100_000, outputTokens: 1_000_000 })).toBeCloseTo(0.01 + 0.5, 9);
    expect(requestCostUsd('claude-haiku-5-5', { ...zero, inputTokens: 90_000, cacheReadTokens: 20_000, outputTokens: 1_000_000 })).toBeCloseTo(0.045 + 0.001 + 2.5, 9);
  });

  it('is null for a model without a price', () => {
    expect(requestCostUsd('claude-mythos-preview', { ...zero, inputTokens: 5 })).toBeNull();
  });

  it('has a price for the default model', () => {
    expect(PRICES[DEFAULT_MODEL]).toBeDefined();
  });
});

describe('addUsage', () => {
  it('sums tokens and cost, and a null cost makes the sum null', () => {
    const u = { inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4, model: 'm', costUsd: 0.1 };
    expect(addUsage(u, { ...u, costUsd: 0.2 })).toEqual({ inputTokens: 2, outputTokens: 4, cacheReadTokens: 6, cacheWriteTokens: 8, model: 'm', costUsd: 0.3 });
    expect(addUsage(u, { ...u, costUsd: null }).costUsd).toBeNull();
  });
});

describe('supportsForcedToolChoice', () => {
  it('is false for the models documented to reject forced tool use, true otherwise', () => {
    expect(supportsForcedToolChoice('claude-sonnet-5-5')).toBe(false);
    expect(supportsForcedToolChoice('claude-opus-5-5[1m]')).toBe(false);
    expect(supportsForcedToolChoice('claude-haiku-4-5-20251001')).toBe(true);
  });
});
