// Cost accounting from the one price table (src/llm/pricing.ts) and the sums of usage (src/log/usage.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, MODELS, supportsForcedToolChoice } from '../../src/llm/models.js';
import { PRICES, requestCostUsd } from '../../src/llm/pricing.js';
import { addUsage, usageTotal } from '../../src/log/usage.js';

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

  it('#15: prices dated Sonnet/Opus 4 snapshot ids and the current Fable, which once cost $0', () => {
    expect(requestCostUsd('claude-sonnet-4-20250514', { ...zero, inputTokens: 1_000_000 })).toBe(3);
    expect(requestCostUsd('claude-opus-4-20250514', { ...zero, outputTokens: 1_000_000 })).toBe(75);
    expect(requestCostUsd('claude-opus-4-1-20250805', { ...zero, inputTokens: 1_000_000 })).toBe(15);
    expect(requestCostUsd('claude-fable-5-2', { ...zero, inputTokens: 1_000_000, cacheReadTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(8 + 0.2 + 40);
  });

  it('#15: prices every model id of @anthropic-ai/sdk 1.11.0 (its Model type) and the dated Claude 4 snapshots', () => {
    const ids = [
      'claude-fable-5-2', 'claude-mythos-5-2', 'claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-fable-5-1', 'claude-opus-5-5', 'claude-mythos-5-1',
      'claude-sonnet-5', 'claude-fable-5', 'claude-mythos-5', 'claude-opus-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-mythos-preview',
      'claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-5', 'claude-opus-4-5-20251101',
      'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-20250514', 'claude-opus-4-20250514', 'claude-opus-4-1-20250805', 'claude-sonnet-4-0', 'claude-opus-4-0',
    ];
    expect(ids.filter((id) => requestCostUsd(id, { ...zero, inputTokens: 1 }) === null)).toEqual([]);
  });

  it('#15: has a price for every model of the model table', () => {
    expect(Object.keys(MODELS).filter((m) => PRICES[m] === undefined)).toEqual([]);
  });

  it('is null for a model without a price', () => {
    expect(requestCostUsd('claude-next-preview', { ...zero, inputTokens: 5 })).toBeNull();
  });

  it('has a price for the default model', () => {
    expect(PRICES[DEFAULT_MODEL]).toBeDefined();
  });
});

describe('addUsage and usageTotal (src/log/usage.ts)', () => {
  const u = { inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4, model: 'm', costUsd: 0.1 };
  it('sums tokens and cost, and a null cost makes the sum null', () => {
    expect(addUsage(u, { ...u, costUsd: 0.2 })).toEqual({ inputTokens: 2, outputTokens: 4, cacheReadTokens: 6, cacheWriteTokens: 8, model: 'm', costUsd: 0.3 });
    expect(addUsage(u, { ...u, costUsd: null }).costUsd).toBeNull();
  });

  it('concatenates raw usage and request ids, and keeps replayed only when both were', () => {
    const a = { ...u, raw: [{ input_tokens: 1 }], requestIds: ['r1'], requests: 1, replayed: true as const };
    expect(addUsage(a, { ...u, raw: [{ input_tokens: 2 }], requestIds: ['r2'], requests: 1, replayed: true })).toMatchObject({ raw: [{ input_tokens: 1 }, { input_tokens: 2 }], requestIds: ['r1', 'r2'], requests: 2, replayed: true });
    expect(addUsage(a, u).replayed).toBeUndefined();
  });

  it('marks a total incomplete when any usage has no price, never a silent 0', () => {
    expect(usageTotal([u, { ...u, costUsd: 0.2 }])).toEqual({ inputTokens: 2, outputTokens: 4, cacheReadTokens: 6, cacheWriteTokens: 8, costUsd: 0.3 });
    expect(usageTotal([u, { ...u, costUsd: null }])).toEqual({ inputTokens: 2, outputTokens: 4, cacheReadTokens: 6, cacheWriteTokens: 8, costUsd: 0.1, incomplete: true });
    expect(usageTotal([])).toBeUndefined();
  });
});

describe('supportsForcedToolChoice', () => {
  it('is false for the models documented to reject forced tool use, true otherwise', () => {
    expect(supportsForcedToolChoice('claude-sonnet-5-5')).toBe(false);
    expect(supportsForcedToolChoice('claude-opus-5-5[1m]')).toBe(false);
    expect(supportsForcedToolChoice('claude-haiku-4-5-20251001')).toBe(true);
  });
});
