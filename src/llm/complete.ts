// One LLM request as a node makes it: answered from `--replay`, or sent to the API (and written to
// `--record`), with its usage and cost. Everything an agent or skill node asks the model goes here.
import type { Usage } from '../log/events.js';
import type { LlmSettings, NodeLogger } from '../nodes/runner.js';
import { MissingApiKeyError } from './errors.js';
import { requestCostUsd } from './pricing.js';
import { readRecording, writeRecording } from './recording.js';
import { requestHash, type LlmRequest, type LlmResponse } from './request.js';
import { DEFAULT_MAX_RETRIES } from './retry.js';

/** What a request needs from the node's context and definition. */
export interface CallContext {
  llm: LlmSettings;
  signal: AbortSignal;
  log: NodeLogger;
  onRetry(info: { status: number | null; waitMs: number; reason: string }): void;
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

/**
 * Answers `req`. With `replayDir`, only from the recording (no network, no key needed; `recordDir`
 * is then ignored). Otherwise from the API, which needs the key, and then recorded when `recordDir`
 * is set.
 * @throws {MissingApiKeyError} without a key and without `--replay`.
 * @throws {RecordingNotFoundError} when replaying a request that was never recorded.
 * @throws {LlmRequestError} when the API fails after its retries; the signal's reason on abort.
 */
export async function complete(req: LlmRequest, ctx: CallContext): Promise<Completion> {
  const hash = await requestHash(req);
  const { llm } = ctx;
  if (llm.replayDir) {
    const response = await readRecording(llm.replayDir, hash, req);
    ctx.log.debug({ requestHash: hash, replayDir: llm.replayDir }, 'LLM request answered from recording');
    return { response, usage: usageOf(response, req.model), hash, source: 'replay' };
  }
  if (!llm.apiKey) {
    throw new MissingApiKeyError(
      `node ${ctx.nodeId} calls the Anthropic API, but ANTHROPIC_API_KEY is not set. Set it, or run with --replay <dir> to answer from recordings.`,
    );
  }
  const { sendRequest } = await import('./client.js');
  const response = await sendRequest(req, {
    apiKey: llm.apiKey,
    baseURL: llm.baseURL,
    maxRetries: ctx.maxRetries ?? llm.maxRetries ?? DEFAULT_MAX_RETRIES,
    timeoutMs: ctx.requestTimeoutMs ?? llm.requestTimeoutMs,
    signal: ctx.signal,
    onRetry: ctx.onRetry,
    log: ctx.log,
  });
  if (llm.recordDir) {
    const file = await writeRecording(llm.recordDir, hash, req, response, llm.apiKey);
    ctx.log.debug({ requestHash: hash, file }, 'LLM request recorded');
  }
  return { response, usage: usageOf(response, req.model), hash, source: 'api' };
}

/** The Usage of one reply (tokens as reported, cost from pricing.ts; null for an unpriced model). */
export function usageOf(res: LlmResponse, requestedModel: string): Usage {
  const u = res.usage ?? { input_tokens: 0, output_tokens: 0 };
  const model = typeof res.model === 'string' && res.model ? res.model : requestedModel;
  const counts = {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
    cacheWrite1hTokens: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
  };
  return {
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    cacheReadTokens: counts.cacheReadTokens,
    cacheWriteTokens: counts.cacheWriteTokens,
    model,
    costUsd: requestCostUsd(model, counts),
  };
}
