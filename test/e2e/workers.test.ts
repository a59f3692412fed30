// Node attempts on real `oe worker` processes over a real redis-server (issue #13 §5), through the
// real CLI: the same final state and input hashes as a local run, secrets only on the workers, a
// worker killed mid-job (WorkerLost, then the other worker's retry), cancel/SIGINT/pause reaching a
// running job, a resume that executes only what the memo lacks, late results of a crashed
// coordinator never reaching the newer run's log, a worker whose files differ refusing, and a worker
// that finishes what it holds on SIGINT. One Redis, one workspace and two workers serve the file.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '../../src/log/events.js';
import { collect, runLogs, runOe, spawnOe, tempDir } from '../helpers/cli.js';
import { TRACE_TOOL, eventsOf, expectRunInvariants, runExperience, type RunOutcome, type TraceLine, type Workspace } from '../helpers/experience.js';
import { FakeAnthropic, textReply } from '../helpers/fake-anthropic.js';
import { attemptLines, startWorker, type WorkerProcess } from '../helpers/oe-worker.js';
import { REDIS_MISSING, REDIS_SERVER, dumpRedis, freePort, startRedis, type RedisServer } from '../helpers/redis.js';
import { readLog } from '../../src/log/reader.js';
import { fold } from '../../src/log/fold.js';

/** Short liveness for tests: a dead worker is noticed within 0.9 × this (the default is 10 s). */
const LOST_MS = 4_000;
const WORKER_KEY = 'sk-ant-worker-only-SECRET-4c1d';
const COORDINATOR_TOKEN = 'coordinator-deploy-token-SECRET-77aa';

/** A tool that says when it started, then waits for its signal and writes the abort reason. */
const HOLD_TOOL = `import { writeFileSync } from 'node:fs';
export default (input, ctx) => new Promise((resolve, reject) => {
  writeFileSync(ctx.experienceDir + '/started', '');
  ctx.signal.addEventListener('abort', () => {
    writeFileSync(ctx.experienceDir + '/aborted', JSON.stringify({ name: ctx.signal.reason.name, message: ctx.signal.reason.message }));
    reject(ctx.signal.reason);
  });
  setTimeout(resolve, 30_000);
});
`;

let redis: RedisServer;
let fake: FakeAnthropic;
let root: string;
const workers: WorkerProcess[] = [];

const workerEnv = () => ({ ANTHROPIC_API_KEY: WORKER_KEY, ANTHROPIC_BASE_URL: fake.baseURL });
const bull = (queue?: string): string[] => ['--executor', 'bullmq', '--redis', redis.url, '--worker-lost-ms', String(LOST_MS), ...(queue ? ['--queue', queue] : [])];
const addWorker = async (): Promise<WorkerProcess> => {
  const w = await startWorker({ redis: redis.url, workspace: root, lostMs: LOST_MS, env: workerEnv() });
  workers.push(w);
  return w;
};

/** An experience in the shared workspace, with the trace tool at tools/trace.mjs. */
function experience(name: string, yaml: string, files: Record<string, string> = {}, base = root): Workspace {
  const dir = join(base, name);
  for (const [rel, text] of Object.entries({ 'experience.yaml': yaml, 'tools/trace.mjs': TRACE_TOOL, ...files })) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return {
    root: base,
    dir,
    trace: () => (existsSync(join(dir, 'trace.jsonl')) ? readFileSync(join(dir, 'trace.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TraceLine) : []),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `oe run <name>` (or another command) in the shared workspace, checked against the run invariants. */
async function run(ws: Workspace, args: string[], command = ['run', ws.dir.slice(ws.root.length + 1)], env: Record<string, string> = {}): Promise<RunOutcome> {
  let r = await runExperience(ws, args, { command, env });
  if (command[0] === 'resume') {
    // A resume's last line is `resume complete`, naming the run it resumed (SPEC §3.2 (7)).
    const last = r.lines.at(-1);
    expect(last, r.stderr).toMatchObject({ msg: 'resume complete', originalRunId: command[1] });
    const lines = r.lines.map((l) => (l === last ? { ...l, msg: 'run complete' } : l));
    r = { ...r, lines, last: last as unknown as RunOutcome['last'] };
  }
  expectRunInvariants(r);
  return r;
}

/** The first 'attempt started' line for `nodeId` on any worker, and the worker. */
function started(nodeId: string): Promise<{ worker: WorkerProcess; line: Record<string, unknown> }> {
  return until(
    () => {
      for (const worker of workers) {
        const line = worker.lines.find((l) => l.msg === 'attempt started' && l.nodeId === nodeId);
        if (line) return { worker, line };
      }
      return undefined;
    },
    `an attempt of ${nodeId} to start on a worker`,
    20_000,
  );
}

/** Spawns a coordinator without waiting, and collects it. */
function coordinator(args: string[], env: Record<string, string> = {}) {
  const child = spawnOe(['--log-format', 'json', ...args], { cwd: root, env });
  child.stdin!.end();
  return { child, done: collect(child, 60_000) };
}

async function outcomeOf(file: string, res: Awaited<ReturnType<typeof collect>>): Promise<RunOutcome> {
  const { events } = await readLog(file);
  const completed = events.at(-1)?.type === 'run.completed' ? (events.at(-1) as EventOf<'run.completed'>) : undefined;
  const last = res.lines.at(-1);
  return { ...res, file, events, state: fold(events), ...(completed ? { completed } : {}), ...(last?.msg === 'run complete' || last?.msg === 'resume complete' ? { last: last as unknown as RunOutcome['last'] } : {}) };
}

const logOf = (runId: string): string => join(root, '.openexpertise', 'runs', `${runId}.jsonl`);

async function until<T>(fn: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs; await new Promise((r) => setTimeout(r, 50))) {
    const v = fn();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

if (!REDIS_SERVER && process.env.CI) {
  describe('oe workers over Redis', () => {
    it('needs redis-server in CI', () => {
      throw new Error(`CI is set but ${REDIS_MISSING}`);
    });
  });
}

describe.skipIf(!REDIS_SERVER)(`oe run --executor bullmq with oe workers${REDIS_SERVER ? '' : ` (skipped: ${REDIS_MISSING})`}`, () => {
  beforeAll(async () => {
    [redis, fake] = await Promise.all([startRedis(), FakeAnthropic.start({ expectedKey: WORKER_KEY })]);
    fake.fallback = textReply('x, y and z were seen.');
    root = tempDir('oe-workers-e2e-');
    await Promise.all([addWorker(), addWorker()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await Promise.all([fake?.stop(), redis?.stop()]);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('runs a graph through two workers to the same final state and input hashes as a local run, with secrets only on the workers', async () => {
    const ws = experience(
      'spread',
      `
name: spread
version: 1.0.0
state:
  schema:
    items: { type: array, merge: last_wins }
    seen: { type: array, merge: array_append }
    note: { type: string }
graph:
  nodes:
    - { id: list, kind: tool, impl: tools/trace.mjs, args: { sleep: 150, delta: { items: [x, y, z] } }, writes: [items] }
    - { id: side, kind: tool, impl: tools/side.mjs }
    - { id: each, kind: tool, impl: tools/trace.mjs, args: { sleep: 150, item_to: seen }, reads: [items], writes: [seen], for_each: { source: $.items, concurrency: 3 } }
    - { id: write, kind: agent, prompt: "Summarize {{seen}}.", reads: [seen], writes: [note] }
  edges:
    - { from: list, to: each }
    - { from: each, to: write }
    - { from: side, to: write }
runtime:
  concurrency: 3
`,
      // Logs the key of the process it runs in: the line must come back to the coordinator, redacted.
      { 'tools/side.mjs': "export default async (input, ctx) => {\n  await new Promise((r) => setTimeout(r, 150));\n  ctx.log.info({ key: process.env.ANTHROPIC_API_KEY }, 'side saw a key');\n  return { edge_output: 'side-done' };\n};\n" },
    );
    const local = await run(ws, [], undefined, workerEnv());
    // The coordinator has no LLM key at all, and a secret of its own that must not reach Redis.
    const remote = await run(ws, bull(), undefined, { DEPLOY_TOKEN: COORDINATOR_TOKEN });
    expect(remote.completed!.status).toBe('success');
    expect(remote.last!.finalState).toEqual(local.last!.finalState);
    expect(remote.last!.finalState).toMatchObject({ items: ['x', 'y', 'z'], seen: ['x', 'y', 'z'], note: 'x, y and z were seen.' });
    const hashes = (r: RunOutcome) =>
      Object.fromEntries([...eventsOf(r, 'node.completed'), ...eventsOf(r, 'node.started')].map((e) => [`${e.type} ${e.nodeId}${e.iteration ? `[${e.iteration.index}]` : ''}`, e.inputHash]));
    expect(hashes(remote)).toEqual(hashes(local));
    expect(Object.keys(hashes(remote))).toHaveLength(14);
    const runId = remote.last!.runId;
    expect(remote.events[0]).toMatchObject({ type: 'run.started', options: { executor: 'bullmq', queue: 'oe' } });
    expect(readFileSync(remote.file!, 'utf8')).not.toContain('redis://');
    // Both workers ran attempts: 6 in all (list, side, 3 iterations, write), each exactly once.
    const done = workers.map((w) => attemptLines(w, 'finished', runId));
    expect(done.map((d) => d.length).every((n) => n >= 1)).toBe(true);
    expect(done.flat().map((l) => `${l.nodeId}${l.iteration ?? ''}`).sort()).toEqual(['each0', 'each1', 'each2', 'list', 'side', 'write']);
    // The LLM call was made by a worker with its own key; no secret of either side is in Redis.
    expect(fake.messageRequests.at(-1)!.apiKey).toBe(WORKER_KEY);
    // The node's log line came back to the coordinator's stderr, the worker's key redacted on the worker.
    const logged = remote.stderr.split('\n').filter((l) => l.includes('side saw a key'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ nodeId: 'side', key: '[REDACTED]' });
    const everything = await dumpRedis(await redis.client());
    expect(everything).toContain(runId);
    expect(everything).not.toContain(COORDINATOR_TOKEN);
    expect(everything).not.toContain(WORKER_KEY);
  });

  it.each([['oe cancel'], ['SIGINT']])('%s reaches the job running on a worker: its AbortSignal fires and the run ends cancelled', async (how) => {
    const id = how === 'SIGINT' ? 'hold_sigint' : 'hold_cancel';
    const ws = experience(`${id}`, `name: ${id}\nversion: 1.0.0\nstate: { schema: {} }\ngraph:\n  nodes:\n    - { id: ${id}, kind: tool, impl: tools/hold.mjs }\n`, { 'tools/hold.mjs': HOLD_TOOL });
    const c = coordinator(['run', id, ...bull()]);
    const { worker, line } = await started(id);
    const runId = line.runId as string;
    await until(() => (existsSync(join(ws.dir, 'started')) ? true : undefined), 'the tool to start on the worker');
    if (how === 'SIGINT') c.child.kill('SIGINT');
    else expect((await runOe(['--log-format', 'json', 'cancel', runId], { cwd: root })).code).toBe(0);
    const r = await outcomeOf(logOf(runId), await c.done);
    expectRunInvariants(r);
    expect(r.completed!.status).toBe('cancelled');
    const aborted = await until(() => (existsSync(join(ws.dir, 'aborted')) ? readFileSync(join(ws.dir, 'aborted'), 'utf8') : undefined), 'the tool on the worker to see its signal abort');
    expect(JSON.parse(aborted)).toEqual({ name: 'CancelledError', message: `cancelled by ${how === 'SIGINT' ? 'SIGINT' : 'SIGTERM'}` });
    await worker.waitFor((l) => l.msg === 'attempt finished' && l.runId === runId);
    expect(attemptLines(worker, 'finished', runId)[0]).toMatchObject({ ok: false, error: { name: 'CancelledError' } });
  });

  it('oe pause lets the job running on a worker finish, records it, and starts nothing after it', async () => {
    const ws = experience(
      'pausing',
      `
name: pausing
version: 1.0.0
state: { schema: {} }
graph:
  nodes:
    - { id: first, kind: tool, impl: tools/trace.mjs, args: { sleep: 1500, edge: 1 } }
    - { id: second, kind: tool, impl: tools/trace.mjs }
  edges:
    - { from: first, to: second }
`,
    );
    const c = coordinator(['run', 'pausing', ...bull()]);
    const { line } = await started('first');
    const runId = line.runId as string;
    expect((await runOe(['--log-format', 'json', 'pause', runId], { cwd: root })).code).toBe(0);
    const r = await outcomeOf(logOf(runId), await c.done);
    expectRunInvariants(r);
    expect(r.completed!.status).toBe('paused');
    expect(eventsOf(r, 'node.completed', 'first')).toHaveLength(1);
    expect(eventsOf(r, 'node.started', 'second')).toHaveLength(0);
    expect(ws.trace().map((t) => t.node)).toEqual(['first']);
  });

  it('resumes through workers executing only what the memo lacks', async () => {
    const ws = experience(
      'chain',
      `
name: chain
version: 1.0.0
state: { schema: {} }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/trace.mjs, args: { edge: a } }
    - { id: b, kind: tool, impl: tools/flaky.mjs }
    - { id: c, kind: tool, impl: tools/trace.mjs, args: { edge: c } }
  edges:
    - { from: a, to: b }
    - { from: b, to: c }
`,
      { 'tools/flaky.mjs': "import { existsSync } from 'node:fs';\nexport default async (input, ctx) => {\n  if (existsSync(ctx.experienceDir + '/fail-b')) throw new Error('b fails while fail-b exists');\n  return { edge_output: 'b' };\n};\n", 'fail-b': '' },
    );
    const first = await run(ws, bull());
    expect(first.completed!.status).toBe('failure');
    rmSync(join(ws.dir, 'fail-b'));
    const second = await run(ws, bull(), ['resume', first.last!.runId]);
    expect(second.completed!.status).toBe('success');
    expect(eventsOf(second, 'node.cached').map((e) => e.nodeId)).toEqual(['a']);
    expect(eventsOf(second, 'node.completed').map((e) => e.nodeId)).toEqual(['b', 'c']);
    const ran = workers.flatMap((w) => attemptLines(w, 'started', second.last!.runId)).map((l) => l.nodeId);
    expect(ran.sort()).toEqual(['b', 'c']);
    expect(ws.trace().filter((t) => t.node === 'a')).toHaveLength(1);
  });

  it('never appends a late result of a crashed coordinator’s job to the resumed run’s log', async () => {
    const ws = experience(
      'late',
      `name: late\nversion: 1.0.0\nstate: { schema: {} }\ngraph:\n  nodes:\n    - { id: late, kind: tool, impl: tools/late.mjs }\n`,
      { 'tools/late.mjs': 'export default async (input, ctx) => {\n  await new Promise((r) => setTimeout(r, 1500));\n  return { edge_output: { ranFor: ctx.runId } };\n};\n' },
    );
    const c = coordinator(['run', 'late', ...bull()]);
    const { worker: old, line } = await started('late');
    const oldRunId = line.runId as string;
    c.child.kill('SIGKILL');
    await c.done;
    const resumed = await run(ws, bull(), ['resume', oldRunId]);
    expect(resumed.completed!.status).toBe('success');
    const newRunId = resumed.last!.runId;
    // The crashed run's job really finished, while the newer run was running …
    const lateLine = await old.waitFor((l) => l.msg === 'attempt finished' && l.jobId === line.jobId);
    expect(lateLine.ok).toBe(true);
    expect(lateLine.time as number).toBeLessThan(Date.parse(resumed.completed!.ts));
    // … and the newer log holds only its own attempt.
    expect(eventsOf(resumed, 'node.completed', 'late').map((e) => e.output.edge_output)).toEqual([{ ranFor: newRunId }]);
    const text = readFileSync(resumed.file!, 'utf8');
    expect(text).not.toContain(line.jobId as string);
    expect(text.split('\n').filter((l) => l.includes(oldRunId)).map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['run.started']);
  });

  it('turns a worker killed with kill -9 mid-job into WorkerLost within the lost interval, and the other worker completes the retry', async () => {
    const ws = experience(
      'fragile',
      `
name: fragile
version: 1.0.0
state: { schema: {} }
graph:
  nodes:
    - { id: fragile, kind: tool, impl: tools/once.mjs, on_error: { policy: retry, attempts: 2, backoff: linear, base_ms: 10 } }
`,
      { 'tools/once.mjs': 'export default async (input, ctx) => {\n  if (ctx.attempt === 1) await new Promise((r) => setTimeout(r, 60_000));\n  return { edge_output: { attempt: ctx.attempt } };\n};\n' },
    );
    const c = coordinator(['run', 'fragile', ...bull()]);
    const { worker: victim } = await started('fragile');
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    workers.splice(workers.indexOf(victim), 1);
    const res = await c.done;
    const r = await outcomeOf(runLogs(ws.root).at(-1)!, res);
    expectRunInvariants(r);
    expect(r.completed!.status).toBe('success');
    const [lost] = eventsOf(r, 'node.failed', 'fragile');
    expect(lost).toMatchObject({ attempt: 1, willRetry: true, error: { name: 'WorkerLost' } });
    expect(lost!.error.message).toMatch(/stopped renewing the job's lock/);
    expect(Date.parse(lost!.ts) - killedAt).toBeLessThan(LOST_MS + 1_500);
    expect(eventsOf(r, 'node.started', 'fragile').map((e) => e.attempt)).toEqual([1, 2]);
    expect(eventsOf(r, 'node.completed', 'fragile')[0]!.output.edge_output).toEqual({ attempt: 2 });
    const [survivor] = workers;
    expect(attemptLines(survivor!, 'finished', r.last!.runId)).toMatchObject([{ nodeId: 'fragile', attempt: 2, ok: true }]);
  });

  it('a worker whose copy of the files differs refuses the attempt, runs an edited tool’s new code, and on SIGINT finishes the attempt it holds, then exits 0', async () => {
    const mismatch = experience('mismatch', `name: mismatch\nversion: 1.0.0\nstate: { schema: {} }\ngraph:\n  nodes:\n    - { id: odd, kind: tool, impl: tools/trace.mjs }\n`);
    const drain = experience('drain', `name: drain\nversion: 1.0.0\nstate: { schema: {} }\ngraph:\n  nodes:\n    - { id: held, kind: tool, impl: tools/trace.mjs, args: { sleep: 1500 } }\n`);
    const version = (v: string) => `export default async () => ({ edge_output: '${v}' });\n`;
    const edit = experience('edit', `name: edit\nversion: 1.0.0\nstate: { schema: {} }\ngraph:\n  nodes:\n    - { id: versioned, kind: tool, impl: tools/v.mjs }\n`, { 'tools/v.mjs': version('v1') });
    const copy = tempDir('oe-workers-copy-');
    try {
      for (const ws of [mismatch, drain, edit]) cpSync(ws.dir, join(copy, ws.dir.slice(ws.root.length + 1)), { recursive: true });
      appendFileSync(join(copy, 'mismatch', 'tools', 'trace.mjs'), '// edited on the worker only\n');
      const side = await startWorker({ redis: redis.url, workspace: copy, queue: 'side', lostMs: LOST_MS });
      try {
        const refused = await run(mismatch, bull('side'));
        expect(refused.completed!.status).toBe('failure');
        const [failed] = eventsOf(refused, 'node.failed', 'odd');
        expect(failed!.error.name).toBe('WorkerFilesMismatch');
        expect(failed!.error.message).toMatch(/file tools\/trace\.mjs changed here/);
        expect(attemptLines(side, 'refused', refused.last!.runId)).toHaveLength(1);

        // One long-lived worker, a tool edited between two runs: the second run executes the new code
        // (a tool module is imported once per thread, so the worker starts fresh threads for it).
        const v1 = await run(edit, bull('side'));
        for (const dir of [edit.dir, join(copy, 'edit')]) writeFileSync(join(dir, 'tools', 'v.mjs'), version('v2'));
        const v2 = await run(edit, bull('side'));
        expect([v1, v2].map((r) => eventsOf(r, 'node.completed', 'versioned')[0]!.output.edge_output)).toEqual(['v1', 'v2']);

        const c = coordinator(['run', 'drain', ...bull('side')]);
        await side.waitFor((l) => l.msg === 'attempt started' && l.nodeId === 'held');
        side.child.kill('SIGINT');
        await side.waitFor((l) => l.msg === 'worker stopping');
        const res = await c.done;
        expect(res.code, res.stderr).toBe(0);
        expect(await side.exited).toEqual({ code: 0, signal: null });
        expect(side.lines.map((l) => l.msg).slice(-3)).toEqual(['worker stopping', 'attempt finished', 'worker stopped']);
      } finally {
        await side.stop('SIGKILL');
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('fails before writing anything when Redis cannot be reached, and rejects bad executor flags', async () => {
    experience('tiny', `name: tiny\nversion: 1.0.0\nstate: { schema: {} }\ngraph:\n  nodes:\n    - { id: t, kind: tool, impl: tools/trace.mjs }\n`);
    const port = await freePort();
    const before = runLogs(root).length;
    const [unreachable, bogus, workerUnreachable, workerNoUrl] = await Promise.all([
      runOe(['--log-format', 'json', 'run', 'tiny', '--executor', 'bullmq', '--redis', `redis://:hunter2hunter2@127.0.0.1:${port}`], { cwd: root }),
      runOe(['run', 'tiny', '--executor', 'threads'], { cwd: root }),
      runOe(['worker', '--redis', `redis://127.0.0.1:${port}`], { cwd: root }),
      runOe(['worker'], { cwd: root }),
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${port}`);
    expect(unreachable.stderr).toContain('ECONNREFUSED');
    expect(unreachable.stderr).not.toContain('hunter2');
    expect(runLogs(root)).toHaveLength(before);
    expect(bogus.code).toBe(2);
    expect(JSON.parse(bogus.stderr.trim()).msg).toBe('--executor must be inline or bullmq, not "threads"');
    expect(workerUnreachable.code).toBe(1);
    expect(workerUnreachable.stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);
    expect(workerNoUrl.code).toBe(2);
    expect(workerNoUrl.stderr).toContain('oe worker needs --redis <url>');
    for (const r of [unreachable, bogus, workerUnreachable, workerNoUrl]) expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
