// #8 §3: no tool can end the run unrecorded. Each case runs the real bin/oe on a tool that
// misbehaves the way the issue found, and checks the log ends with run.completed and the exit code
// says what happened. These need a real process: a tool's process.exit, a stall, a spin, signals.
import { describe, expect, it } from 'vitest';
import { collect, spawnOe } from '../helpers/cli.js';
import { eventsOf, freshExperiences, runChecked } from '../helpers/experience.js';
import { expectValidLog, logsIn, waitForLog, type Obj } from '../helpers/resume.js';

const experience = freshExperiences();

const TWO = (impl: string, extra = '') => `
name: misbehave
version: 1.0.0
state:
  schema:
    out: { type: any }
graph:
  nodes:
    - { id: culprit, kind: tool, impl: ${impl}, writes: [out]${extra} }
    - { id: bystander, kind: tool, impl: tools/trace.mjs, args: { sleep: 300, delta: { out: ok } }, writes: [out] }
  edges: []
runtime:
  concurrency: 2
`;

describe('oe run: a tool cannot take the run down', () => {
  it('#8: process.exit(0) inside a tool fails that node, not the run’s record: exit 1, log ends with run.completed', async () => {
    const ws = experience(TWO('tools/exit.mjs'), { 'tools/exit.mjs': `export default async () => { process.exit(0); };` });
    const r = await runChecked(ws);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'culprit')[0]).toMatchObject({
      willRetry: false,
      error: { name: 'ProcessExitError', message: 'node culprit called process.exit(0); a tool must return its result (or throw), not end the process' },
    });
    expect(eventsOf(r, 'node.completed', 'bystander')).toHaveLength(1);
    expect(r.completed).toMatchObject({ status: 'failure', error: { nodeId: 'culprit', name: 'ProcessExitError' } });
  });

  it('#8: a tool promise that never settles fails its node with a message, instead of oe exiting 13', async () => {
    const ws = experience(TWO('tools/never.mjs'), { 'tools/never.mjs': `export default () => new Promise(() => {});` });
    const r = await runChecked(ws);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'culprit')[0]).toMatchObject({ error: { name: 'NeverSettledError', message: expect.stringContaining("node culprit's promise never settled") } });
    expect(eventsOf(r, 'node.completed', 'bystander')).toHaveLength(1);
  });

  it('#8: a CPU-bound tool is stopped by its timeout; the retry runs in a fresh thread and completes', async () => {
    const ws = experience(TWO('tools/spin.mjs', ', timeout: 200, on_error: { policy: retry, attempts: 2, backoff: linear, base_ms: 10 }'), {
      'tools/spin.mjs': `export default async (input, ctx) => { if (ctx.attempt === 1) for (;;) {} return { state_delta: { out: 'spun' } }; };`,
    });
    const t0 = Date.now();
    const r = await runChecked(ws);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.code).toBe(0);
    expect(eventsOf(r, 'node.failed', 'culprit')).toEqual([expect.objectContaining({ attempt: 1, willRetry: true, error: { name: 'TimeoutError', message: 'node culprit timed out after 200 ms' } })]);
    expect(eventsOf(r, 'node.completed', 'culprit')).toHaveLength(1);
  });

  it('#8: SIGINT cancels a run whose tool spins: exit 130 at once, log ends run.completed cancelled', async () => {
    const ws = experience(TWO('tools/spin.mjs'), { 'tools/spin.mjs': `export default async () => { for (;;) {} };` });
    const child = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws.root });
    child.stdin!.end();
    await waitForLog(ws.root, (events) => events.some((e) => e.type === 'node.started' && e.nodeId === 'culprit'));
    const t0 = Date.now();
    child.kill('SIGINT');
    const r = await collect(child, 20_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r.code).toBe(130);
    const events = expectValidLog(logsIn(ws.root)[0]!);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'cancelled' });
    expect(events.find((e) => e.type === 'node.failed' && e.nodeId === 'culprit')).toMatchObject({ error: { name: 'CancelledError' } });
  });

  it('#8: a second SIGINT ends the process at once, the log still ending with its one run.completed (cancelled)', async () => {
    const ws = experience(TWO('tools/spin.mjs'), { 'tools/spin.mjs': `export default async () => { for (;;) {} };` });
    const child = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws.root });
    child.stdin!.end();
    await waitForLog(ws.root, (events) => events.some((e) => e.type === 'node.started' && e.nodeId === 'bystander'));
    child.kill('SIGINT');
    child.kill('SIGINT');
    const r = await collect(child, 20_000);
    expect(r.code).toBe(130);
    const events = expectValidLog(logsIn(ws.root)[0]!);
    expect(events.filter((e) => e.type === 'run.completed')).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(events.at(-1)!.type).toBe('run.completed');
  });

  it('#8: SIGHUP (the terminal closed) cancels like SIGTERM: exit 130, run.completed cancelled', async () => {
    const ws = experience(TWO('tools/trace.mjs', ', args: { sleep: 20000 }'));
    const child = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws.root });
    child.stdin!.end();
    await waitForLog(ws.root, (events) => events.filter((e) => e.type === 'node.started').length === 2);
    child.kill('SIGHUP');
    const r = await collect(child, 20_000);
    expect(r.code).toBe(130);
    const events: Obj[] = expectValidLog(logsIn(ws.root)[0]!);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'cancelled', error: { name: 'CancelledError', message: 'cancelled by SIGHUP' } });
  });

  it('#8: a tool that throws a non-Error value fails its node describing the value', async () => {
    const ws = experience(TWO('tools/throw.mjs'), { 'tools/throw.mjs': `export default async () => { throw { code: 42 }; };` });
    const r = await runChecked(ws);
    expect(eventsOf(r, 'node.failed', 'culprit')[0]).toMatchObject({ error: { name: 'Error', message: 'non-Error value thrown: {"code":42}' } });
  });
});
