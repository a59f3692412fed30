// Errors an LLM node fails with. The engine records `{name, message}` (SPEC §3); messages never hold
// the API key (see redact-key.ts) and each says what to do next.
import type { Usage } from '../log/events.js';

/**
 * Base of the LLM errors below. `retryable` says whether another node attempt (`on_error: retry`)
 * could succeed; false for failures that only a change of settings or inputs can fix.
 */
export class LlmError extends Error {
  readonly retryable: boolean = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No API key (ANTHROPIC_API_KEY / OPENAI_API_KEY) and no `--replay`: the node cannot call the API. */
export class MissingApiKeyError extends LlmError {
  override readonly retryable = false;
}

/** `--replay` had no recording for a request. Carries the request hash and the nearest recording. */
export class RecordingNotFoundError extends LlmError {
  override readonly retryable = false;
  constructor(
    readonly requestHash: string,
    message: string,
  ) {
    super(message);
  }
}

/** A recording file that is not a recording (bad JSON, wrong shape). */
export class RecordingFormatError extends LlmError {
  override readonly retryable = false;
}

/**
 * Whether an HTTP status is worth another node attempt (`on_error: retry`) once the SDK's own
 * request retries are spent: 408, 409, 429 and 5xx are transient; other 4xx need a change first.
 */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The API answered with an error, or could not be reached, after the retries it allows. */
export class LlmRequestError extends LlmError {
  override readonly retryable: boolean;
  constructor(
    message: string,
    /** HTTP status, or null for a connection error or timeout. */
    readonly status: number | null,
    /** True when the request failed for a transient reason (429, 5xx, timeout) and ran out of retries. */
    transient = false,
  ) {
    super(message);
    this.retryable = transient;
  }
}

/** The reply did not match the node's schema, also after the one re-ask. Lists every problem. */
export class SchemaMismatchError extends LlmError {
  constructor(
    message: string,
    /** What the two requests cost, though they produced no output. */
    readonly usage?: Usage,
  ) {
    super(message);
  }
}

/** The reply cannot become the node's output (no text, wrong `writes`, a SKILL.md without body). */
export class LlmOutputError extends LlmError {
  override readonly retryable = false;
}

/**
 * The model declined to answer (`stop_reason: refusal`). Not re-asked and not retried: the same
 * request would be refused again. Carries what the request cost.
 */
export class LlmRefusalError extends LlmError {
  override readonly retryable = false;
  constructor(
    message: string,
    readonly usage?: Usage,
  ) {
    super(message);
  }
}

/**
 * The reply stopped at `max_tokens` before its answer was complete. Not re-asked and not retried:
 * the same limit would cut it again; raise the node's `max_tokens`.
 */
export class LlmTruncatedError extends LlmError {
  override readonly retryable = false;
  constructor(
    message: string,
    readonly usage?: Usage,
  ) {
    super(message);
  }
}

/**
 * Gives an error of a later request of an attempt the usage of its earlier ones (a re-ask after a
 * schema mismatch), so what the attempt spent is recorded in node.failed — and counted against a
 * resumed budget — whatever stopped it. An error that carries usage already keeps its own.
 */
export function withUsageSoFar(e: unknown, usage: Usage): unknown {
  if (e !== null && typeof e === 'object' && (e as { usage?: unknown }).usage === undefined && Object.isExtensible(e)) Object.defineProperty(e, 'usage', { value: usage, enumerable: false, configurable: true });
  return e;
}
