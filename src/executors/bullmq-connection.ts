// One Redis connection, opened before anything is written (issue #13): a coordinator that cannot
// reach Redis fails before run.started, a worker before it says it is ready. ioredis reports a
// refused connection as "Connection is closed."; the error event before it says why, so that is the
// one the message names.
import type { Redis as RedisClient } from 'ioredis';
import { namedExports } from '../util/cjs-interop.js';
import { OeError } from '../util/errors.js';
import type { RedisTarget } from './bullmq-config.js';

/** Redis cannot be reached (or answered with an error) at start. Exit 1. */
export class RedisUnavailableError extends OeError {}

/** How long a first connection may take before oe gives up, in ms. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens a connection to `target` and waits until it is ready. Later drops are reconnected (every
 * 100 ms at first, then at most every 2 s); commands wait for the reconnection
 * (`maxRetriesPerRequest: null`, which BullMQ's workers require).
 * @throws {RedisUnavailableError} naming the URL (password hidden) and the cause, e.g. ECONNREFUSED.
 */
export async function connectRedis(target: RedisTarget, name: string): Promise<RedisClient> {
  const { Redis } = namedExports(await import('ioredis'), 'Redis');
  const client = new Redis(target.url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  let cause: Error | undefined;
  const onError = (e: Error): void => {
    cause ??= e;
  };
  client.on('error', onError);
  try {
    await withTimeout(client.connect(), CONNECT_TIMEOUT_MS);
    await client.ping();
  } catch (e) {
    client.disconnect();
    const why = cause ?? (e as Error);
    const code = (why as NodeJS.ErrnoException).code;
    throw new RedisUnavailableError(`cannot reach Redis at ${target.display}: ${code ? `${code} ` : ''}${why.message}`.trim());
  } finally {
    client.off('error', onError);
  }
  return client;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
