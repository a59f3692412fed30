// One LLM request as a node makes it: answered from `--replay`, or sent to the API (and written to
// `--record`), with its usage and cost (issue #15 §5). Everything an agent or skill node asks the
// Anthropic API goes through `complete`; openai.ts shares `recordedCall`.
import type { Usage } from '../log/events.js';
import type { LlmSettings, NodeLogger } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import { MissingApiKeyError } from './llm-errors.js';
import { withinBudget, worstCaseUsd } from './budget-guard.js';
import { requestCostUsd } from './pricing.js';
import { readRecording, writeRecording } from './recording.js';
import { requestHash, type LlmRequest, type LlmResponse, type RequestBody } from './request.js';
import type { RetryReport } from './retry-observer.js';

/** The SDK's default number of retries per request (`maxRetries`), used when neither node nor run sets one. */
export const DEFAULT_MAX_RETRIES = 2;

/** What a request needs from the node's context and definition. */
export interface CallContext {
  llm: LlmSettings;
  signal: AbortSignal;
  log: NodeLogger;
  onRetry(info: RetryReport): void;
  /** Used in error messages. */
  nodeId: string;
  /** The node's `max_retries`, over the run's `maxRetries`, over the SDK default (2). */
  maxRetries?: number;
  /** The node's `request_timeout` in ms, over the run's `requestTimeoutMs`. */
  requestTimeoutMs?: number;
}

/** A reply and what it cost. */
export interface Completion {
  response: LlmResponse;
  usage: Usage;
  /** The request hash (the recording's name). */
  hash: string;
  /** Where the reply came from. */
  source: 'api' | 'replay';
}

/** What `recordedCall` needs to send a request for real. */
export type Send<R> = (apiKey: string) => Promise<{ response: R; requestId?: string }>;

/** The env var that holds each provider's key, for the missing-key message. */
const KEY_VAR: Record<string, string> = { anthropic: 'ANTHROPIC_API_KEY', openai: 'OPENAI_API_KEY' };

/**
 * Answers `body`. With `replayDir`, only from the recording (no network, no key needed; `recordDir`
 * is then ignored). Otherwise through `send`, which needs the key, and then recorded when
 * `recordDir` is set. Provider-neutral: openai.ts uses it too.
 * @throws {MissingApiKeyError} without a key and without `--replay`.
 * @throws {RecordingNotFoundError} when replaying a request that was never recorded.
 * @throws what `send` throws.
 */
export async function recordedCall<R extends object>(
  body: RequestBody,
  ctx: CallContext,
  send: Send<R>,
): Promise<{ response: R; hash: string; source: 'api' | 'replay'; requestId?: string }> {
  const hash = await requestHash(body);
  const { llm } = ctx;
  if (llm.replayDir) {
    const response = (await readRecording(llm.replayDir, hash, body)) as R;
    ctx.log.debug({ requestHash: hash, replayDir: llm.replayDir }, 'LLM request answered from recording');
    return { response, hash, source: 'replay' };
  }
  if (!llm.apiKey) {
    const v = KEY_VAR[llm.provider] ?? 'the API key';
    throw new MissingApiKeyError(`node ${ctx.nodeId} calls the ${llm.provider === 'openai' ? 'OpenAI' : 'Anthropic'} API, but ${v} is not set. Set it, or run with --replay <dir> to answer from recordings.`);
  }
  const { response, requestId } = await send(llm.apiKey);
  if (llm.recordDir) {
    const file = await writeRecording(llm.recordDir, hash, body, response, llm.apiKey);
    ctx.log.debug({ requestHash: hash, file }, 'LLM request recorded');
  }
  return { response, hash, source: 'api', ...(requestId ? { requestId } : {}) };
}

/**
 * Answers an Anthropic Messages request (see recordedCall), through the SDK's retries and streaming.
 * @throws {LlmRequestError} when the API fails after its retries; the signal's reason on abort.
 */
export async function complete(req: LlmRequest, ctx: CallContext): Promise<Completion> {
  const { llm } = ctx;
  const r = await recordedCall<LlmResponse>(req as unknown as RequestBody, ctx, async (apiKey) => {
    const { sendRequest, countTokens } = await import('./client.js');
    const opts = {
      apiKey,
      ...(llm.baseURL ? { baseURL: llm.baseURL } : {}),
      maxRetries: ctx.maxRetries ?? llm.maxRetries ?? DEFAULT_MAX_RETRIES,
      ...((ctx.requestTimeoutMs ?? llm.requestTimeoutMs) !== undefined ? { timeoutMs: (ctx.requestTimeoutMs ?? llm.requestTimeoutMs)! } : {}),
      signal: ctx.signal,
      log: ctx.log,
    };
    // Issue #11 §6: under --max-cost, a request is sent only if its worst case fits the budget.
    return withinBudget(
      ctx,
      async () => worstCaseUsd(ctx.nodeId, req.model, await countTokens(req, opts), req.max_tokens),
      () => sendRequest(req, { ...opts, onRetry: ctx.onRetry }),
      (sent) => usageOf(sent.response, req.model).costUsd ?? null,
    );
  });
  const usage = usageOf(r.response, req.model, { replayed: r.source === 'replay', ...(r.requestId ? { requestId: r.requestId } : {}) });
  return { response: r.response, usage, hash: r.hash, source: r.source };
}

/**
 * The Usage of one Messages reply: tokens as reported, the cache-write TTL split, thinking tokens,
 * service tier, the request id, the raw `usage` object, and the cost from pricing.ts (null for an
 * unpriced model).
 */
export function usageOf(res: LlmResponse, requestedModel: string, extra: { replayed?: boolean; requestId?: string } = {}): Usage {
  const u = res.usage ?? { input_tokens: 0, output_tokens: 0 };
  const model = typeof res.model === 'string' && res.model ? res.model : requestedModel;
  const counts = {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
    cacheWrite1hTokens: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
  };
  const details = u['output_tokens_details'] as { thinking_tokens?: unknown } | null | undefined;
  const tier = u['service_tier'];
  return {
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    cacheReadTokens: counts.cacheReadTokens,
    cacheWriteTokens: counts.cacheWriteTokens,
    ...(counts.cacheWrite1hTokens ? { cacheWrite1hTokens: counts.cacheWrite1hTokens } : {}),
    ...(typeof details?.thinking_tokens === 'number' ? { thinkingTokens: details.thinking_tokens } : {}),
    model,
    provider: 'anthropic',
    costUsd: requestCostUsd(model, counts),
    ...(typeof tier === 'string' ? { serviceTier: tier } : {}),
    ...(extra.requestId ? { requestIds: [extra.requestId] } : {}),
    requests: 1,
    raw: [JSON.parse(JSON.stringify(u)) as Json],
    ...(extra.replayed ? { replayed: true } : {}),
  };
}
