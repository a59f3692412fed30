// Retry policy (SPEC §2.2 on_error): whether a failed attempt is retried, and after how long.
import type { OnError } from '../experience/types.js';

/**
 * The wait in ms before attempt `failed + 1`, or null when no attempt follows.
 * Linear: base_ms × failed; exponential: base_ms × 2^(failed − 1) (so 200, 400, 800 … for base 200).
 * @param failed the number of the attempt that just failed (1-based).
 */
export function retryDelayMs(policy: OnError, failed: number): number | null {
  if (policy.policy !== 'retry' || failed >= policy.attempts) return null;
  return policy.backoff === 'linear' ? policy.base_ms * failed : policy.base_ms * 2 ** (failed - 1);
}
