// The price table for LLM cost accounting (issues #4, #15): USD per million tokens, per model and
// provider. This is the only file to edit when a provider changes its prices. A model without a
// row costs `null` (unknown), never 0.
//
// Sources (stored copies, no live page reachable; checked 2026-11-21):
// - https://platform.claude.com/docs/en/about-claude/pricing ("Model pricing": base input, 5m and 1h
//   cache writes, cache hits, output) for Fable/Mythos 5 and 5.1, Opus 5, Opus 4.5–4.8, Opus 4/4.1.
// - The model pages https://platform.claude.com/docs/en/models/<model>/overview for Sonnet 5 and 5.5
//   ($2/$10, 5m write $2.50, 1h write $4) and Opus 5.5 / Haiku 5.5 input/output.
// - Opus 5.5 cache rates ($5/$8 writes, $0.20 hits), the Sonnet 5.5 cache-hit cut to $0.10 effective
//   2026-10-07, and Haiku 5.5's two prompt-length bands: public price-tracker release notes
//   (kurofune/claudit v1.8.2 and v1.9.2, TheKrush/PromptFuel v1.0.23), which agree with each other.
// - Sonnet 4/4.5/4.6 and Haiku 4.5: the same pricing page's earlier rows ($3/$15, $1/$5).
// - Fable 5.2 and Mythos 5.2 (released 2026-11-09, in @anthropic-ai/sdk 1.7.0's model list): $8 input,
//   $10 / $16 5m / 1h cache writes, $0.20 cache hits, $40 output (price-tracker release notes and
//   provider announcements, which agree; the stored pricing page predates them).
// - Dated snapshot ids (claude-sonnet-4-20250514, claude-opus-4-20250514, claude-opus-4-1-20250805,
//   claude-haiku-4-5-20251001, …) and the `-0` aliases are priced like their model (baseModelId).
// - Claude Mythos Preview (research preview, Project Glasswing): $25 input / $125 output as reported
//   at its announcement (2026-04-07; several reports agree, no stored Anthropic page lists it); its
//   cache rates follow the pricing page's standard multipliers (1.25× / 2× writes, 0.1× hits).
// - OpenAI (https://developers.openai.com/api/docs/pricing, via price-tracker notes of 2026-09-22 and
//   2026-09-29): gpt-6.1-sol $2 / $0.10 cached / $10 (above 272K prompt tokens $4 / $0.20 / $15),
//   gpt-6-sol $2 / $0.20 / $10, gpt-6-luna $0.10 / $0.01 / $0.50. OpenAI has no cache-write charge
//   on these models for oe's requests.
import { roundUsd } from '../log/usage.js';
import { baseModelId } from './models.js';

/** Rates of one model in USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cache writes with the default 5-minute TTL. */
  cacheWrite5m: number;
  /** Cache writes with the 1-hour TTL. */
  cacheWrite1h: number;
  /** Cache hits and refreshes. */
  cacheRead: number;
  /** Rates for a request whose prompt (input + cache reads + cache writes) exceeds `overTokens`. */
  longPrompt?: { overTokens: number } & Omit<ModelPrice, 'longPrompt'>;
}

const p = (input: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number, output: number): ModelPrice => ({
  input,
  output,
  cacheWrite5m,
  cacheWrite1h,
  cacheRead,
});

/** USD per million tokens, keyed by model id without a snapshot date (see baseModelId). */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-2': p(8, 10, 16, 0.2, 40),
  'claude-mythos-5-2': p(8, 10, 16, 0.2, 40),
  'claude-fable-5-1': p(10, 12.5, 20, 0.25, 50),
  'claude-mythos-5-1': p(10, 12.5, 20, 0.25, 50),
  'claude-fable-5': p(10, 12.5, 20, 1, 50),
  'claude-mythos-5': p(10, 12.5, 20, 1, 50),
  'claude-mythos-preview': p(25, 31.25, 50, 2.5, 125),
  'claude-opus-5-5': p(4, 5, 8, 0.2, 20),
  'claude-opus-5': p(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-8': p(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-7': p(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-6': p(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-5': p(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-1': p(15, 18.75, 30, 1.5, 75),
  'claude-opus-4-0': p(15, 18.75, 30, 1.5, 75),
  'claude-opus-4': p(15, 18.75, 30, 1.5, 75),
  'claude-sonnet-5-5': p(2, 2.5, 4, 0.1, 10),
  'claude-sonnet-5': p(2, 2.5, 4, 0.2, 10),
  'claude-sonnet-4-6': p(3, 3.75, 6, 0.3, 15),
  'claude-sonnet-4-5': p(3, 3.75, 6, 0.3, 15),
  'claude-sonnet-4-0': p(3, 3.75, 6, 0.3, 15),
  'claude-sonnet-4': p(3, 3.75, 6, 0.3, 15),
  'claude-haiku-5-5': {
    ...p(0.1, 0.125, 0.2, 0.01, 0.5),
    longPrompt: { overTokens: 100_000, ...p(0.5, 0.625, 1, 0.05, 2.5) },
  },
  'claude-haiku-4-5': p(1, 1.25, 2, 0.1, 5),
  // OpenAI: cached input as `cacheRead`; no cache-write charge.
  'gpt-6.1-sol': { ...p(2, 2, 2, 0.1, 10), longPrompt: { overTokens: 272_000, ...p(4, 4, 4, 0.2, 15) } },
  'gpt-6-sol': p(2, 2, 2, 0.2, 10),
  'gpt-6-luna': p(0.1, 0.1, 0.1, 0.01, 0.5),
};

/** The token counts of one response, as the Messages API reports them. */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** All cache-write tokens; split by TTL below when the API gives the split. */
  cacheWriteTokens: number;
  cacheWrite1hTokens?: number;
}

/** The price entry of a model, or undefined when the table has none. */
export function priceOf(model: string): ModelPrice | undefined {
  return PRICES[baseModelId(model)];
}

/**
 * Cost in USD of one request's tokens, or null when the model has no price. Cache writes without a TTL
 * split are priced at the 5-minute rate. A long-prompt band applies to every token of that request.
 */
export function requestCostUsd(model: string, t: TokenCounts): number | null {
  const base = priceOf(model);
  if (!base) return null;
  const prompt = t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens;
  const r = base.longPrompt && prompt > base.longPrompt.overTokens ? base.longPrompt : base;
  const write1h = Math.min(t.cacheWrite1hTokens ?? 0, t.cacheWriteTokens);
  const write5m = t.cacheWriteTokens - write1h;
  const micro =
    t.inputTokens * r.input + t.outputTokens * r.output + t.cacheReadTokens * r.cacheRead + write5m * r.cacheWrite5m + write1h * r.cacheWrite1h;
  return roundUsd(micro / 1_000_000);
}
