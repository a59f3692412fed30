// The one place that talks to the Anthropic API (issue #15 §1, §3). The SDK is imported here, lazily,
// on the first real request (STYLE §3.10): a run whose LLM nodes are all cached or replayed never
// loads it. Retries and timeouts are the SDK's own (`maxRetries`, `timeout`); retry-observer.ts
// watches them through the SDK's middleware option. A request whose `max_tokens` the SDK would not
// send without streaming goes through `messages.stream(…).finalMessage()`, which yields the same
// Message, so recordings do not depend on the transport.
import type { NodeLogger } from '../nodes/runner.js';
import { LlmRequestError, isTransientStatus } from './llm-errors.js';
import { redact } from './redact-key.js';
import type { LlmRequest, LlmResponse } from './request.js';
import { retryObserver, type RetryReport } from './retry-observer.js';

/** What a network request needs besides its body. */
export interface SendOptions {
  apiKey: string;
  /** ANTHROPIC_BASE_URL as resolved by the CLI; undefined means the SDK's default endpoint. */
  baseURL?: string;
  /** The SDK's `maxRetries`: retries after the first attempt (408/409/429/5xx, connection errors, timeouts). */
  maxRetries: number;
  /** Per-attempt timeout in ms (the SDK's `timeout`, and the body of a non-streamed reply); undefined keeps the SDK's default. */
  timeoutMs?: number;
  /** Aborts the request in flight and any wait between attempts. */
  signal: AbortSignal;
  /** Called once per retry the SDK sends. */
  onRetry(report: RetryReport): void;
  log: NodeLogger;
}

/** The reply and how it was obtained. */
export interface SendResult {
  response: LlmResponse;
  /** The `request-id` of the reply, when the API sent one. */
  requestId?: string;
  /** True when it was streamed. */
  streamed: boolean;
}

type Sdk = typeof import('@anthropic-ai/sdk');

/**
 * Sends `req` to `POST /v1/messages` and returns the reply.
 * @throws the signal's reason when the signal aborts (node timeout, cancel).
 * @throws {LlmRequestError} for an error the SDK did not retry or whose retries ran out; its message
 *   says how many attempts were made and never contains the API key.
 */
export async function sendRequest(req: LlmRequest, opts: SendOptions): Promise<SendResult> {
  const sdk: Sdk = await import('@anthropic-ai/sdk');
  const observer = retryObserver({
    onRetry: opts.onRetry,
    describe: (status, body, requestId) => redact(describeApiError(status, body, requestId), opts.apiKey),
    describeError: (err) => redact(describeConnectionError(err), opts.apiKey),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
  const client = new sdk.Anthropic({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL ?? null,
    maxRetries: opts.maxRetries,
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
    middleware: [observer.middleware as unknown as import('@anthropic-ai/sdk').Middleware],
    openTelemetry: false,
    logLevel: 'warn',
    logger: sdkLogger(opts.log, opts.apiKey),
  });
  const body = req as unknown as Parameters<typeof client.messages.create>[0] & { stream?: false };
  const streamed = needsStreaming(client, req.max_tokens);
  try {
    if (streamed) {
      const stream = client.messages.stream(body, { signal: opts.signal });
      const msg = await stream.finalMessage();
      return result(msg, stream.request_id ?? observer.lastRequestId(), true);
    }
    const msg = await client.messages.create(body, { signal: opts.signal });
    return result(msg, (msg as { _request_id?: string | null })._request_id ?? observer.lastRequestId(), false);
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    throw requestError('Anthropic', { ...sdk, base: sdk.AnthropicError } as unknown as SdkErrors, err, observer.attempts(), opts.apiKey);
  }
}

/** The fields of a Messages request that `POST /v1/messages/count_tokens` takes. */
const COUNTED_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers'] as const;

/**
 * The input tokens of `req` as the API counts them (`POST /v1/messages/count_tokens`, free of
 * charge; issue #11 §6 holds requests to `--max-cost` with it).
 * @throws {LlmRequestError} as sendRequest does; the signal's reason when it aborts.
 */
export async function countTokens(req: LlmRequest, opts: Omit<SendOptions, 'onRetry'>): Promise<number> {
  const sdk: Sdk = await import('@anthropic-ai/sdk');
  const client = new sdk.Anthropic({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL ?? null,
    maxRetries: opts.maxRetries,
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
    openTelemetry: false,
    logLevel: 'warn',
    logger: sdkLogger(opts.log, opts.apiKey),
  });
  const body: { [k: string]: unknown } = {};
  for (const k of COUNTED_FIELDS) if ((req as unknown as { [k: string]: unknown })[k] !== undefined) body[k] = (req as unknown as { [k: string]: unknown })[k];
  try {
    const r = await client.messages.countTokens(body as unknown as Parameters<typeof client.messages.countTokens>[0], { signal: opts.signal });
    return r.input_tokens;
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    throw requestError('Anthropic', { ...sdk, base: sdk.AnthropicError } as unknown as SdkErrors, err, 1, opts.apiKey);
  }
}

function result(msg: unknown, requestId: string | null | undefined, streamed: boolean): SendResult {
  // The SDK's Message carries non-enumerable extras (`_request_id`); the JSON round trip keeps what
  // the API sent, in the shape a recording stores (STYLE §3.5).
  return { response: JSON.parse(JSON.stringify(msg)) as LlmResponse, ...(requestId ? { requestId } : {}), streamed };
}

/**
 * True when the SDK refuses this `max_tokens` without streaming: its own check
 * (`calculateNonstreamingTimeout`, expected time above 10 minutes, i.e. max_tokens above ~21,333).
 */
export function needsStreaming(client: { calculateNonstreamingTimeout(maxTokens: number): number }, maxTokens: number): boolean {
  try {
    client.calculateNonstreamingTimeout(maxTokens);
    return false;
  } catch {
    return true; // the SDK says "Streaming is required for operations that may take longer than 10 minutes"
  }
}

/** One line for an API error response: `429 rate_limit_error: slow down (request-id req_…)`. */
export function describeApiError(status: number, body: unknown, requestId: string | undefined): string {
  const error = (body as { error?: { type?: unknown; message?: unknown } } | undefined)?.error;
  const detail = error && typeof error.message === 'string' ? `${typeof error.type === 'string' ? error.type : 'error'}: ${error.message}` : 'no error details';
  return `${status} ${detail}${requestId ? ` (request-id ${requestId})` : ''}`;
}

/** One line for a failure with no response: a timeout or a connection error with its cause. */
export function describeConnectionError(err: unknown): string {
  const text = err instanceof Error ? `${err.name} ${err.message} ${err.cause instanceof Error ? err.cause.message : ''}` : String(err);
  if (/timed? ?out|AbortError/i.test(text)) return 'request timed out';
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
  return `connection error: ${cause}`;
}

/** The error classes both SDKs (Anthropic, OpenAI) export under the same names. */
export interface SdkErrors {
  APIConnectionTimeoutError: new (...a: never[]) => Error;
  APIConnectionError: new (...a: never[]) => Error;
  APIError: new (...a: never[]) => Error & { status?: number | undefined; error?: unknown; requestID?: string | null | undefined };
  /** The SDK's base error: only its errors can be transient. */
  base: new (...a: never[]) => Error;
}

/**
 * The LlmRequestError for what an SDK threw after its retries: `<Provider> API request failed
 * [after N attempts]: <reason>` (issue #12: no "after 1 attempts"); transient (worth another node
 * attempt) for timeouts, connection errors and 408/409/429/5xx.
 */
export function requestError(provider: string, sdk: SdkErrors, err: unknown, attempts: number, apiKey: string): LlmRequestError {
  let status: number | null = null;
  let message: string;
  if (err instanceof sdk.APIConnectionTimeoutError) message = 'request timed out';
  else if (err instanceof sdk.APIConnectionError) message = describeConnectionError(err.cause ?? err);
  else if (err instanceof sdk.APIError && typeof err.status === 'number') {
    status = err.status;
    message = describeApiError(err.status, err.error, err.requestID ?? undefined);
  } else if (err instanceof Error && /timed? ?out/i.test(err.message)) message = 'request timed out';
  else message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const transient = status === null || isTransientStatus(status);
  return new LlmRequestError(`${provider} API request failed${tries}: ${redact(message, apiKey)}`, status, transient && err instanceof sdk.base);
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
