// `oe resume --dry-run` through the real CLI (issue #11 §5): on several edits of one experience,
// the plan is printed without executing anything or writing a log, and then the real resume does
// what it said — every node it called `cached` is restored, every node it called `executes`
// executes, `may execute` is one or the other, `dropped` nodes are gone, a gate without a verdict waits.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLogs, runOe } from '../helpers/cli.js';
import { eventsOf, runExperience, writeExperience, type RunOutcome } from '../helpers/experience.js';

const YAML = (opts: { extra?: string; cNoCache?: boolean } = {}) => `
name: planned
version: 1.0.0
inputs:
  scale: { type: number, default: 1 }
state:
  schema:
    a: { type: number }
    items: { type: array }
    b: { type: number }
    c: { type: number }
    sq: { type: array, merge: array_append }
    old: { type: number }
    d: { type: number }
    decision: { type: string }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs, writes: [a, items] }
    - { id: b, kind: tool, impl: tools/b.mjs, reads: [a], writes: [b] }
    - { id: c, kind: tool, impl: tools/c.mjs, reads: [b], writes: [c], args: { k: $args.scale }${opts.cNoCache ? ', cache: false' : ''} }
    - { id: each, kind: tool, impl: tools/sq.mjs, reads: [items], writes: [sq], for_each: { source: $.items } }
    - { id: ok, kind: gate, message: "ship c={{c}}?", reads: [c], writes: [decision], options: [approve, hold, reject] }
${opts.extra ?? '    - { id: old, kind: tool, impl: tools/old.mjs, writes: [old] }'}
  edges:
    - { from: a, to: b }
    - { from: b, to: c }
    - { from: a, to: each }
    - { from: c, to: ok }
`;

const ws = writeExperience(YAML(), {
  'tools/a.mjs': `export default () => ({ state_delta: { a: 1, items: [1, 2, 3] } });`,
  'tools/b.mjs': `export default (i) => ({ state_delta: { b: i._state.a + 1 } });`,
  'tools/c.mjs': `export default (i) => ({ state_delta: { c: i._state.b * i.k } });`,
  'tools/sq.mjs': `export default (i) => ({ state_delta: { sq: [i.$item * i.$item] } });`,
  'tools/old.mjs': `export default () => ({ state_delta: { old: 1 } });`,
  'tools/d.mjs': `export default () => ({ state_delta: { d: 1 } });`,
});
afterAll(() => ws.remove());

type Entry = { nodeId: string; plan: string; why?: string[]; after?: string[] };

/** The plan of resuming `runId` with `flags`, checked to have executed and written nothing. */
async function plan(runId: string, flags: string[] = []): Promise<Entry[]> {
  const logs = runLogs(ws.root).length;
  const traced = readFileSync(join(ws.dir, 'experience.yaml'), 'utf8');
  const r = await runOe(['resume', runId, '--dry-run', '--json', ...flags], { cwd: ws.root });
  expect(r.code, r.stderr).toBe(0);
  expect(runLogs(ws.root).length).toBe(logs);
  expect(readFileSync(join(ws.dir, 'experience.yaml'), 'utf8')).toBe(traced);
  return (JSON.parse(r.stdout) as { plan: Entry[] }).plan;
}

/** Resumes for real and checks the plan against what it did. */
async function resumeMatching(runId: string, flags: string[] = []): Promise<{ plan: Entry[]; real: RunOutcome }> {
  const p = await plan(runId, flags);
  const real = await runExperience(ws, flags, { command: ['resume', runId] });
  const started = new Set(eventsOf(real, 'node.started').map((e) => e.nodeId as string));
  const cached = new Set(eventsOf(real, 'node.cached').filter((e) => !e.iteration).map((e) => e.nodeId as string));
  const seen = new Set(real.events.flatMap((e) => ('nodeId' in e ? [e.nodeId as string] : [])));
  const waiting = new Set(eventsOf(real, 'gate.waiting').map((e) => e.nodeId as string));
  for (const e of p) {
    const what = `${e.nodeId}: planned ${e.plan}${e.why ? ` (${e.why.join('; ')})` : ''}`;
    if (e.plan === 'cached') expect(cached.has(e.nodeId) && !started.has(e.nodeId), what).toBe(true);
    if (e.plan === 'executes') expect(started.has(e.nodeId), what).toBe(true);
    if (e.plan === 'may execute') expect(started.has(e.nodeId) || cached.has(e.nodeId) || waiting.has(e.nodeId), what).toBe(true);
    if (e.plan === 'waits') expect(waiting.has(e.nodeId), what).toBe(true);
    if (e.plan === 'dropped') expect(seen.has(e.nodeId), what).toBe(false);
  }
  return { plan: p, real };
}

const byNode = (p: Entry[]) => Object.fromEntries(p.map((e) => [e.nodeId, e.plan]));

describe('oe resume --dry-run', () => {
  let last = '';
  const next = (r: RunOutcome) => (last = r.completed!.runId);

  it('plans the resume of a run paused at a gate: everything cached, the gate waits; with its verdict the gate executes', async () => {
    const first = await runExperience(ws);
    expect(first.code).toBe(3);
    next(first);
    // `old` comes after the gate: it never started, and whether the resume starts it before the gate
    // waits again depends on timing. What the gate depends on is restored.
    const waiting = await plan(last);
    expect(byNode(waiting)).toEqual({ a: 'cached', b: 'cached', c: 'cached', each: 'may execute', ok: 'waits', old: 'may execute' });
    expect(waiting.find((e) => e.nodeId === 'old')).toMatchObject({ pausesAt: ['ok'] });
    const { plan: p, real } = await resumeMatching(last, ['--approve', 'ok']);
    expect(byNode(p)).toMatchObject({ a: 'cached', ok: 'executes' });
    expect(real.code).toBe(0);
    next(real);
  });

  it('an edited tool executes, what follows may; the real resume restores what its same output feeds', async () => {
    writeFileSync(join(ws.dir, 'tools/b.mjs'), `// edited\nexport default (i) => ({ state_delta: { b: i._state.a + 1 } });`);
    const { plan: p, real } = await resumeMatching(last);
    expect(byNode(p)).toMatchObject({ a: 'cached', b: 'executes', c: 'may execute', each: 'cached', ok: 'may execute', old: 'cached' });
    expect(p.find((e) => e.nodeId === 'b')!.why).toEqual(['file tools/b.mjs changed']);
    expect(eventsOf(real, 'node.cached').some((e) => e.nodeId === 'c')).toBe(true);
    next(real);
  });

  it('changed args execute the node that uses them; a new node executes, a removed one is dropped; cache: false executes', async () => {
    writeFileSync(join(ws.dir, 'experience.yaml'), YAML({ extra: '    - { id: d, kind: tool, impl: tools/d.mjs, writes: [d] }', cNoCache: true }));
    const { plan: p, real } = await resumeMatching(last, ['--args', '{"scale": 2}']);
    expect(byNode(p)).toMatchObject({ a: 'cached', b: 'cached', c: 'executes', d: 'executes', old: 'dropped', ok: 'may execute' });
    expect(p.find((e) => e.nodeId === 'd')!.why).toEqual(['new node (not in the prior run)']);
    expect(p.find((e) => e.nodeId === 'c')!.why).toEqual(['cache: false']);
    next(real);
  });

  it('--rerun executes the named node and leaves what follows to its output', async () => {
    writeFileSync(join(ws.dir, 'experience.yaml'), YAML({ extra: '    - { id: d, kind: tool, impl: tools/d.mjs, writes: [d] }' }));
    const { plan: p } = await resumeMatching(last, ['--rerun', 'a']);
    expect(byNode(p)).toMatchObject({ a: 'executes', b: 'may execute', each: 'may execute', d: 'cached' });
    expect(p.find((e) => e.nodeId === 'a')!.why).toEqual(['--rerun names it']);
  });

  it('prints a table for people, and refuses what the real resume refuses (exit 2, nothing written)', async () => {
    const text = await runOe(['--log-format', 'pretty', 'resume', last, '--dry-run'], { cwd: ws.root, env: { NO_COLOR: '1' } });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^plan for resuming \w{8}: nothing is executed and no log is written$/m);
    expect(text.stdout).toMatch(/^ {2}a +cached \(from run \w{8}\)$/m);
    const logs = runLogs(ws.root).length;
    const bad = await runOe(['resume', last, '--dry-run', '--args', '{"scale": "big"}'], { cwd: ws.root });
    expect(bad.code).toBe(2);
    expect(runLogs(ws.root).length).toBe(logs);
  });
});
