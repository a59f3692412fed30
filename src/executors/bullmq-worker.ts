// The attempt loop of `oe worker` (issue #13 §1): takes attempt jobs from a BullMQ queue and runs
// each through an InlineExecutor of its own — the same node runners and tool isolation as a local
// run — after checking that the job is still wanted (its coordinator is alive and has not cancelled
// it) and that this worker's files hash as the coordinator's do. Results, log lines and LLM retries
// go back as data; the worker's secrets are redacted from all of them first.
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Job, Worker } from 'bullmq';
import { namedExports } from '../util/cjs-interop.js';
import type { Redis as RedisClient } from 'ioredis';
import type { Logger } from 'pino';
import { classifyError, errorRecord } from '../engine/execute.js';
import type { AttemptHooks, AttemptResult, AttemptTask } from '../engine/executor.js';
import { createHasher } from '../engine/hash.js';
import type { ErrorRecord } from '../log/events.js';
import { redactText, redactValue, redactingLogger } from '../log/redact.js';
import type { LlmSettings, NodeLogger } from '../nodes/runner.js';
import { livenessIntervals, type RedisTarget } from './bullmq-config.js';
import { connectRedis } from './bullmq-connection.js';
import { FileCheck, type LocalParts } from './bullmq-files.js';
import { WireError, oeKeys, parseCancelNote, parseJobData, type JobData, type Progress } from './bullmq-wire.js';
import { InlineExecutor } from './inline.js';
import { ToolPool } from './tool-pool.js';

/** What an AttemptWorker needs. */
export interface AttemptWorkerOptions {
  redis: RedisTarget;
  queue: string;
  /** Attempts at once. */
  concurrency: number;
  /** `--worker-lost-ms`: sets this worker's lock duration (see livenessIntervals). */
  lostMs: number;
  /** The worker's workspace: a job's experience path resolves against it. */
  workspace: string;
  /** This worker's LLM settings, from its own flags and environment. */
  llm: LlmSettings;
  /** This worker's secret values (as `redactable` returns them): never sent back through Redis. */
  secrets: readonly string[];
  /** The worker's name in Redis (BullMQ's `processedBy`), e.g. `oe-worker@host/pid`. */
  name: string;
  /** Called once per attempt started, finished or refused (the CLI prints a line on stdout). */
  report(kind: AttemptReport, fields: AttemptFields): void;
  /** Diagnostics and node logs (stderr). */
  err: Logger;
  /** Where tools' own stdout and stderr go. */
  toolStdout: Writable;
  toolStderr: Writable;
}

/** How long a stopping worker waits for its last results to reach Redis once it holds nothing, in ms. */
const STOP_GRACE_MS = 2_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** What happened to an attempt job here. */
export type AttemptReport = 'started' | 'finished' | 'refused';

/** Which attempt a report is about, and for `finished`/`refused` how it ended. */
export interface AttemptFields {
  jobId: string;
  runId?: string;
  nodeId?: string;
  iteration?: number;
  attempt?: number;
  ok?: boolean;
  error?: ErrorRecord;
  durationMs?: number;
}

/**
 * A set of tool threads and the files they may have imported. A tool module is imported once per
 * thread, so once a job names a file whose content changed since, a new generation takes the jobs
 * from then on, and the old one is closed when its last attempt ends (a long-lived worker never runs
 * stale code under a new hash).
 */
interface Generation {
  executor: InlineExecutor;
  tools: ToolPool;
  /** Content hash of each file (absolute path) its tool attempts may have imported. */
  files: Map<string, string>;
  inFlight: number;
  retired: boolean;
}

/** A job being run here. */
interface Held {
  controller: AbortController;
  data: JobData;
}

/** An error that ends an attempt from outside (a cancel, a stop), with the name it is recorded under. */
function named(e: ErrorRecord): Error {
  return Object.assign(new Error(e.message), { name: e.name });
}

/** Runs attempt jobs until stopped. Create it with `AttemptWorker.start`. */
export class AttemptWorker {
  private readonly held = new Map<string, Held>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly keys;
  private generation: Generation;
  private readonly old = new Set<Generation>();
  private readonly warnedLostMs = new Set<number>();
  private stopping: Promise<void> | undefined;
  /** Resolves when the worker has stopped (after `stop`, or when BullMQ's loop ends on its own). */
  readonly done: Promise<void>;
  private markDone!: () => void;
  private worker!: Worker;

  private constructor(
    private readonly opts: AttemptWorkerOptions,
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly files: FileCheck,
  ) {
    this.keys = oeKeys(opts.queue);
    this.generation = this.newGeneration();
    this.done = new Promise((r) => (this.markDone = r));
  }

  /**
   * Connects, subscribes to cancels, and starts taking jobs.
   * @throws {RedisUnavailableError} when Redis cannot be reached.
   */
  static async start(opts: AttemptWorkerOptions): Promise<AttemptWorker> {
    const client = await connectRedis(opts.redis, opts.name);
    const subscriber = client.duplicate();
    const files = new FileCheck(await createHasher(), opts.llm);
    const self = new AttemptWorker(opts, client, subscriber, files);
    const warn = (e: Error): void => opts.err.warn({ err: errorRecord(e) }, `Redis at ${opts.redis.display}: ${e.message}`);
    client.on('error', warn);
    subscriber.on('error', warn);
    await subscriber.subscribe(self.keys.cancelChannel);
    subscriber.on('message', (_channel: string, text: string) => self.onCancel(text));
    const { Worker } = namedExports(await import('bullmq'), 'Worker');
    const iv = livenessIntervals(opts.lostMs);
    self.worker = new Worker(opts.queue, (job: Job, _token?: string, signal?: AbortSignal) => self.process(job, signal), {
      connection: { url: opts.redis.url, maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(n * 100, 2_000) },
      autorun: false,
      concurrency: opts.concurrency,
      // Issue #13 §2: one delivery. A job whose lock lapses is failed, never handed to another worker.
      maxStalledCount: 0,
      lockDuration: iv.lockDuration,
      stalledInterval: iv.stalledInterval,
      name: opts.name,
    });
    self.worker.on('error', warn);
    await self.worker.waitUntilReady();
    self.worker.run().then(
      () => self.markDone(),
      (e: unknown) => {
        opts.err.error({ err: errorRecord(e) }, `the worker stopped: ${errorRecord(e).message}`);
        self.markDone();
      },
    );
    return self;
  }

  /** The in-process executors, for errors raised outside any attempt's promise (see InlineExecutor.claimUncaught). */
  claimUncaught(error: unknown): boolean {
    for (const g of [this.generation, ...this.old]) if (g.executor.claimUncaught(error)) return true;
    return false;
  }

  /**
   * Stops taking jobs. `finish`: the attempts held run to their end and their results go back.
   * `abort`: they are aborted now and handed back as failed (`WorkerStopped`, retryable), so the
   * coordinator's on_error can run them elsewhere. Calling it again with `abort` escalates.
   */
  stop(mode: 'finish' | 'abort', reason: string): Promise<void> {
    if (mode === 'abort') for (const h of this.held.values()) h.controller.abort(named({ name: 'WorkerStopped', message: `the worker running it was stopped (${reason}) and handed the attempt back` }));
    this.stopping ??= (async () => {
      // BullMQ's close waits for the held jobs, then for their results to reach Redis; with Redis
      // gone that would be forever, so once nothing is held the results get a grace, then the
      // connections are dropped (the coordinator counts such attempts as lost).
      const closed = this.worker.close();
      await Promise.race([closed, this.idle().then(() => sleep(STOP_GRACE_MS))]);
      await Promise.race([this.worker.close(true), sleep(STOP_GRACE_MS)]);
      await Promise.allSettled([...[this.generation, ...this.old].map((g) => g.executor.close())]);
      this.subscriber.disconnect();
      this.client.disconnect();
      this.markDone();
    })();
    return this.stopping;
  }

  /** Resolves once no attempt is held here. */
  private idle(): Promise<void> {
    if (this.held.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** How many attempts are running here. */
  get busy(): number {
    return this.held.size;
  }

  private newGeneration(): Generation {
    const tools = new ToolPool({ maxWorkers: this.opts.concurrency, stdout: this.opts.toolStdout, stderr: this.opts.toolStderr });
    const executor = new InlineExecutor({ tools });
    executor.setLlm(this.opts.llm);
    return { executor, tools, files: new Map(), inFlight: 0, retired: false };
  }

  /** The generation a tool attempt on these files runs in (a new one when a file changed since it was imported). */
  private generationFor(data: JobData, dir: string, local: LocalParts): Generation {
    if (data.node.kind !== 'tool') return this.generation;
    const entries = Object.entries(local.code);
    let g = this.generation;
    if (entries.some(([abs, hash]) => g.files.has(abs) && g.files.get(abs) !== hash)) {
      g.retired = true;
      if (g.inFlight > 0) this.old.add(g);
      else void g.executor.close();
      g = this.generation = this.newGeneration();
    }
    for (const [abs, hash] of entries) g.files.set(abs, hash);
    return g;
  }

  private onCancel(text: string): void {
    const note = parseCancelNote(text);
    if (!note) {
      this.opts.err.warn({ channel: this.keys.cancelChannel }, 'ignored a message on the cancel channel that is not a cancel');
      return;
    }
    this.held.get(note.jobId)?.controller.abort(named(note.error));
  }

  /** BullMQ's processor: never throws — every outcome is an AttemptResult (a failed job is reserved for a lost worker). */
  private async process(job: Job, bullSignal: AbortSignal | undefined): Promise<AttemptResult> {
    const jobId = job.id!;
    let data: JobData;
    try {
      data = parseJobData(job.data);
    } catch (e) {
      const error = errorRecord(e);
      this.opts.report('refused', { jobId, error });
      return { ok: false, error, retryable: e instanceof WireError ? false : true };
    }
    const where: AttemptFields = { jobId, runId: data.runId, nodeId: data.node.id, ...(data.iteration ? { iteration: data.iteration.index } : {}), attempt: data.attempt };
    if (data.lostMs !== this.opts.lostMs && !this.warnedLostMs.has(data.lostMs)) {
      this.warnedLostMs.add(data.lostMs);
      this.opts.err.warn({ coordinator: data.lostMs, worker: this.opts.lostMs }, `a coordinator uses --worker-lost-ms ${data.lostMs}, this worker ${this.opts.lostMs}: a lost worker is noticed after the longer of the two; give both the same value`);
    }
    const controller = new AbortController();
    const onStop = (): void => controller.abort(named({ name: 'WorkerStopped', message: 'the worker running it was stopped and handed the attempt back' }));
    bullSignal?.addEventListener('abort', onStop, { once: true });
    this.held.set(jobId, { controller, data });
    const t0 = performance.now();
    try {
      const dir = resolve(this.opts.workspace, data.experiencePath);
      // The two checks are independent: one round trip to Redis, overlapped with reading the files.
      const [refusal, { refusal: mismatch, local }] = await Promise.all([this.refusal(jobId, data), this.files.check(data.node, dir, data.hashParts)]);
      if (refusal) {
        this.opts.report('refused', { ...where, ...(refusal.ok ? {} : { error: refusal.error }) });
        return refusal;
      }
      if (mismatch) {
        this.opts.report('refused', { ...where, error: mismatch });
        // Another worker may hold the right files: the node's on_error decides.
        return { ok: false, error: mismatch, retryable: true };
      }
      const g = this.generationFor(data, dir, local);
      this.opts.report('started', where);
      g.inFlight++;
      let progress = Promise.resolve();
      const send = (p: Progress): void => {
        progress = progress.then(() => job.updateProgress(redactValue(p, this.opts.secrets) as object)).catch((e: unknown) => {
          this.opts.err.warn({ ...where, err: errorRecord(e) }, `cannot forward a progress update: ${errorRecord(e).message}`);
        });
      };
      let result: AttemptResult;
      try {
        result = await g.executor.attempt(taskOf(data, dir), this.hooks(where, send), controller.signal);
      } finally {
        g.inFlight--;
        if (g.retired && g.inFlight === 0) {
          this.old.delete(g);
          void g.executor.close();
        }
      }
      // The coordinator sees the attempt's log lines before its result (one ordered event stream).
      await progress;
      const safe = redactValue(result, this.opts.secrets) as AttemptResult;
      this.opts.report('finished', { ...where, ok: safe.ok, ...(safe.ok ? {} : { error: safe.error }), durationMs: Math.round(performance.now() - t0) });
      return safe;
    } catch (e) {
      // A bug here, not the node's: the attempt fails with it rather than the job (a failed job means a lost worker).
      const error = { name: 'WorkerError', message: redactText(`the worker could not run the attempt: ${errorRecord(e).message}`, this.opts.secrets) };
      this.opts.report('finished', { ...where, ok: false, error, durationMs: Math.round(performance.now() - t0) });
      return { ok: false, error, retryable: true };
    } finally {
      bullSignal?.removeEventListener('abort', onStop);
      this.held.delete(jobId);
      if (this.held.size === 0) for (const r of this.idleWaiters.splice(0)) r();
    }
  }

  /** Why a job must not run at all: its coordinator cancelled it, or is gone. */
  private async refusal(jobId: string, data: JobData): Promise<AttemptResult | undefined> {
    const [run, cancel] = await this.client.mget(this.keys.run(data.runId), this.keys.cancel(jobId));
    const note = cancel == null ? undefined : parseCancelNote(cancel);
    if (note) return { ok: false, ...classifyError(named(note.error)), retryable: false };
    if (run == null) {
      return {
        ok: false,
        error: { name: 'CoordinatorGone', message: `node ${data.node.id}: run ${data.runId} has no live coordinator (it ended or crashed), so nobody would record this attempt` },
        retryable: false,
      };
    }
    return undefined;
  }

  /** An attempt's hooks: its log lines go to this worker's stderr and back to the coordinator; so do LLM retries. */
  private hooks(where: AttemptFields, send: (p: Progress) => void): AttemptHooks {
    const { jobId, runId, nodeId, iteration, attempt } = where;
    const local = redactingLogger(this.opts.err.child({ jobId, runId, nodeId, ...(iteration !== undefined ? { iteration } : {}), attempt }), this.opts.secrets);
    const at =
      (level: 'debug' | 'info' | 'warn' | 'error') =>
      (obj: object | string, msg?: string): void => {
        if (typeof obj === 'string') {
          local[level](obj);
          send({ t: 'log', level, msg: obj });
          return;
        }
        local[level](obj, msg);
        send({ t: 'log', level, msg: msg ?? '', obj: plain(obj) });
      };
    const log: NodeLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    return { log, onRetry: (info) => send({ t: 'retry', status: info.status, waitMs: info.waitMs, reason: info.reason }) };
  }
}

/** The AttemptTask of a job, its experience directory resolved in this worker's workspace. */
function taskOf(d: JobData, experienceDir: string): AttemptTask {
  return {
    runId: d.runId,
    node: d.node,
    ...(d.iteration ? { iteration: d.iteration } : {}),
    attempt: d.attempt,
    input: d.input,
    experienceDir,
    args: d.args,
    schema: d.schema,
    ...(d.timeoutMs !== undefined ? { timeoutMs: d.timeoutMs } : {}),
    inputHash: d.inputHash,
    hashParts: d.hashParts,
  };
}

/** A log call's object as plain JSON (an Error as its name and message). */
function plain(obj: object): Record<string, unknown> {
  if (obj instanceof Error) return { err: errorRecord(obj) };
  try {
    return JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  } catch {
    return { unserializable: String(obj) };
  }
}
