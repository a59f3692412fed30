// #8 §1–2 through the real CLI: the memo is the whole resume chain, and one lineage has at most one
// live run. These need real processes: a run killed mid-resume, a run live in another process.
import { readFileSync, rmSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, spawnOe } from '../helpers/cli.js';
import {
  countingTool,
  expectSuccess,
  freshFixtures,
  logPath,
  logsIn,
  nodesWith,
  oe,
  resumeRun,
  runExp,
  sha256File,
  takeExecutions,
  waitForLog,
  type Obj,
} from '../helpers/resume.js';

const fresh = freshFixtures();

/** x, y, z at concurrency 1, in that order; x's arg comes from the run arg `v`. */
function three(): { [rel: string]: string } {
  const tool = countingTool(`  return { edge_output: input.v ?? null };`);
  return {
    'experience.yaml': `name: three
version: 1.0.0
inputs:
  v: { type: integer, default: 1 }
state:
  schema: {}
graph:
  nodes:
    - { id: x, kind: tool, impl: tools/x.mjs, args: { v: $args.v } }
    - { id: y, kind: tool, impl: tools/y.mjs }
    - { id: z, kind: tool, impl: tools/z.mjs }
  edges: []
`,
    'tools/x.mjs': tool,
    'tools/y.mjs': tool,
    'tools/z.mjs': tool,
  };
}

/**
 * Starts `oe <args>` and waits until `nodeId`'s tool is executing (it records itself before it
 * holds), in the new log it writes.
 */
async function startHeld(ws: string, exp: string, args: string[], nodeId: string) {
  const before = new Set(logsIn(ws));
  const child = spawnOe(['--log-format', 'json', ...args], { cwd: ws });
  child.stdin!.end();
  const { file, events } = await waitForLog(ws, (ev) => ev.some((e) => e.type === 'node.started' && e.nodeId === nodeId && !before.has(logPath(ws, e.runId as string))));
  for (let i = 0; i < 400 && !(existsSync(join(exp, 'executions.log')) && readFileSync(join(exp, 'executions.log'), 'utf8').split('\n').includes(nodeId)); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, file, runId: events[0]!.runId as string };
}

describe('oe resume: the memo is the resume chain (#8 §1)', () => {
  it('#8: a resume of an interrupted resume restores what the run before it completed, naming the run that executed it', async () => {
    const fx = fresh(three());
    const a = await runExp(fx);
    expectSuccess(a);
    expect(takeExecutions(fx.exp).sort()).toEqual(['x', 'y', 'z']);

    // B resumes A with another v: x must execute; it is held, and B is killed before y and z are restored.
    writeFileSync(join(fx.exp, 'hold-x'), '');
    const b = await startHeld(fx.ws, fx.exp, ['resume', a.runId, '--args', '{"v": 2}'], 'x');
    b.child.kill('SIGKILL');
    await collect(b.child);
    rmSync(join(fx.exp, 'hold-x'));
    expect(takeExecutions(fx.exp)).toEqual(['x']);
    const bEvents = readFileSync(b.file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Obj);
    expect(nodesWith(bEvents, 'node.cached')).toEqual([]);

    // C resumes B with v back to 1: everything is in A's log, two links up the chain.
    const c = await resumeRun(fx, b.runId, ['--args', '{"v": 1}']);
    expectSuccess(c);
    expect(takeExecutions(fx.exp)).toEqual([]);
    expect(nodesWith(c.events, 'node.cached')).toEqual(['x', 'y', 'z']);
    for (const e of c.events.filter((e) => e.type === 'node.cached')) expect(e.fromRunId).toBe(a.runId);
  });
});

describe('oe resume: one live run per lineage (#8 §2)', () => {
  it('#8: refuses to resume a live run, or a run another live resume is resuming, and leaves no log', async () => {
    const fx = fresh(three());
    writeFileSync(join(fx.exp, 'hold-x'), '');
    const a = await startHeld(fx.ws, fx.exp, ['run', 'exp'], 'x');
    const logsBefore = logsIn(fx.ws);

    const refusedA = await oe(fx.ws, ['resume', a.runId]);
    expect(refusedA.code).toBe(1);
    expect(refusedA.stderr).toContain(`run ${a.runId} is still running (pid ${a.child.pid} on host `);
    expect(refusedA.stderr).toContain(`\`oe pause ${a.runId}\` or \`oe cancel ${a.runId}\` it first`);
    expect(logsIn(fx.ws)).toEqual(logsBefore);

    a.child.kill('SIGINT');
    expect((await collect(a.child)).code).toBe(130);
    takeExecutions(fx.exp);

    // B resumes A and is held on x (cancelled in A, so it executes again).
    const b = await startHeld(fx.ws, fx.exp, ['resume', a.runId], 'x');
    const again = await oe(fx.ws, ['resume', a.runId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`run ${a.runId} is being resumed by run ${b.runId}, which is still running (pid ${b.child.pid}`);
    const ofB = await oe(fx.ws, ['resume', b.runId]);
    expect(ofB.code).toBe(1);
    expect(ofB.stderr).toContain(`run ${b.runId} is still running`);
    expect(logsIn(fx.ws)).toHaveLength(2);

    rmSync(join(fx.exp, 'hold-x'));
    expect((await collect(b.child)).code).toBe(0);
    // Nothing is live any more: the lineage resumes again, and no claim is left behind.
    expectSuccess(await resumeRun(fx, b.runId));
    expect(readdirSync(join(fx.ws, '.openexpertise', 'live'))).toEqual([]);
  });

  it('#8: a crashed run whose pid now belongs to another process is resumable (the start time tells them apart)', async () => {
    const fx = fresh(three());
    const a = await runExp(fx);
    takeExecutions(fx.exp);
    // The same log as if A had crashed before run.completed, its pid since reused by this test's process.
    const lines = readFileSync(a.logFile, 'utf8').split('\n').filter(Boolean);
    const started = JSON.parse(lines[0]!) as Obj & { options: Obj };
    started.options.pid = process.pid;
    started.options.processStart = 'another-boot:1';
    const crashedId = '01932f00-0000-7000-8000-00000000c0de';
    const retagged = [started, ...lines.slice(1, -1).map((l) => JSON.parse(l) as Obj)].map((e) => JSON.stringify({ ...e, runId: crashedId }));
    writeFileSync(logPath(fx.ws, crashedId), retagged.join('\n') + '\n');
    // …and a stale claim naming it, from a process that is gone.
    mkdirSync(join(fx.ws, '.openexpertise', 'live'), { recursive: true });
    const stale = join(fx.ws, '.openexpertise', 'live', '01932f00-0000-7000-8000-00000000dead.json');
    writeFileSync(stale, JSON.stringify({ runId: '01932f00-0000-7000-8000-00000000dead', lineage: ['01932f00-0000-7000-8000-00000000dead', crashedId], pid: process.pid, host: (await import('node:os')).hostname(), started: 'another-boot:2' }));

    const inspected = await oe(fx.ws, ['inspect', crashedId, '--json']);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ status: 'crashed' });
    const before = sha256File(logPath(fx.ws, crashedId));
    const r = await resumeRun(fx, crashedId);
    expectSuccess(r);
    expect(sha256File(logPath(fx.ws, crashedId))).toBe(before);
    expect(takeExecutions(fx.exp)).toEqual([]);
    expect(existsSync(stale)).toBe(false);
  });
});
