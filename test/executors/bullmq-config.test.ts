// The executor flags and the liveness knob (issue #13): checked once, with a clear error per bad value.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKER_LOST_MS, hidePassword, livenessIntervals, parseExecutorFlags, parseLostMs, parseQueueName, parseRedisUrl } from '../../src/executors/bullmq-config.js';
import { UsageError } from '../../src/util/errors.js';

describe('parseExecutorFlags', () => {
  it('defaults to the inline executor, even when OE_REDIS_URL is set', () => {
    expect(parseExecutorFlags({}, { OE_REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual({ kind: 'inline' });
  });

  it('takes --redis, else OE_REDIS_URL, with the default queue and the 10 s liveness', () => {
    expect(parseExecutorFlags({ executor: 'bullmq', redis: 'redis://h:1' }, { OE_REDIS_URL: 'redis://env:2' })).toEqual({
      kind: 'bullmq',
      redis: { url: 'redis://h:1', display: 'redis://h:1' },
      queue: 'oe',
      lostMs: 10_000,
    });
    expect(parseExecutorFlags({ executor: 'bullmq', queue: 'big.jobs', workerLostMs: '3000' }, { OE_REDIS_URL: 'redis://env:2' })).toMatchObject({ redis: { url: 'redis://env:2' }, queue: 'big.jobs', lostMs: 3000 });
  });

  it.each([
    [{ executor: 'threads' }, '--executor must be inline or bullmq, not "threads"'],
    [{ executor: 'bullmq' }, '--executor bullmq needs --redis <url>'],
    [{ redis: 'redis://h:1' }, '--redis only apply with --executor bullmq'],
    [{ queue: 'q', workerLostMs: '5000' }, '--queue, --worker-lost-ms only apply with --executor bullmq'],
    [{ executor: 'bullmq', redis: 'http://h:1' }, '--redis must be a redis:// or rediss:// URL, not "http://h:1"'],
    [{ executor: 'bullmq', redis: 'not a url' }, '--redis must be a Redis URL'],
    [{ executor: 'bullmq', redis: 'redis://h:1/queue' }, 'the path of a Redis URL is a database number'],
    [{ executor: 'bullmq', redis: 'redis://h:1', queue: 'a:b' }, '--queue must be 1–64 letters'],
    [{ executor: 'bullmq', redis: 'redis://h:1', workerLostMs: '500' }, '--worker-lost-ms must be a whole number of ms, at least 1000, not "500"'],
    [{ executor: 'bullmq', redis: 'redis://h:1', workerLostMs: '2.5s' }, 'not "2.5s"'],
  ])('rejects %j as a usage error', (flags, message) => {
    expect(() => parseExecutorFlags(flags, {})).toThrow(UsageError);
    expect(() => parseExecutorFlags(flags, {})).toThrow(message);
  });
});

describe('Redis URLs', () => {
  it('never shows a password, in the display form or in an error', () => {
    expect(parseRedisUrl('--redis', 'redis://user:s3cret-pass@h:6379/2')).toEqual({ url: 'redis://user:s3cret-pass@h:6379/2', display: 'redis://user:***@h:6379/2' });
    expect(hidePassword('rediss://:p4ss@h')).toBe('rediss://:***@h');
    expect(() => parseRedisUrl('--redis', 'http://:s3cret-pass@h')).toThrow('http://:***@h');
  });
});

describe('livenessIntervals', () => {
  it('#13: a dead worker is noticed within 10 s by default — the lock lapses, then one stalled check finds it', () => {
    const iv = livenessIntervals(DEFAULT_WORKER_LOST_MS);
    expect(iv).toEqual({ lockDuration: 5000, stalledInterval: 4000, heartbeatInterval: 2500 });
    expect(iv.lockDuration + iv.stalledInterval).toBeLessThan(DEFAULT_WORKER_LOST_MS);
  });

  it('scales with --worker-lost-ms', () => {
    expect(livenessIntervals(3000)).toEqual({ lockDuration: 1500, stalledInterval: 1200, heartbeatInterval: 750 });
    expect(parseLostMs('--worker-lost-ms', undefined)).toBe(10_000);
    expect(parseQueueName('--queue', undefined)).toBe('oe');
  });
});
