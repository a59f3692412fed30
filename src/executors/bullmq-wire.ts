// What travels through Redis between a coordinator and its workers (issue #13), and how each side
// parses what it reads (STYLE §3.7: parse at the edge). Pure. Redis carries:
// - a job per attempt: its id names the attempt, its data is the AttemptTask (no LLM settings, no
//   env: secrets stay where they are), its return value the AttemptResult;
// - job progress updates: a node's log lines and LLM request retries, forwarded as they happen;
// - oe's own keys beside BullMQ's: a heartbeat per live run, and a cancel mark per aborted job (with
//   a pub/sub channel that tells workers at once).
import { z } from 'zod';
import type { AttemptResult, AttemptTask } from '../engine/executor.js';

/**
 * The version of JobData. A worker refuses a job of another version with a clear error.
 * - 1: first version (issue #13).
 */
export const WIRE_VERSION = 1;

/** A job's data: the AttemptTask, with the experience directory relative to the workspace. */
export type JobData = Omit<AttemptTask, 'experienceDir'> & {
  v: typeof WIRE_VERSION;
  /** The experience directory relative to the coordinator's workspace, POSIX separators (`.` = the workspace). */
  experiencePath: string;
  /** The coordinator's `--worker-lost-ms`, so a worker whose own setting differs can warn. */
  lostMs: number;
};

/**
 * The BullMQ job id of one attempt: `<runId>.<nodeId>.<n | i<index>>.<attempt>.<inputHash>`.
 * BullMQ forbids `:` in custom ids; none of the parts can hold one (a UUID, a node id, hex). The id
 * makes an enqueue idempotent: adding the same attempt twice yields one job.
 */
export function jobIdOf(task: Pick<AttemptTask, 'runId' | 'iteration' | 'attempt' | 'inputHash'> & { node: { id: string } }): string {
  const unit = task.iteration ? `i${task.iteration.index}` : 'n';
  return `${task.runId}.${task.node.id}.${unit}.${task.attempt}.${task.inputHash}`;
}

/** The job data of a task; `experiencePath` is the task's directory relative to the coordinator's workspace. */
export function jobDataOf(task: AttemptTask, experiencePath: string, lostMs: number): JobData {
  return {
    v: WIRE_VERSION,
    runId: task.runId,
    node: task.node,
    ...(task.iteration ? { iteration: { index: task.iteration.index } } : {}),
    attempt: task.attempt,
    input: task.input,
    experiencePath,
    args: task.args,
    schema: task.schema,
    ...(task.timeoutMs !== undefined ? { timeoutMs: task.timeoutMs } : {}),
    inputHash: task.inputHash,
    hashParts: task.hashParts,
    lostMs,
  };
}

/** Data a worker cannot use: another wire version, or a shape that is not JobData. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

const jsonObject = z.record(z.string(), z.unknown());
const jobDataShape = z.object({
  v: z.number(),
  runId: z.string().regex(/^[0-9a-f-]{36}$/i),
  node: z.object({ id: z.string(), kind: z.string() }).passthrough(),
  iteration: z.object({ index: z.number().int().nonnegative() }).optional(),
  attempt: z.number().int().positive(),
  input: z.object({ _state: jsonObject, _edge_inputs: jsonObject }).passthrough(),
  experiencePath: z.string(),
  args: jsonObject,
  schema: jsonObject,
  timeoutMs: z.number().positive().optional(),
  inputHash: z.string().regex(/^[0-9a-f]{16}$/),
  hashParts: z.record(z.string(), z.string()),
  lostMs: z.number().positive(),
});

/**
 * Parses a job's data as a worker reads it.
 * @throws {WireError} for another wire version (naming both) or a shape that is not JobData.
 */
export function parseJobData(raw: unknown): JobData {
  const v = (raw as { v?: unknown } | null)?.v;
  if (v !== WIRE_VERSION) {
    throw new WireError(`the job's data is wire version ${JSON.stringify(v)}, this worker reads version ${WIRE_VERSION}: run the same oe version on the coordinator and its workers`);
  }
  const r = jobDataShape.safeParse(raw);
  if (!r.success) throw new WireError(`the job's data is not an oe attempt: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return raw as JobData;
}

const errorShape = z.object({ name: z.string(), message: z.string() });
const usageShape = z.object({ inputTokens: z.number(), outputTokens: z.number(), model: z.string() }).passthrough();
const resultShape = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), output: z.object({ state_delta: jsonObject, edge_output: z.unknown() }), usage: usageShape.optional() }),
  z.object({ ok: z.literal(false), error: errorShape, retryable: z.boolean(), usage: usageShape.optional() }),
]);

/**
 * Parses a job's return value as the coordinator reads it.
 * @throws {WireError} when it is not an AttemptResult.
 */
export function parseResult(raw: unknown): AttemptResult {
  const r = resultShape.safeParse(raw);
  if (!r.success) throw new WireError(`the worker's result is not an attempt result: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const out = raw as AttemptResult;
  if (out.ok) return { ok: true, output: { state_delta: out.output.state_delta, edge_output: out.output.edge_output ?? null }, ...(out.usage ? { usage: out.usage } : {}) };
  return { ok: false, error: { name: out.error.name, message: out.error.message }, retryable: out.retryable, ...(out.usage ? { usage: out.usage } : {}) };
}

/** What a worker reports while an attempt runs, as job progress. */
export type Progress =
  | { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; obj?: Record<string, unknown> }
  | { t: 'retry'; status: number | null; waitMs: number; reason: string };

const progressShape = z.discriminatedUnion('t', [
  z.object({ t: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), msg: z.string(), obj: jsonObject.optional() }),
  z.object({ t: z.literal('retry'), status: z.number().nullable(), waitMs: z.number(), reason: z.string() }),
]);

/** Parses a progress update; undefined when it is not one of oe's (a foreign writer, a newer worker). */
export function parseProgress(raw: unknown): Progress | undefined {
  return progressShape.safeParse(raw).success ? (raw as Progress) : undefined;
}

/** oe's own Redis keys for a queue, beside BullMQ's `bull:<queue>:…`. */
export interface OeKeys {
  /** A live run's heartbeat: set by its coordinator, expiring when the coordinator stops refreshing it. */
  run(runId: string): string;
  /** Marks a job whose attempt the coordinator gave up (cancelled, lost): a worker must not run it. */
  cancel(jobId: string): string;
  /** The pub/sub channel on which cancels reach the workers holding those jobs. */
  cancelChannel: string;
}

/** The keys of queue `queue`. */
export function oeKeys(queue: string): OeKeys {
  const base = `oe-workers:${queue}`;
  return { run: (runId) => `${base}:run:${runId}`, cancel: (jobId) => `${base}:cancel:${jobId}`, cancelChannel: `${base}:cancel` };
}

/** A cancel as published on the cancel channel (and stored under the job's cancel key). */
export interface CancelNote {
  jobId: string;
  error: { name: string; message: string };
}

/** Parses a cancel note; undefined when the text is not one. */
export function parseCancelNote(text: string): CancelNote | undefined {
  try {
    const v = JSON.parse(text) as CancelNote;
    return typeof v?.jobId === 'string' && typeof v.error?.name === 'string' && typeof v.error.message === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The failure reason BullMQ gives a job that stalled more often than maxStalledCount allows. */
export const STALLED_REASON = 'job stalled more than allowable limit';
