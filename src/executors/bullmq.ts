// The coordinator side of workers (issue #13): each attempt becomes one BullMQ job on Redis, run by
// an `oe worker` (executors/bullmq-worker.ts), and its result comes back as data through the queue's
// event stream. Scheduling, the memo, input hashes and the one log writer stay in the engine; this
// file only carries attempts out and back, and turns whatever happens on the way — a worker that
// dies, a job someone removed, Redis gone — into a failed attempt the node's on_error can retry.
// Delivery: BullMQ redelivers a stalled job; with `attempts: 1` and `maxStalledCount: 0` everywhere
// (workers and the coordinator's own stalled checker) a stalled job is failed, never re-run, so each
// attempt runs at most once and the log says what became of it. docs/distributed.md has the design.
import { relative, sep } from 'node:path';
import type { Queue, QueueEvents, Worker } from 'bullmq';
import { namedExports } from '../util/cjs-interop.js';
import type { Redis as RedisClient } from 'ioredis';
import { classifyError, errorRecord } from '../engine/execute.js';
import type { AttemptHooks, AttemptResult, AttemptTask, Executor } from '../engine/executor.js';
import { checkWrites } from '../engine/node-result.js';
import type { ErrorRecord } from '../log/events.js';
import type { NodeLogger } from '../nodes/runner.js';
import type { RunId } from '../util/ids.js';
import { livenessIntervals, type LivenessIntervals, type RedisTarget } from './bullmq-config.js';
import { connectRedis } from './bullmq-connection.js';
import { STALLED_REASON, WireError, jobDataOf, jobIdOf, oeKeys, parseProgress, parseResult, type CancelNote, type OeKeys } from './bullmq-wire.js';

/** What a BullmqExecutor needs. */
export interface BullmqExecutorOptions {
  redis: RedisTarget;
  queue: string;
  /** A worker silent this long (ms) has lost its attempt (`--worker-lost-ms`). */
  lostMs: number;
  /** The coordinator's workspace: experience directories travel relative to it. */
  workspace: string;
  /** Values never to send to Redis (the coordinator's secret env values, as `redactable` returns them). */
  secrets: readonly string[];
  /** Where the executor's own diagnostics go (Redis lost and back, results it cannot read). */
  log: NodeLogger;
}

/** An attempt whose job is out. */
interface Pending {
  jobId: string;
  task: AttemptTask;
  hooks: AttemptHooks;
  /** monotonic ms when the job was added. */
  addedAt: number;
  settled: boolean;
  resolve(r: AttemptResult): void;
  signal: AbortSignal;
  onAbort?: () => void;
}

/** How long close() waits for the last cancels and removals to reach Redis, in ms. */
const CLOSE_GRACE_MS = 2_000;
/** How long Redis keeps an attempt's job once it ended (for `oe`-less inspection), in s. */
const KEEP_FINISHED_S = 3_600;

/** Runs attempts on `oe worker`s through a BullMQ queue. Create it with `BullmqExecutor.open`. */
export class BullmqExecutor implements Executor {
  private readonly pending = new Map<string, Pending>();
  private readonly runs = new Map<RunId, Promise<void>>();
  private readonly chores = new Set<Promise<unknown>>();
  private readonly intervals: LivenessIntervals;
  private readonly keys: OeKeys;
  private readonly timers: NodeJS.Timeout[] = [];
  /** monotonic ms since when the connection is down, if it is. */
  private downSince: number | undefined;
  private closed = false;

  private constructor(
    private readonly opts: BullmqExecutorOptions,
    private readonly client: RedisClient,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly checker: Worker,
  ) {
    this.intervals = livenessIntervals(opts.lostMs);
    this.keys = oeKeys(opts.queue);
  }

  /**
   * Connects to Redis and starts listening to the queue's events, from the Redis server's present
   * time on (so no event of a job added afterwards is missed), and runs a stalled check of its own:
   * a worker that dies is noticed even when no other worker is left to notice it.
   * @throws {RedisUnavailableError} when Redis cannot be reached.
   */
  static async open(opts: BullmqExecutorOptions): Promise<BullmqExecutor> {
    const client = await connectRedis(opts.redis, `oe-coordinator-${process.pid}`);
    const { Queue, QueueEvents, Worker } = namedExports(await import('bullmq'), 'Queue');
    const [seconds, micros] = (await client.call('TIME')) as [string, string];
    const serverMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const connection = { url: opts.redis.url, maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(n * 100, 2_000) };
    const iv = livenessIntervals(opts.lostMs);
    const queue = new Queue(opts.queue, { connection: client });
    const events = new QueueEvents(opts.queue, { connection, lastEventId: `${serverMs - 1}-0` });
    // No processor: this worker only runs BullMQ's stalled check (the "manual fetching" pattern).
    const checker = new Worker(opts.queue, null, { connection, autorun: false, maxStalledCount: 0, lockDuration: iv.lockDuration, stalledInterval: iv.stalledInterval });
    const ex = new BullmqExecutor(opts, client, queue, events, checker);
    ex.listen();
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), checker.waitUntilReady()]);
    await checker.startStalledCheckTimer();
    return ex;
  }

  /** The coordinator's LLM settings are never sent: workers use their own environment (issue #13 §4). */
  setLlm(): void {}

  /** No attempt runs in this process, so no stray error belongs to one. */
  claimUncaught(): boolean {
    return false;
  }

  /** No attempt runs in this process, so none can be stalled in it. */
  failStalled(): number {
    return 0;
  }

  attempt(task: AttemptTask, hooks: AttemptHooks, signal: AbortSignal): Promise<AttemptResult> {
    return new Promise<AttemptResult>((resolve) => {
      const jobId = jobIdOf(task);
      const p: Pending = { jobId, task, hooks, addedAt: performance.now(), settled: false, resolve, signal };
      if (this.closed) return resolve({ ok: false, error: { name: 'CancelledError', message: 'the executor is closed' }, retryable: false });
      if (signal.aborted) return resolve({ ok: false, ...classifyError(signal.reason) });
      const refused = this.refusal(task);
      if (refused) return resolve({ ok: false, error: refused, retryable: false });
      if (this.downSince !== undefined && performance.now() - this.downSince > this.opts.lostMs) {
        return resolve(this.redisLost(task));
      }
      p.onAbort = () => this.abort(p, signal.reason);
      signal.addEventListener('abort', p.onAbort, { once: true });
      this.pending.set(jobId, p);
      void this.enqueue(p);
    });
  }

  /** Why an attempt must not go to Redis, if it must not: its data holds a secret of this process. */
  private refusal(task: AttemptTask): ErrorRecord | undefined {
    if (this.opts.secrets.length === 0) return undefined;
    const text = JSON.stringify(task);
    if (!this.opts.secrets.some((s) => text.includes(s))) return undefined;
    return {
      name: 'SecretInTaskError',
      message: `node ${task.node.id}: its input holds the value of one of this process's secret environment variables (*_KEY, *_TOKEN, *_SECRET); oe never sends secrets to Redis — give workers their own environment instead`,
    };
  }

  private async enqueue(p: Pending): Promise<void> {
    const t = p.task;
    try {
      await this.heartbeat(t.runId);
      const data = jobDataOf(t, posixRelative(this.opts.workspace, t.experienceDir), this.opts.lostMs);
      await this.queue.add(t.node.id, data, {
        jobId: p.jobId,
        attempts: 1,
        removeOnComplete: { age: KEEP_FINISHED_S },
        removeOnFail: { age: KEEP_FINISHED_S },
      });
    } catch (e) {
      this.settle(p, { ok: false, error: { name: 'RedisError', message: `node ${t.node.id}: cannot enqueue attempt ${t.attempt} on queue ${this.opts.queue}: ${errorRecord(e).message}` }, retryable: true });
    }
  }

  /** Starts the heartbeat of a run at its first attempt; resolves once its key is set. */
  private heartbeat(runId: RunId): Promise<void> {
    let beat = this.runs.get(runId);
    if (!beat) {
      beat = this.beat(runId);
      this.runs.set(runId, beat);
    }
    return beat;
  }

  private async beat(runId: RunId): Promise<void> {
    // Three intervals of grace: a coordinator that is only slow for a moment is not taken for gone.
    await this.client.set(this.keys.run(runId), JSON.stringify({ pid: process.pid }), 'PX', this.opts.lostMs * 3);
  }

  private listen(): void {
    this.client.on('error', (e) => this.onConnectionError(e));
    this.client.on('close', () => (this.downSince ??= performance.now()));
    this.client.on('ready', () => {
      if (this.downSince !== undefined) this.opts.log.warn({ queue: this.opts.queue }, `Redis at ${this.opts.redis.display} is reachable again`);
      this.downSince = undefined;
    });
    const onError = (e: Error): void => this.onConnectionError(e);
    this.events.on('error', onError);
    this.checker.on('error', onError);
    this.queue.on('error', onError);
    this.events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data));
    this.events.on('completed', ({ jobId, returnvalue }) => this.onCompleted(jobId, returnvalue));
    this.events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason));
    this.events.on('stalled', ({ jobId }) => void this.onStalled(jobId));
    this.events.on('removed', ({ jobId }) => this.onRemoved(jobId));
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.intervals.heartbeatInterval, () => this.tick());
  }

  private errorsSeen = new Set<string>();
  private onConnectionError(e: Error): void {
    // ioredis repeats an error on every reconnection attempt: say each kind once.
    const key = `${(e as NodeJS.ErrnoException).code ?? e.name}:${e.message}`;
    if (this.errorsSeen.has(key)) return;
    this.errorsSeen.add(key);
    this.opts.log.warn({ queue: this.opts.queue, err: errorRecord(e) }, `Redis at ${this.opts.redis.display}: ${e.message}`);
  }

  /** Heartbeats, Redis loss, and a look at jobs nothing was heard of for a stalled interval. */
  private tick(): void {
    if (this.closed) return;
    const now = performance.now();
    if (this.downSince !== undefined) {
      // The jobs' fate is unknown: fail them, and queue their cancel marks for when Redis is back
      // (ioredis sends queued commands in order, after any add still waiting to go out).
      if (now - this.downSince > this.opts.lostMs) {
        for (const p of [...this.pending.values()]) {
          this.settle(p, this.redisLost(p.task));
          this.forget(p.jobId, { name: 'RedisLost', message: 'the coordinator lost Redis and gave this attempt up' });
        }
      }
      return;
    }
    for (const runId of this.runs.keys()) this.chore(this.beat(runId));
    for (const p of this.pending.values()) if (now - p.addedAt > this.intervals.stalledInterval) this.chore(this.reconcile(p));
  }

  /**
   * Reads a job's state straight from Redis: the event stream is the fast path, and this catches
   * what it may have missed (events trimmed, a reconnection): a job that finished, stalled, or is gone.
   */
  private async reconcile(p: Pending): Promise<void> {
    const job = await this.queue.getJob(p.jobId);
    if (p.settled) return;
    if (!job) {
      this.settle(p, { ok: false, error: { name: 'JobLostError', message: `node ${p.task.node.id}: the job of attempt ${p.task.attempt} (${p.jobId}) is no longer in Redis (removed, or Redis lost its data)` }, retryable: true });
      return;
    }
    if (job.deferredFailure === STALLED_REASON) return this.onStalled(p.jobId);
    if (job.finishedOn === undefined) return;
    if (job.failedReason) this.onFailed(p.jobId, job.failedReason);
    else this.onCompleted(p.jobId, job.returnvalue);
  }

  private onProgress(jobId: string, data: unknown): void {
    const p = this.pending.get(jobId);
    if (!p || p.settled) return;
    const m = parseProgress(data);
    if (!m) return;
    if (m.t === 'retry') p.hooks.onRetry({ status: m.status, waitMs: m.waitMs, reason: m.reason });
    else if (m.obj) p.hooks.log[m.level](m.obj, m.msg);
    else p.hooks.log[m.level](m.msg);
  }

  private onCompleted(jobId: string, value: unknown): void {
    const p = this.pending.get(jobId);
    if (!p || p.settled) return;
    let result: AttemptResult;
    try {
      result = parseResult(value);
      // The worker checked them too; a result is checked where it is appended (STYLE §3.7).
      if (result.ok) checkWrites(p.task.node, result.output, p.task.schema);
    } catch (e) {
      const { error } = classifyError(e);
      result = { ok: false, error: e instanceof WireError ? { name: error.name, message: `node ${p.task.node.id}: ${error.message}` } : error, retryable: false };
    }
    this.settle(p, result);
  }

  private onFailed(jobId: string, reason: string): void {
    const p = this.pending.get(jobId);
    if (!p || p.settled) return;
    if (reason === STALLED_REASON) return void this.onStalled(jobId);
    this.settle(p, { ok: false, error: { name: 'WorkerError', message: `node ${p.task.node.id}: the worker failed the job of attempt ${p.task.attempt}: ${reason}` }, retryable: true });
  }

  /** The job's lock lapsed: its worker died, hung, or lost Redis. The attempt is lost; the job is removed so nobody runs it. */
  private async onStalled(jobId: string): Promise<void> {
    const p = this.pending.get(jobId);
    if (!p || p.settled) return;
    const job = await this.queue.getJob(jobId).catch(() => undefined);
    if (p.settled) return;
    const who = job?.processedBy ? `its worker (${job.processedBy})` : 'its worker';
    const t = p.task;
    this.settle(p, {
      ok: false,
      error: {
        name: 'WorkerLost',
        message: `node ${t.node.id}${t.iteration ? `[${t.iteration.index}]` : ''} attempt ${t.attempt}: ${who} stopped renewing the job's lock for over ${this.intervals.lockDuration} ms — it died, hung, or lost Redis; the attempt's outcome is unknown`,
      },
      retryable: true,
    });
    this.forget(jobId, { name: 'WorkerLost', message: 'the coordinator gave this attempt up as lost' });
  }

  private onRemoved(jobId: string): void {
    const p = this.pending.get(jobId);
    if (!p || p.settled) return;
    this.settle(p, { ok: false, error: { name: 'JobLostError', message: `node ${p.task.node.id}: the job of attempt ${p.task.attempt} (${jobId}) was removed from the queue before it finished` }, retryable: true });
  }

  private redisLost(task: AttemptTask): AttemptResult {
    return {
      ok: false,
      error: { name: 'RedisLost', message: `node ${task.node.id}: no connection to Redis at ${this.opts.redis.display} for over ${this.opts.lostMs} ms; the attempt's outcome is unknown` },
      retryable: true,
    };
  }

  /** A cancel (or the run's end): the attempt fails now with the signal's reason; the worker is told to stop. */
  private abort(p: Pending, reason: unknown): void {
    if (p.settled) return;
    this.settle(p, { ok: false, ...classifyError(reason) });
    this.forget(p.jobId, errorRecord(reason));
  }

  /**
   * Makes sure a job given up on never runs, or stops if it runs: marks it cancelled (a worker checks
   * the mark before it starts a job), tells the workers (the one holding it aborts its attempt), and
   * removes it if it is still waiting.
   */
  private forget(jobId: string, error: ErrorRecord): void {
    const note: CancelNote = { jobId, error };
    const text = JSON.stringify(note);
    this.chore(
      (async () => {
        await this.client.set(this.keys.cancel(jobId), text, 'PX', KEEP_FINISHED_S * 1000);
        await this.client.publish(this.keys.cancelChannel, text);
        await this.queue.remove(jobId);
      })(),
    );
  }

  private chore(p: Promise<unknown>): void {
    const tracked = p.catch((e: unknown) => this.onConnectionError(e instanceof Error ? e : new Error(String(e)))).finally(() => this.chores.delete(tracked));
    this.chores.add(tracked);
  }

  private settle(p: Pending, result: AttemptResult): void {
    if (p.settled) return;
    p.settled = true;
    this.pending.delete(p.jobId);
    if (p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
    p.resolve(result);
  }

  /**
   * Ends what is still out (as cancelled), lets the last cancels reach Redis, removes the runs'
   * heartbeats (workers then refuse any job of theirs still waiting) and closes the connections.
   * Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const p of [...this.pending.values()]) this.abort(p, Object.assign(new Error('the run ended before the attempt did'), { name: 'CancelledError' }));
    if (this.downSince === undefined) {
      for (const runId of this.runs.keys()) this.chore(this.client.del(this.keys.run(runId)));
      await settleWithin([...this.chores], CLOSE_GRACE_MS);
    }
    // QueueEvents.close() waits for a connection that is not coming back when Redis is gone: bounded,
    // and not waited for at all then.
    await settleWithin([this.events.close(), this.checker.close(true), this.queue.close()], this.downSince === undefined ? CLOSE_GRACE_MS : 0);
    this.client.disconnect();
  }
}

/** `abs` relative to `root`, with POSIX separators (`.` for the root itself). */
function posixRelative(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/') || '.';
}

/** Waits for the promises, at most `ms`. */
async function settleWithin(ps: Array<Promise<unknown>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(ps), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
