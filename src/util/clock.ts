// Time as an input (STYLE §3.4): production passes systemClock, tests pass a fixed one.

/** A source of wall-clock time in ms since the epoch, and a monotonic timer in ms. */
export interface Clock {
  /** Wall-clock ms since the Unix epoch (for `ts` and UUIDv7). */
  now(): number;
  /** Monotonic ms, for durations; unaffected by wall-clock changes. */
  monotonic(): number;
}

/** The real clock: Date.now and performance.now. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
