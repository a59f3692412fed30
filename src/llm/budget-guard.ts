// Holds an LLM request to the run's budget (issue #11 §6, engine/budget.ts): before a request is
// sent, its worst case — its input tokens as the API counts them plus its full `max_tokens`, at the
// model's highest per-token rates — is reserved; after it, the actual cost replaces the reservation.
// Replayed answers (`--replay`) cost nothing and are never held.
import { BudgetUnboundedError, type Reservation } from '../engine/budget.js';
import type { CallContext } from './complete.js';
import { requestCostUsd } from './pricing.js';

/**
 * The worst-case cost (USD) of a request of `inputTokens` input tokens that may answer with
 * `maxTokens`: every input token at the model's highest input rate (a 1-hour cache write), every
 * output token at its output rate, in the long-prompt band when the prompt reaches it. Pure.
 * @throws {BudgetUnboundedError} for a model without a price, or no `max_tokens`.
 */
export function worstCaseUsd(nodeId: string, model: string, inputTokens: number, maxTokens: number | undefined): number {
  if (!maxTokens || maxTokens <= 0) throw new BudgetUnboundedError(`node ${nodeId}: under --max-cost every LLM node needs max_tokens, so its worst case is bounded; set max_tokens on the node`);
  const usd = requestCostUsd(model, { inputTokens: 0, outputTokens: maxTokens, cacheReadTokens: 0, cacheWriteTokens: inputTokens, cacheWrite1hTokens: inputTokens });
  if (usd === null) throw new BudgetUnboundedError(`node ${nodeId}: model ${model} has no price in oe's table (src/llm/pricing.ts), so --max-cost cannot bound its requests`);
  return usd;
}

/**
 * Sends a request within the budget, if the run has one: reserves `worstCase()`, sends, settles
 * with the reply's cost (its worst case when the reply has no price). A request that fails gives
 * its reservation back (the API does not charge failed requests).
 * @throws {BudgetExceededError} when it does not fit (nothing is sent); {BudgetUnboundedError};
 *   whatever `send` throws.
 */
export async function withinBudget<R>(ctx: CallContext, worstCase: () => Promise<number>, send: () => Promise<R>, costOf: (reply: R) => number | null): Promise<R> {
  const budget = ctx.llm.budget;
  if (!budget) return send();
  const worst = await worstCase();
  const hold: Reservation = budget.reserve(ctx.nodeId, worst);
  let reply: R;
  try {
    reply = await send();
  } catch (e) {
    hold.release();
    throw e;
  }
  hold.settle(costOf(reply) ?? worst);
  return reply;
}

/**
 * An upper bound of a request's input tokens without a counting endpoint (OpenAI's Chat
 * Completions has none): its UTF-8 bytes as JSON. A token of a byte-level BPE covers at least one
 * byte, and the JSON's punctuation outweighs the few tokens of per-message framing.
 */
export function inputTokensUpperBound(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}
