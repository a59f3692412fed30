// Sums of LLM usage (issue #15): the one place that adds Usage values, for a node's requests, a
// unit's attempts and a run's totals. Rule: a missing or null cost makes a sum unknown (a node's
// `costUsd: null`) or marks a total `incomplete: true` — never a silent 0.
import type { Usage, UsageTotal } from './events.js';

/** USD rounded to 1e-9, so sums of floats log stably. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

const optionalSum = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);

/**
 * `a + b`, for the requests of one attempt or the attempts of one unit. Tokens add up; `costUsd`
 * is null when either is null; `raw` and `requestIds` are concatenated in order; the model, provider
 * and service tier are the later one's; `replayed` holds only when both were replayed.
 * `a` undefined returns `b`.
 */
export function addUsage(a: Usage | undefined, b: Usage): Usage {
  if (!a) return b;
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: (a.cacheReadTokens ?? 0) + (b.cacheReadTokens ?? 0),
    cacheWriteTokens: (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0),
    model: b.model,
    costUsd: a.costUsd === null || b.costUsd === null || a.costUsd === undefined || b.costUsd === undefined ? null : roundUsd(a.costUsd + b.costUsd),
  };
  const write1h = optionalSum(a.cacheWrite1hTokens, b.cacheWrite1hTokens);
  if (write1h !== undefined) sum.cacheWrite1hTokens = write1h;
  const thinking = optionalSum(a.thinkingTokens, b.thinkingTokens);
  if (thinking !== undefined) sum.thinkingTokens = thinking;
  const provider = b.provider ?? a.provider;
  if (provider !== undefined) sum.provider = provider;
  const tier = b.serviceTier ?? a.serviceTier;
  if (tier !== undefined) sum.serviceTier = tier;
  if (a.requestIds || b.requestIds) sum.requestIds = [...(a.requestIds ?? []), ...(b.requestIds ?? [])];
  if (a.requests !== undefined || b.requests !== undefined) sum.requests = (a.requests ?? 1) + (b.requests ?? 1);
  if (a.raw || b.raw) sum.raw = [...(a.raw ?? []), ...(b.raw ?? [])];
  if (a.replayed && b.replayed) sum.replayed = true;
  return sum;
}

/** An empty total. */
export function emptyTotal(): UsageTotal {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
}

/**
 * Adds `u` into `total` in place and returns it. A usage whose `costUsd` is null or missing adds its
 * tokens and marks the total `incomplete: true` (its known costs stay summed).
 */
export function addToTotal(total: UsageTotal, u: Usage): UsageTotal {
  total.inputTokens += u.inputTokens;
  total.outputTokens += u.outputTokens;
  total.cacheReadTokens += u.cacheReadTokens ?? 0;
  total.cacheWriteTokens += u.cacheWriteTokens ?? 0;
  if (typeof u.costUsd === 'number') total.costUsd = roundUsd(total.costUsd + u.costUsd);
  else total.incomplete = true;
  return total;
}

/** The total of `usages` (see addToTotal); undefined when there are none. */
export function usageTotal(usages: Iterable<Usage>): UsageTotal | undefined {
  let total: UsageTotal | undefined;
  for (const u of usages) total = addToTotal(total ?? emptyTotal(), u);
  return total;
}
