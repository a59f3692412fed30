// Settings of the BullMQ executor and of `oe worker` (issue #13), checked once at the edge: the
// Redis URL, the queue name, and the one liveness knob from which BullMQ's lock and stalled-check
// intervals are derived. Pure: no I/O, no env reads (the CLI passes values in).
import { UsageError } from '../util/errors.js';

/** The queue attempts go to when `--queue` is not given. */
export const DEFAULT_QUEUE = 'oe';

/**
 * How long a worker may stay silent (no lock renewal) before its attempt is declared lost, in ms,
 * when `--worker-lost-ms` is not given. Issue #13 §2: "within 10 s by default".
 */
export const DEFAULT_WORKER_LOST_MS = 10_000;

/** The smallest `--worker-lost-ms`: BullMQ renews a lock every half lock duration, and a renewal takes a round trip. */
export const MIN_WORKER_LOST_MS = 1_000;

/** Where attempts run: in this process, or on `oe worker`s through a BullMQ queue on Redis. */
export type ExecutorChoice = { kind: 'inline' } | { kind: 'bullmq'; redis: RedisTarget; queue: string; lostMs: number };

/** A Redis server to connect to. `url` may hold a password; `display` never does. */
export interface RedisTarget {
  url: string;
  /** The URL with any password replaced by `***`, for messages and logs. */
  display: string;
}

/** BullMQ's timing options derived from the liveness knob, in ms. */
export interface LivenessIntervals {
  /** A worker's lock on its job lasts this long unless renewed (BullMQ renews it every half). */
  lockDuration: number;
  /** How often a stalled check runs (a job whose lock lapsed since the last check has stalled). */
  stalledInterval: number;
  /** How often the coordinator refreshes its heartbeat key, and reconciles jobs it has heard nothing of. */
  heartbeatInterval: number;
}

/**
 * Derives the intervals from `lostMs`: a dead worker's lock lapses within `lockDuration` (half of
 * lostMs) and the next stalled check after that finds it (every 0.4 × lostMs), so a lost attempt is
 * noticed within 0.9 × lostMs and the remaining tenth covers the event's trip to the coordinator.
 * The lock is renewed every 0.25 × lostMs (BullMQ's default: half the lock duration), so a healthy
 * worker has two renewals in hand before its lock could lapse.
 */
export function livenessIntervals(lostMs: number): LivenessIntervals {
  return {
    lockDuration: Math.ceil(lostMs / 2),
    stalledInterval: Math.floor((lostMs * 2) / 5),
    heartbeatInterval: Math.max(250, Math.floor(lostMs / 4)),
  };
}

/**
 * Parses a Redis URL (`redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS).
 * @throws {UsageError} naming `flag` and the value (its password hidden) when it is not one.
 */
export function parseRedisUrl(flag: string, value: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be a Redis URL such as redis://127.0.0.1:6379, not ${JSON.stringify(hidePassword(value))}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(`${flag} must be a redis:// or rediss:// URL, not ${JSON.stringify(hidePassword(value))}`);
  }
  if (!u.hostname) throw new UsageError(`${flag} names no host: ${JSON.stringify(hidePassword(value))}`);
  if (u.pathname && u.pathname !== '/' && !/^\/\d+$/.test(u.pathname)) {
    throw new UsageError(`${flag}: the path of a Redis URL is a database number (redis://host:6379/0), not ${JSON.stringify(u.pathname)}`);
  }
  return { url: value, display: hidePassword(value) };
}

/** The URL with its password (if any) replaced by `***`. Text that is not a URL is returned as is. */
export function hidePassword(value: string): string {
  try {
    const u = new URL(value);
    if (!u.password) return value;
    u.password = '***';
    return u.toString();
  } catch {
    return value;
  }
}

/**
 * Checks a queue name: BullMQ keeps a queue under `bull:<name>:…` and forbids `:` in it.
 * @throws {UsageError} for anything but 1–64 letters, digits, `_`, `-` and `.`.
 */
export function parseQueueName(flag: string, value: string | undefined): string {
  if (value === undefined) return DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw new UsageError(`${flag} must be 1–64 letters, digits, "_", "-" or ".", not ${JSON.stringify(value)}`);
  return value;
}

/**
 * Parses `--worker-lost-ms`.
 * @throws {UsageError} when it is not a whole number of at least MIN_WORKER_LOST_MS.
 */
export function parseLostMs(flag: string, value: string | undefined): number {
  if (value === undefined) return DEFAULT_WORKER_LOST_MS;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < MIN_WORKER_LOST_MS) {
    throw new UsageError(`${flag} must be a whole number of ms, at least ${MIN_WORKER_LOST_MS}, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** The executor flags of `oe run` / `oe resume`, as commander parses them. */
export interface ExecutorFlags {
  executor?: string;
  redis?: string;
  queue?: string;
  workerLostMs?: string;
}

/**
 * Resolves `--executor`, `--redis` (else env OE_REDIS_URL), `--queue` and `--worker-lost-ms`.
 * The Redis flags only mean something with `--executor bullmq`; given without it they are an error,
 * not silently ignored. OE_REDIS_URL alone never switches a run to workers.
 * @throws {UsageError} for an unknown executor, a missing or bad URL, a bad queue name or interval.
 */
export function parseExecutorFlags(flags: ExecutorFlags, env: NodeJS.ProcessEnv): ExecutorChoice {
  const kind = flags.executor ?? 'inline';
  if (kind !== 'inline' && kind !== 'bullmq') throw new UsageError(`--executor must be inline or bullmq, not ${JSON.stringify(kind)}`);
  if (kind === 'inline') {
    const stray = (['redis', 'queue', 'workerLostMs'] as const).filter((k) => flags[k] !== undefined);
    if (stray.length > 0) throw new UsageError(`${stray.map(flagName).join(', ')} only apply with --executor bullmq`);
    return { kind: 'inline' };
  }
  const url = flags.redis ?? env.OE_REDIS_URL;
  if (!url) throw new UsageError('--executor bullmq needs --redis <url> (or env OE_REDIS_URL), e.g. --redis redis://127.0.0.1:6379');
  return { kind: 'bullmq', redis: parseRedisUrl('--redis', url), queue: parseQueueName('--queue', flags.queue), lostMs: parseLostMs('--worker-lost-ms', flags.workerLostMs) };
}

const flagName = (k: 'redis' | 'queue' | 'workerLostMs'): string => (k === 'workerLostMs' ? '--worker-lost-ms' : `--${k}`);
