// The budget's arithmetic (issue #11 §6), in-process: spent + in flight + worst ≤ max, settle and
// release, the first refusal stops it for good; the worst case of a request at the model's price.
import { describe, expect, it } from 'vitest';
import { Budget, BudgetExceededError, BudgetUnboundedError, usd } from '../../src/engine/budget.js';
import { inputTokensUpperBound, worstCaseUsd } from '../../src/llm/budget-guard.js';

describe('Budget', () => {
  it('reserves while spent + in flight + worst fits, counting the chain spend before the run', () => {
    const b = new Budget(0.01, 0.002);
    const one = b.reserve('a', 0.004);
    const two = b.reserve('b', 0.004); // 0.002 + 0.004 + 0.004 = 0.010: exactly the cap
    expect(() => b.reserve('c', 0.000001)).toThrow(BudgetExceededError);
    expect(b.stop).toEqual({ nodeId: 'c', needUsd: 0.000001, spentUsd: 0.002, inFlightUsd: 0.008 });
    one.settle(0.001);
    two.release();
    expect(b.spentUsd).toBeCloseTo(0.003, 12);
    // Once refused, nothing more is let out, though it would fit now.
    expect(() => b.reserve('d', 0.0001)).toThrow(/node d: .*--max-cost budget of \$0\.01; it was not sent/);
  });

  it('settles or releases a reservation once', () => {
    const b = new Budget(1);
    const r = b.reserve('a', 0.5);
    r.settle(0.1);
    r.settle(0.1);
    r.release();
    expect(b.spentUsd).toBeCloseTo(0.1, 12);
  });

  it('formats amounts for people', () => {
    expect([usd(0), usd(0.003), usd(0.0123), usd(1.5), usd(12)]).toEqual(['$0', '$0.003', '$0.0123', '$1.50', '$12.00']);
  });
});

describe('worstCaseUsd', () => {
  it('prices every input token as a 1-hour cache write and max_tokens as output, in the long-prompt band past it', () => {
    expect(worstCaseUsd('n', 'claude-haiku-4-5', 1000, 1000)).toBeCloseTo(0.007, 9);
    // claude-haiku-5-5 is dearer over 100,000 prompt tokens: $1 / $2.5 per million.
    expect(worstCaseUsd('n', 'claude-haiku-5-5', 200_000, 1000)).toBeCloseTo(0.2 + 0.0025, 9);
  });

  it('refuses what it cannot bound: no max_tokens, an unpriced model', () => {
    expect(() => worstCaseUsd('n', 'claude-haiku-4-5', 10, 0)).toThrow(BudgetUnboundedError);
    expect(() => worstCaseUsd('n', 'my-local-model', 10, 100)).toThrow(/model my-local-model has no price/);
  });

  it('bounds input tokens by UTF-8 bytes when no count endpoint exists', () => {
    expect(inputTokensUpperBound({ messages: [{ role: 'user', content: 'héllo' }] })).toBe(Buffer.byteLength(JSON.stringify({ messages: [{ role: 'user', content: 'héllo' }] })));
  });
});
