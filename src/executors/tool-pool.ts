// Tool attempts in worker threads (issue #8 §3: no tool can end the run unrecorded). Each attempt
// runs alone in a worker thread, so whatever the tool does stays its own failure:
// - `process.exit()` ends only its thread → "node X called process.exit(N)";
// - a promise that can never settle empties the thread's event loop → "… never settled";
// - a CPU-bound loop cannot hold off the main thread: a timeout or cancel fails the attempt at once,
//   and the thread is terminated if it does not stop within `abortGraceMs`;
// - an uncaught error from its stray async work fails that attempt only (the worker names the
//   attempt through AsyncLocalStorage), never a concurrent one in another thread.
// Threads are reused across attempts (a tool module is imported once per thread) and started
// lazily: one at once, another only when an attempt has waited for a free thread as long as a
// thread takes to start (the break-even rule of ski rental: waiting longer than the price of a new
// thread is the only case where one pays off, and it keeps the cost within twice the best choice
// made knowing each tool's duration). So quick tools share a thread instead of paying a start each
// (~40–60 ms of CPU on 2 cores), and slow tools get one thread each, a start later. docs/decisions.md
// records the choice and its cost.
import { Worker } from 'node:worker_threads';
import type { Writable } from 'node:stream';
import type { AttemptHooks, AttemptResult, AttemptTask } from '../engine/executor.js';
import { classifyError, NodeTimeoutError } from '../engine/execute.js';
import { checkWrites } from '../engine/node-result.js';
import type { FromWorker, ToWorker } from './tool-protocol.js';

/** Options of a ToolPool. */
export interface ToolPoolOptions {
  /** Most threads at once: the most tool attempts the run can have in flight. */
  maxWorkers: number;
  /** Where tools' own stdout and stderr go (a JSON-mode run keeps stdout for events). */
  stdout: Writable;
  stderr: Writable;
  /** The worker entry (compiled tool-worker.js); tests may point elsewhere. */
  workerFile?: URL;
  /**
   * How long an attempt may wait for a free thread before another is started, in ms. Default: how
   * long this pool's last thread took to start (until one has, BOOT_GUESS_MS).
   */
  growAfterMs?: number;
  /** How long an aborted attempt's thread may take to stop before it is terminated, in ms. Default 1000. */
  abortGraceMs?: number;
}

/** A tool's thread misbehaved: it exited, never settled, or threw from stray async work. */
export class ToolThreadError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface Job {
  id: number;
  task: AttemptTask;
  hooks: AttemptHooks;
  signal: AbortSignal;
  settled: boolean;
  resolve(r: AttemptResult): void;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
}

/** The wait before a second thread while none has started yet, in ms (a thread's start on 2 cores). */
const BOOT_GUESS_MS = 40;

interface Slot {
  worker: Worker;
  /** performance.now() when the thread was created. */
  spawnedAt: number;
  state: 'booting' | 'idle' | 'busy' | 'dead';
  job?: Job;
  /** Set when the current job's tool called process.exit. */
  exitCode?: number;
  /** Terminate once idle (a stray error of a finished attempt showed its state is suspect). */
  retire: boolean;
  grace?: NodeJS.Timeout;
}

/** Runs tool attempts in worker threads. */
export class ToolPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  /** Finished jobs by id, for stray errors raised after their attempt ended (their node's logger). */
  private readonly recent = new Map<number, Job>();
  private nextId = 1;
  private growTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private bootError: Error | undefined;
  /** How long the last thread took from creation to ready, in ms. */
  private bootMs: number | undefined;

  private maxWorkers: number;

  constructor(private readonly opts: ToolPoolOptions) {
    this.maxWorkers = opts.maxWorkers;
  }

  /** Sets the most threads at once; 0 stops every thread (a run with no tool node). */
  resize(maxWorkers: number): void {
    this.maxWorkers = maxWorkers;
    if (maxWorkers === 0) for (const s of this.slots) void this.kill(s);
  }

  /** Starts `n` threads now (so their start overlaps the run's own start-up). */
  prewarm(n = 1): void {
    for (let i = this.slots.size; i < Math.min(n, this.maxWorkers); i++) this.spawn();
  }

  /** Runs one tool attempt; never rejects (see Executor.attempt). */
  attempt(task: AttemptTask, hooks: AttemptHooks, signal: AbortSignal): Promise<AttemptResult> {
    return new Promise<AttemptResult>((resolve) => {
      const job: Job = { id: this.nextId++, task, hooks, signal, settled: false, resolve };
      if (this.closed) return resolve({ ok: false, error: { name: 'CancelledError', message: 'the tool pool is closed' }, retryable: false });
      if (signal.aborted) return resolve({ ok: false, ...classifyError(signal.reason) });
      job.onAbort = () => this.abort(job, signal.reason);
      signal.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Terminates every thread; attempts still waiting fail. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.growTimer);
    for (const job of this.queue.splice(0)) this.settle(job, { ok: false, error: { name: 'CancelledError', message: 'the run ended before the attempt started' }, retryable: false });
    await Promise.all([...this.slots].map((s) => this.kill(s)));
  }

  private spawn(): void {
    const worker = new Worker(this.opts.workerFile ?? new URL('./tool-worker.js', import.meta.url), { stdout: true, stderr: true });
    const slot: Slot = { worker, spawnedAt: performance.now(), state: 'booting', retire: false };
    this.slots.add(slot);
    // Forwarded chunk by chunk, not piped: each pipe() adds five listeners to the shared destination,
    // and past ten threads Node warns of a listener leak on oe's own stderr.
    worker.stdout.on('data', (chunk: Buffer) => this.opts.stdout.write(chunk));
    worker.stderr.on('data', (chunk: Buffer) => this.opts.stderr.write(chunk));
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onError(slot, e));
    worker.on('exit', (code) => this.onExit(slot, code));
  }

  /** Gives waiting attempts to idle threads; starts threads when attempts wait. */
  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (slot.state === 'idle') this.assign(slot, this.queue.shift()!);
    }
    if (this.queue.length === 0 || this.closed) return;
    if (this.bootError) {
      for (const job of this.queue.splice(0)) this.settle(job, { ok: false, error: { name: 'ToolThreadError', message: `cannot start a thread for tools: ${this.bootError.message}` }, retryable: false });
      return;
    }
    if (this.maxWorkers === 0) return;
    if (this.counted() === 0) this.spawn();
    else this.growTimer ??= setTimeout(() => this.grow(), this.opts.growAfterMs ?? this.bootMs ?? BOOT_GUESS_MS);
  }

  private grow(): void {
    this.growTimer = undefined;
    if (this.closed) return;
    let booting = 0;
    for (const s of this.slots) if (s.state === 'booting') booting++;
    const want = Math.min(this.queue.length - booting, this.maxWorkers - this.counted());
    for (let i = 0; i < want; i++) this.spawn();
  }

  /** Threads that count against maxWorkers: all but those finishing an attempt that already failed
   *  (aborted, in their grace period), which make room for the attempt's retry. */
  private counted(): number {
    let n = 0;
    for (const s of this.slots) if (!(s.state === 'busy' && s.job?.settled)) n++;
    return n;
  }

  private assign(slot: Slot, job: Job): void {
    slot.state = 'busy';
    slot.job = job;
    slot.exitCode = undefined;
    slot.worker.ref();
    const t = job.task;
    // The timeout counts from the start of the attempt, not from the wait for a thread.
    if (t.timeoutMs !== undefined) job.timer = setTimeout(() => this.abort(job, new NodeTimeoutError(t.node.id, t.timeoutMs!)), t.timeoutMs);
    const message: ToWorker = {
      t: 'run',
      id: job.id,
      node: t.node,
      input: t.input,
      ctx: { runId: t.runId, nodeId: t.node.id, experienceDir: t.experienceDir, args: t.args, ...(t.iteration ? { iteration: t.iteration } : {}), attempt: t.attempt },
    };
    slot.worker.postMessage(message);
  }

  /** The attempt fails now; its thread is asked to stop and terminated if it does not within the grace. */
  private abort(job: Job, reason: unknown): void {
    if (job.settled) return;
    const waiting = this.queue.indexOf(job);
    if (waiting !== -1) this.queue.splice(waiting, 1);
    this.settle(job, { ok: false, ...classifyError(reason) });
    const slot = [...this.slots].find((s) => s.job === job);
    if (!slot) return;
    const { error } = classifyError(reason);
    slot.worker.postMessage({ t: 'abort', id: job.id, reason: error } satisfies ToWorker);
    slot.grace = setTimeout(() => {
      if (slot.job === job) void this.kill(slot).then(() => this.pump());
    }, this.opts.abortGraceMs ?? 1000);
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.t) {
      case 'ready':
        if (slot.state !== 'booting') return;
        this.bootMs = performance.now() - slot.spawnedAt;
        slot.state = 'idle';
        this.pump();
        // An idle thread must not keep the process alive.
        if (slot.state === 'idle') slot.worker.unref();
        return;
      case 'log': {
        const job = this.jobOf(m.id);
        if (!job) return;
        const log = job.hooks.log[m.level].bind(job.hooks.log);
        if (m.obj) log(m.obj, m.msg);
        else log(m.msg);
        return;
      }
      case 'done': {
        const job = slot.job;
        if (!job || job.id !== m.id) return;
        this.settle(job, this.checked(job, m.result));
        this.free(slot);
        return;
      }
      case 'exit':
        slot.exitCode = m.code;
        return;
      case 'stray': {
        const owner = m.id === null ? slot.job : this.jobOf(m.id);
        const what = `${m.kind === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception'} ${m.error.name}: ${m.error.message}`;
        if (owner && !owner.settled) {
          this.settle(owner, { ok: false, error: { name: m.error.name, message: `node ${owner.task.node.id}: ${what}, raised outside the tool's promise (a callback or a forgotten promise)` }, retryable: true });
          if (slot.job === owner) void this.kill(slot).then(() => this.pump());
          return;
        }
        // The attempt already ended: its result stands; say so, and retire the thread.
        owner?.hooks.log.warn({ error: m.error }, `node ${owner.task.node.id}: ${what}, raised after its attempt ended; the result stands`);
        if (slot.state === 'busy') slot.retire = true;
        else void this.kill(slot).then(() => this.pump());
        return;
      }
    }
  }

  private onError(slot: Slot, e: Error): void {
    if (slot.state === 'booting') this.bootError = e;
    const job = slot.job;
    if (job && !job.settled) this.settle(job, { ok: false, error: { name: 'ToolThreadError', message: `node ${job.task.node.id}: its thread failed: ${e.message}` }, retryable: true });
  }

  private onExit(slot: Slot, code: number): void {
    const wasBooting = slot.state === 'booting';
    slot.state = 'dead';
    clearTimeout(slot.grace);
    this.slots.delete(slot);
    const job = slot.job;
    slot.job = undefined;
    if (job && !job.settled) {
      const id = job.task.node.id;
      const error =
        slot.exitCode !== undefined
          ? new ToolThreadError('ProcessExitError', `node ${id} called process.exit(${slot.exitCode}); a tool must return its result (or throw), not end the process`)
          : code === 0
            ? new ToolThreadError('NeverSettledError', `node ${id}'s promise never settled: nothing was left that could settle it (its event loop emptied)`)
            : new ToolThreadError('ToolThreadError', `node ${id}'s thread stopped unexpectedly (exit code ${code})`);
      this.settle(job, { ok: false, error: { name: error.name, message: error.message }, retryable: true });
    }
    if (wasBooting && code !== 0) this.bootError ??= new Error(`the thread exited with code ${code} while starting`);
    this.pump();
  }

  /** The worker's result, with the writes checked here (the schema lives on the main thread). */
  private checked(job: Job, result: AttemptResult): AttemptResult {
    if (!result.ok) return result;
    try {
      checkWrites(job.task.node, result.output, job.task.schema);
      return result;
    } catch (e) {
      return { ok: false, ...classifyError(e) };
    }
  }

  private free(slot: Slot): void {
    clearTimeout(slot.grace);
    slot.job = undefined;
    if (slot.retire) {
      void this.kill(slot).then(() => this.pump());
      return;
    }
    slot.state = 'idle';
    slot.worker.unref();
    this.pump();
  }

  private settle(job: Job, result: AttemptResult): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if (job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    this.recent.set(job.id, job);
    if (this.recent.size > 256) this.recent.delete(this.recent.keys().next().value!);
    job.resolve(result);
  }

  private jobOf(id: number | null): Job | undefined {
    if (id === null) return undefined;
    for (const s of this.slots) if (s.job?.id === id) return s.job;
    return this.recent.get(id);
  }

  private async kill(slot: Slot): Promise<void> {
    if (slot.state === 'dead') return;
    slot.state = 'dead';
    this.slots.delete(slot);
    await slot.worker.terminate();
  }
}
