// When and how long to wait before retrying a Messages API request. oe calls the SDK with
// `maxRetries: 0` and runs this loop itself so that every retry is observed with the exact wait it
// will sleep (the engine's `node.retrying` event), which a fetch wrapper cannot know: the SDK picks
// its default wait with random jitter after the response is gone. These functions reproduce the
// SDK's policy (@anthropic-ai/sdk 1.11.0, src/client.ts `shouldRetry`, `retryRequest`,
// `calculateDefaultRetryTimeoutMillis`), so behaviour matches a plain SDK client with `maxRetries`.

/** The response headers a retry decision reads (a fetch `Headers` fits). */
export interface HeaderGetter {
  get(name: string): string | null;
}

/** The SDK's default number of retries per request (`maxRetries`). */
export const DEFAULT_MAX_RETRIES = 2;

/**
 * Whether an HTTP error status is retried: the server's `x-should-retry: true|false` wins; else
 * 408 (request timeout), 409 (lock timeout), 429 (rate limit) and every 5xx are retried.
 */
export function isRetryableStatus(status: number, headers?: HeaderGetter): boolean {
  const hint = headers?.get('x-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * How long to wait in ms before the next attempt, as the SDK computes it:
 * 1. `retry-after-ms` (float ms), else `retry-after` (float seconds, or an HTTP date minus `now`);
 * 2. used when it is > 0 and at most 2^31-1 ms (one timer's range);
 * 3. otherwise exponential backoff 0.5 s × 2^(retries so far), at most 8 s, minus up to 25 % jitter.
 * @param retriesRemaining retries left before this one (maxRetries for the first retry).
 */
export function retryWaitMs(
  headers: HeaderGetter | undefined,
  retriesRemaining: number,
  maxRetries: number,
  now: () => number = Date.now,
  random: () => number = Math.random,
): number {
  let ms: number | undefined;
  const afterMs = headers?.get('retry-after-ms');
  if (afterMs) {
    const v = parseFloat(afterMs);
    if (!Number.isNaN(v)) ms = v;
  }
  const after = headers?.get('retry-after');
  if (after && !ms) {
    const seconds = parseFloat(after);
    ms = Number.isNaN(seconds) ? Date.parse(after) - now() : seconds * 1000;
  }
  if (ms === undefined || !(ms > 0 && ms <= 2 ** 31 - 1)) {
    const retriesSoFar = maxRetries - retriesRemaining;
    const seconds = Math.min(0.5 * Math.pow(2, retriesSoFar), 8);
    ms = seconds * (1 - random() * 0.25) * 1000;
  }
  return Math.round(ms);
}
