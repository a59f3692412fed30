// Watches the SDK's own retries (issue #15 §1): a Middleware of @anthropic-ai/sdk (the `openai`
// SDK's fetch wrapper takes the same shape) that runs once per HTTP attempt inside the SDK's retry
// loop. It does not decide anything: the SDK decides whether and when to retry; this sees each
// attempt's outcome and, when the SDK sends a retry (`x-stainless-retry-count` > 0), reports it once
// with the failure that caused it and the time the SDK really waited. It also bounds the time to
// read a non-streamed body, and the silence between events of a streamed one, which the SDKs'
// `timeout` does not cover (it stops at the headers).

/** A retry the SDK sent, as `node.retrying` records it. */
export interface RetryReport {
  /** HTTP status of the failed attempt; null for a connection error or a timeout. */
  status: number | null;
  /** ms from the end of the failed attempt to the start of the retry (the SDK's backoff, measured). */
  waitMs: number;
  reason: string;
  /** 1 for the first retry of the request. */
  retry: number;
  requestId?: string;
}

/** The parts of the SDK's middleware context used here. */
interface Ctx {
  readonly options?: { stream?: boolean | undefined } | undefined;
  parse<T = unknown>(response: Response): Promise<T>;
}

/** The SDK `Middleware` signature, structurally (so importing this file does not load an SDK). */
export type AttemptMiddleware = (request: AttemptRequest, next: (request: never) => Promise<Response>, ctx: Ctx) => Promise<Response>;

/** The request a middleware sees (the SDK's `APIRequest`: a RequestInit with `url` and `Headers`). */
export interface AttemptRequest {
  headers: Headers;
  signal?: AbortSignal | null;
}

/** What one observed request went through. */
export interface RetryObserver {
  middleware: AttemptMiddleware;
  /** HTTP attempts made so far (1 + retries). */
  attempts(): number;
  /** The request id of the last response that had one. */
  lastRequestId(): string | undefined;
}

/** Thrown when a body stalls past the per-attempt timeout; the SDKs treat "timed out" errors as retryable timeouts. */
export class BodyTimeoutError extends Error {
  constructor(ms: number) {
    super(`request timed out (no complete response body within ${ms} ms)`);
    this.name = 'BodyTimeoutError';
  }
}

/**
 * A fresh observer for one logical request.
 * @param opts.describe turns an error response's parsed JSON body into a one-line reason;
 *   `timeoutMs` bounds headers + body of one non-streamed attempt; `now` is the clock (ms).
 */
export function retryObserver(opts: {
  onRetry(report: RetryReport): void;
  describe(status: number, body: unknown, requestId: string | undefined): string;
  describeError(err: unknown): string;
  timeoutMs?: number;
  now?: () => number;
}): RetryObserver {
  const now = opts.now ?? Date.now;
  let attempts = 0;
  let lastId: string | undefined;
  let failure: { status: number | null; reason: string; requestId?: string; endedAt: number } | undefined;
  const middleware: AttemptMiddleware = async (request, next, ctx) => {
    const retry = Number(request.headers.get('x-stainless-retry-count') ?? '0') || 0;
    const startedAt = now();
    if (retry > 0 && failure) {
      const { status, reason, requestId, endedAt } = failure;
      opts.onRetry({ status, waitMs: Math.max(0, Math.round(startedAt - endedAt)), reason, retry, ...(requestId ? { requestId } : {}) });
    }
    attempts++;
    failure = undefined;
    const bounded = opts.timeoutMs !== undefined;
    const own = new AbortController();
    const sent = bounded ? { ...request, signal: request.signal ? AbortSignal.any([request.signal, own.signal]) : own.signal } : request;
    let response: Response;
    try {
      response = await next(sent as never);
    } catch (err) {
      failure = { status: null, reason: opts.describeError(err), endedAt: now() };
      throw err;
    }
    const requestId = response.headers.get('request-id') ?? response.headers.get('x-request-id') ?? undefined;
    if (requestId) lastId = requestId;
    if (!response.ok) {
      // A body that is not JSON still fails the attempt; the reason then names only the status.
      const body = await ctx.parse(response).catch(() => undefined);
      failure = { status: response.status, reason: opts.describe(response.status, body, requestId), ...(requestId ? { requestId } : {}), endedAt: now() };
      return response;
    }
    if (!bounded || !response.body) return response;
    const expire = () => {
      failure = { status: null, reason: 'request timed out', endedAt: now() };
      own.abort();
    };
    if (ctx.options?.stream) return idleBounded(response, opts.timeoutMs!, expire, sent.signal ?? undefined);
    return bufferWithin(response, Math.max(1, opts.timeoutMs! - (now() - startedAt)), opts.timeoutMs!, () => {
      failure = { status: null, reason: 'request timed out', endedAt: now() };
      own.abort();
    });
  };
  return { middleware, attempts: () => attempts, lastRequestId: () => lastId };
}

/** The response with its body read within `ms`, or a BodyTimeoutError (after `onTimeout`). */
async function bufferWithin(response: Response, ms: number, totalMs: number, onTimeout: () => void): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyTimeoutError(totalMs)), ms);
  });
  const reading = response.arrayBuffer();
  try {
    const body = await Promise.race([reading, stalled]);
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  } catch (err) {
    if (err instanceof BodyTimeoutError) {
      // The read lost the race and rejects once onTimeout aborts the fetch (closing the stalled
      // connection); that rejection is this timeout, already being thrown.
      reading.catch(() => undefined);
      onTimeout();
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The response with its (streamed) body failing with a BodyTimeoutError when no chunk arrives for
 * `ms`. The SDKs do not retry a stream that broke mid-way; the request then fails as timed out.
 */
function idleBounded(response: Response, ms: number, onTimeout: () => void, signal: AbortSignal | undefined): Response {
  let timer: NodeJS.Timeout | undefined;
  const arm = (ctl: TransformStreamDefaultController<Uint8Array>) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      ctl.error(new BodyTimeoutError(ms));
      onTimeout();
    }, ms);
  };
  signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
  const watch = new TransformStream<Uint8Array, Uint8Array>({
    start: arm,
    transform(chunk, ctl) {
      arm(ctl);
      ctl.enqueue(chunk);
    },
    flush: () => clearTimeout(timer),
  });
  return new Response(response.body!.pipeThrough(watch), { status: response.status, statusText: response.statusText, headers: response.headers });
}
