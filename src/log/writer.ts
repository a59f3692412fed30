// Appends events to a run's log (SPEC §3): adds the envelope, writes each event whole with one
// write call, and fsyncs after the events a crash must not lose. The only producer of envelopes.
import { closeSync, fsync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../util/clock.js';
import type { RunId } from '../util/ids.js';
import { LOG_FORMAT_VERSION, type EventPayload, type OeEvent } from './events.js';
import { checkEventSize } from './event-size.js';
import { redactJsonLine, redactable } from './redact.js';

export { REDACTED } from './redact.js';

/** Options of a LogWriter. */
export interface LogWriterOptions {
  /** Absolute path of the `.jsonl` file; it must not exist yet (runs never share a file). */
  file: string;
  runId: RunId;
  clock: Clock;
  /** Values that must never reach the log (API keys, tokens); each occurrence becomes [REDACTED]. */
  secrets?: readonly string[];
}

/**
 * The append-only writer of one run's log. Each `append` serializes the event once and writes it with
 * one `write(2)` on an O_APPEND descriptor, so a reader sees whole lines (a crash can tear only the
 * last one). Durable events are fsynced with group commit: appends that arrive before a pending
 * fsync starts share it (the technique of database WALs), so concurrent completions cost one fsync.
 */
export class LogWriter {
  readonly file: string;
  readonly runId: RunId;
  private readonly fd: number;
  private readonly clock: Clock;
  private readonly secrets: readonly string[];
  private seq = 0;
  /** An fsync not started yet: appends join it. */
  private pendingSync: Promise<void> | null = null;
  /** The latest fsync started (or settled). */
  private inFlight: Promise<void> = Promise.resolve();
  private isClosed = false;

  private constructor(opts: LogWriterOptions, fd: number) {
    this.file = opts.file;
    this.runId = opts.runId;
    this.clock = opts.clock;
    this.fd = fd;
    this.secrets = redactable(opts.secrets ?? []);
  }

  /**
   * Creates the log file (and its directory) exclusively.
   * @throws {Error} EEXIST when a log with that run id already exists; other fs errors as thrown.
   */
  static create(opts: LogWriterOptions): LogWriter {
    mkdirSync(dirname(opts.file), { recursive: true });
    return new LogWriter(opts, openSync(opts.file, 'wx'));
  }

  /** Number of events appended so far (the next event's `seq`). */
  get length(): number {
    return this.seq;
  }

  /**
   * Appends one event and returns it with its envelope, once it is written (not yet fsynced: callers
   * await `sync()` after durable types, so they can fold the event in log order first).
   * @throws {Error} when the writer is closed or the write fails (disk full): the run cannot go on;
   *   {EventTooLargeError} for an event over MAX_EVENT_BYTES (nothing is written).
   */
  append<P extends EventPayload>(payload: P): OeEvent & P {
    if (this.isClosed) throw new Error(`log ${this.file} is closed`);
    const { type, ...fields } = payload;
    const event = {
      v: LOG_FORMAT_VERSION,
      seq: this.seq,
      ts: new Date(this.clock.now()).toISOString(),
      type,
      runId: this.runId,
      ...fields,
    } as unknown as OeEvent & P;
    const json = JSON.stringify(event);
    const line = redactJsonLine(json, this.secrets);
    writeWhole(this.fd, checkEventSize(line, event));
    this.seq++;
    return line === json ? event : (JSON.parse(line) as OeEvent & P);
  }

  /** True once the log is closed: nothing more can be appended. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Waits for any pending fsync and closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    await this.inFlight.then(noop, noop);
    if (this.isClosed) return;
    this.isClosed = true;
    closeSync(this.fd);
  }

  /**
   * fsyncs and closes the file at once, for a process about to exit (a second SIGINT): whatever an
   * fsync in flight does, everything appended so far is durable when this returns. Idempotent.
   * @throws {Error} when fsync fails.
   */
  closeSync(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    fsyncSync(this.fd);
    closeSync(this.fd);
  }

  /**
   * Resolves once everything appended so far is fsynced (group commit, as database WALs do): at most
   * one fsync is in flight; appends made while it runs share the one that follows it.
   * @throws {Error} when fsync fails.
   */
  sync(): Promise<void> {
    if (this.pendingSync) return this.pendingSync;
    const previous = this.inFlight;
    const next = (async () => {
      // Wait for the fsync in flight (its own caller handles its failure), and let every append of
      // this tick join before starting.
      await previous.then(noop, noop);
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.pendingSync = null;
      await new Promise<void>((resolve, reject) => fsync(this.fd, (err) => (err ? reject(err) : resolve())));
    })();
    this.pendingSync = next;
    this.inFlight = next;
    return next;
  }
}

const noop = (): void => {};

/** One write(2) for the whole line; loops only if the kernel writes part of it (disk nearly full). */
function writeWhole(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
