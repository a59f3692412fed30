// The BullMQ executor and the worker loop in this process against a real redis-server (issue #13):
// what each side refuses, what the worker keeps from Redis, and Redis itself lost. The spawned
// processes (oe run, oe worker) are covered in test/e2e/workers.test.ts; here the nodes are
// `dataset` nodes, which run on the worker's main thread (tool threads need the compiled build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptHooks, AttemptTask } from '../../src/engine/executor.js';
import { createHasher } from '../../src/engine/hash.js';
import { BullmqExecutor } from '../../src/executors/bullmq.js';
import { AttemptWorker, type AttemptFields } from '../../src/executors/bullmq-worker.js';
import { jobDataOf, oeKeys } from '../../src/executors/bullmq-wire.js';
import type { NodeDef } from '../../src/experience/types.js';
import type { InputHash, RunId } from '../../src/util/ids.js';
import { tempDir } from '../helpers/cli.js';
import { REDIS_MISSING, REDIS_SERVER, dumpRedis, startRedis, type RedisServer } from '../helpers/redis.js';

const WORKER_SECRET = 'worker-secret-value-99';
const COORDINATOR_SECRET = 'coordinator-secret-value-42';
let redis: RedisServer;
let ws: string;
let worker: AttemptWorker;
const reports: Array<{ kind: string } & AttemptFields> = [];
const quiet = pino({ level: 'warn' }, new Writable({ write: (_c, _e, cb) => cb() }));
const hooks = (): AttemptHooks & { lines: unknown[] } => {
  const lines: unknown[] = [];
  const log = (obj: unknown, msg?: unknown) => void lines.push([obj, msg]);
  return { lines, log: { debug: log, info: log, warn: log, error: log }, onRetry: (i) => void lines.push(i) };
};

const dataset = { id: 'load', kind: 'dataset', source: { type: 'file', uri: 'rows.json', format: 'json' }, reads: [], writes: ['rows'], args: {}, on_error: { policy: 'fail_run' }, cache: true } as unknown as NodeDef;
let n = 0;
async function taskOf(dir: string, args: AttemptTask['args'] = {}): Promise<AttemptTask> {
  const h = await createHasher();
  const { readFileSync } = await import('node:fs');
  return {
    runId: `01a233bd-15e5-71c5-b8b3-${String(++n).padStart(12, '0')}` as RunId,
    node: dataset,
    attempt: 1,
    input: { _state: {}, _edge_inputs: {} },
    experienceDir: dir,
    args,
    schema: { rows: { type: 'any', merge: 'last_wins' } } as AttemptTask['schema'],
    inputHash: '0123456789abcdef' as InputHash,
    hashParts: { definition: h.json(dataset as never), 'file.source': h.bytes(readFileSync(join(dir, 'rows.json'))) },
  };
}

const open = (queue = 'inproc', lostMs = 2_000, secrets: string[] = []) =>
  BullmqExecutor.open({ redis: { url: redis.url, display: redis.url }, queue, lostMs, workspace: ws, secrets, log: quiet });

if (!REDIS_SERVER && process.env.CI) {
  describe('the BullMQ executor in process', () => {
    it('needs redis-server in CI', () => {
      throw new Error(`CI is set but ${REDIS_MISSING}`);
    });
  });
}

describe.skipIf(!REDIS_SERVER)('the BullMQ executor and worker in process, with a real Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
    ws = tempDir('oe-bullmq-inproc-');
    mkdirSync(join(ws, 'exp'));
    writeFileSync(join(ws, 'exp', 'rows.json'), JSON.stringify([{ token: WORKER_SECRET, n: 1 }]));
    worker = await AttemptWorker.start({
      redis: { url: redis.url, display: redis.url },
      queue: 'inproc',
      concurrency: 2,
      lostMs: 2_000,
      workspace: ws,
      llm: { provider: 'anthropic', defaultModel: 'claude-x' },
      secrets: [WORKER_SECRET],
      name: 'test-worker',
      report: (kind, f) => void reports.push({ kind, ...f }),
      err: quiet,
      toolStdout: process.stderr,
      toolStderr: process.stderr,
    });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop('abort', 'test over');
    await redis?.stop();
  });

  it('runs an attempt on the worker and sends back its result with the worker’s secrets redacted', async () => {
    const ex = await open();
    try {
      const task = await taskOf(join(ws, 'exp'));
      const r = await ex.attempt(task, hooks(), new AbortController().signal);
      expect(r).toEqual({ ok: true, output: { state_delta: { rows: [{ token: '[REDACTED]', n: 1 }] }, edge_output: { rows: 1 } } });
      expect(await dumpRedis(await redis.client())).not.toContain(WORKER_SECRET);
      expect(reports.filter((x) => x.runId === task.runId).map((x) => x.kind)).toEqual(['started', 'finished']);
    } finally {
      await ex.close();
    }
  });

  it('refuses to send an attempt whose input holds a secret of the coordinator, before anything reaches Redis', async () => {
    const ex = await open('inproc', 2_000, [COORDINATOR_SECRET]);
    try {
      const r = await ex.attempt(await taskOf(join(ws, 'exp'), { token: `Bearer ${COORDINATOR_SECRET}` }), hooks(), new AbortController().signal);
      expect(r).toMatchObject({ ok: false, retryable: false, error: { name: 'SecretInTaskError' } });
      expect(JSON.stringify(r)).not.toContain(COORDINATOR_SECRET);
      expect(await dumpRedis(await redis.client())).not.toContain(COORDINATOR_SECRET);
    } finally {
      await ex.close();
    }
  });

  it('a worker refuses a job whose run has no live coordinator, one marked cancelled, and one of another wire version', async () => {
    const queue = new Queue('inproc', { connection: { url: redis.url } });
    const client = await redis.client();
    const keys = oeKeys('inproc');
    try {
      const gone = await taskOf(join(ws, 'exp'));
      const cancelled = await taskOf(join(ws, 'exp'));
      await client.set(keys.run(cancelled.runId), '{}');
      await client.set(keys.cancel('cancelled-job'), JSON.stringify({ jobId: 'cancelled-job', error: { name: 'CancelledError', message: 'cancelled by SIGINT' } }));
      await queue.add('load', jobDataOf(gone, 'exp', 2_000), { jobId: 'gone-job', attempts: 1 });
      await queue.add('load', jobDataOf(cancelled, 'exp', 2_000), { jobId: 'cancelled-job', attempts: 1 });
      await queue.add('load', { ...jobDataOf(cancelled, 'exp', 2_000), v: 2 }, { jobId: 'future-job', attempts: 1 });
      const result = async (id: string) => {
        for (let i = 0; i < 200; i++) {
          const job = await queue.getJob(id);
          if (job?.finishedOn) return job.returnvalue as unknown;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`job ${id} did not finish`);
      };
      expect(await result('gone-job')).toMatchObject({ ok: false, retryable: false, error: { name: 'CoordinatorGone', message: expect.stringContaining(`run ${gone.runId} has no live coordinator`) } });
      expect(await result('cancelled-job')).toEqual({ ok: false, retryable: false, error: { name: 'CancelledError', message: 'cancelled by SIGINT' } });
      expect(await result('future-job')).toMatchObject({ ok: false, retryable: false, error: { name: 'WireError', message: expect.stringContaining('wire version 2') } });
      expect(reports.filter((x) => ['gone-job', 'cancelled-job', 'future-job'].includes(x.jobId)).map((x) => x.kind)).toEqual(['refused', 'refused', 'refused']);
    } finally {
      await queue.close();
    }
  });

  it('fails an attempt with RedisLost when Redis is gone longer than the lost interval, and closes without hanging', async () => {
    const ex = await open('nobody-listens', 1_000);
    const pending = ex.attempt(await taskOf(join(ws, 'exp')), hooks(), new AbortController().signal);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    await redis.stop();
    const r = await pending;
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(r).toMatchObject({ ok: false, retryable: true, error: { name: 'RedisLost', message: expect.stringContaining(`no connection to Redis at ${redis.url} for over 1000 ms`) } });
    await ex.close();
  });
});
