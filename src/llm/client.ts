// The one place that talks to the Anthropic API. The SDK is imported here, lazily, on the first real
// request (STYLE §3.10): a run whose LLM nodes are all cached or replayed never loads it.
import type { NodeLogger } from '../nodes/runner.js';
import { LlmRequestError } from './errors.js';
import { redact } from './redact.js';
import type { LlmRequest, LlmResponse } from './request.js';
import { sleep } from '../util/clock.js';
import { isRetryableStatus, retryWaitMs, type HeaderGetter } from './retry.js';

/** What a network request needs besides its body. */
export interface SendOptions {
  apiKey: string;
  /** ANTHROPIC_BASE_URL as resolved by the CLI; undefined means the SDK's default endpoint. */
  baseURL?: string;
  /** Retries after the first attempt, for 408/409/429/5xx, connection errors and timeouts. */
  maxRetries: number;
  /** Per-attempt timeout in ms (SDK `timeout`); undefined keeps the SDK's default. */
  timeoutMs?: number;
  /** Aborts the request in flight and any wait between attempts. */
  signal: AbortSignal;
  /** Called before every retry with the status (null: connection error/timeout) and the wait. */
  onRetry(info: { status: number | null; waitMs: number; reason: string }): void;
  log: NodeLogger;
}

type Sdk = typeof import('@anthropic-ai/sdk');

/**
 * Sends `req` to `POST /v1/messages` and returns the reply, retrying as the SDK would (retry.ts).
 * @throws the signal's reason when the signal aborts (node timeout, cancel).
 * @throws {LlmRequestError} for a non-retryable error or when the retries run out; its message
 *   never contains the API key.
 */
export async function sendRequest(req: LlmRequest, opts: SendOptions): Promise<LlmResponse> {
  const sdk: Sdk = await import('@anthropic-ai/sdk');
  const client = new sdk.Anthropic({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL ?? null,
    maxRetries: 0,
    openTelemetry: false,
    logLevel: 'warn',
    logger: sdkLogger(opts.log, opts.apiKey),
  });
  for (let retriesRemaining = opts.maxRetries; ; retriesRemaining--) {
    if (opts.signal.aborted) throw opts.signal.reason;
    let failure: { status: number | null; headers?: HeaderGetter; retryable: boolean; message: string };
    // The SDK's `timeout` stops at the response headers; this signal also cuts a body that stalls.
    const timer = opts.timeoutMs !== undefined ? AbortSignal.timeout(opts.timeoutMs) : undefined;
    try {
      const msg = await client.messages.create(req as unknown as Parameters<typeof client.messages.create>[0], {
        signal: timer ? AbortSignal.any([opts.signal, timer]) : opts.signal,
        maxRetries: 0,
        ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
      });
      return JSON.parse(JSON.stringify(msg)) as LlmResponse;
    } catch (err) {
      if (opts.signal.aborted) throw opts.signal.reason;
      failure = timer?.aborted ? { status: null, retryable: true, message: 'request timed out' } : classify(sdk, err);
    }
    const message = redact(failure.message, opts.apiKey);
    if (!failure.retryable) throw new LlmRequestError(`Anthropic API request failed: ${message}`, failure.status);
    if (retriesRemaining <= 0) {
      throw new LlmRequestError(`Anthropic API request failed after ${opts.maxRetries + 1} attempts: ${message}`, failure.status, true);
    }
    const waitMs = retryWaitMs(failure.headers, retriesRemaining, opts.maxRetries);
    opts.onRetry({ status: failure.status, waitMs, reason: message });
    opts.log.warn({ status: failure.status, waitMs, retriesRemaining: retriesRemaining - 1 }, `LLM request retrying: ${message}`);
    await sleep(waitMs, opts.signal);
  }
}

/** Sorts an SDK error into retryable or not, the way the SDK's own retry loop does. */
function classify(sdk: Sdk, err: unknown): { status: number | null; headers?: HeaderGetter; retryable: boolean; message: string } {
  if (err instanceof sdk.APIConnectionTimeoutError) return { status: null, retryable: true, message: 'request timed out' };
  if (err instanceof sdk.APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { status: null, retryable: true, message: `connection error${cause}` };
  }
  if (err instanceof sdk.APIError && typeof err.status === 'number') {
    const headers = err.headers ?? undefined;
    const detail = err.apiMessage ? `${err.type ?? 'error'}: ${err.apiMessage}` : err.message.replace(/^\d+ /, '');
    const requestId = err.requestID ? ` (request-id ${err.requestID})` : '';
    return { status: err.status, headers, retryable: isRetryableStatus(err.status, headers), message: `${err.status} ${detail}${requestId}` };
  }
  return { status: null, retryable: false, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

/** Routes the SDK's own log lines to the node's logger, with the key redacted. */
function sdkLogger(log: NodeLogger, apiKey: string) {
  const line = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, ...rest: unknown[]) =>
    log[level]({ sdk: 'anthropic', detail: rest.length ? redact(safeString(rest), apiKey) : undefined }, redact(String(msg), apiKey));
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v); // a value JSON cannot hold (a cycle): its string form is enough for a log line
  }
}
