// Stop requests from outside the engine (SIGINT, `oe pause`, `oe cancel`): the engine polls
// `request` at node boundaries and in-flight nodes listen on `signal`.
import { setMaxListeners } from 'node:events';
import type { StopRequest } from './schedule.js';

/** Error given to aborted nodes when the run is cancelled. */
export class RunCancelledError extends Error {
  constructor(reason = 'the run was cancelled') {
    super(reason);
    this.name = 'CancelledError';
  }
}

/**
 * The stop state of one run. `pause()` lets running nodes finish and starts no new ones;
 * `cancel()` also aborts running nodes through `signal`. A cancel overrides a pause.
 */
export class RunControl {
  private readonly abort = new AbortController();
  private current: StopRequest = null;
  private failed: Error | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly hardStops = new Set<() => void>();

  constructor() {
    // Every attempt in flight listens on the run's signal: past ten at once (concurrency, fan-out)
    // that is the design, not a leak, so Node's warning is turned off for this one signal.
    setMaxListeners(0, this.abort.signal);
  }

  /** Aborts when the run is cancelled; every node attempt's signal follows it. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The stop requested so far, or null. */
  get request(): StopRequest {
    return this.current;
  }

  /** Stops at the next node boundary; the run ends `paused` (resumable). */
  pause(): void {
    if (this.current !== null) return;
    this.current = 'pause';
    this.notify();
  }

  /** Aborts running nodes now; the run ends `cancelled`. */
  cancel(reason?: string): void {
    if (this.current === 'cancel') return;
    this.current = 'cancel';
    this.abort.abort(new RunCancelledError(reason));
    this.notify();
  }

  /** The error that ended the run from outside any node (see `fail`), if any. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /**
   * Ends the run as a failure because of `error`, raised outside any node's promise (an uncaught
   * exception or unhandled rejection from a node's code): aborts running nodes like a cancel, and the
   * run ends `failure` with `error` recorded in run.completed. The first error wins.
   */
  fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    this.current = 'cancel';
    this.abort.abort(new RunCancelledError(`the run stopped after an uncaught ${error.name}: ${error.message}`));
    this.notify();
  }

  /**
   * Registers what must happen synchronously before the process ends at once (a second SIGINT or
   * SIGTERM): the engine writes run.completed and fsyncs. Returns the unregister function.
   */
  onHardStop(fn: () => void): () => void {
    this.hardStops.add(fn);
    return () => this.hardStops.delete(fn);
  }

  /** Runs the hard-stop hooks (synchronously). The caller exits the process right after. */
  hardStop(): void {
    this.cancel('stopped at once by a second signal');
    for (const fn of this.hardStops) fn();
  }

  /** Calls `fn` on every change; returns the unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
