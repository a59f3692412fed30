// `oe modify` through the real CLI (issue #11 §4): a broken edit changes nothing (exit 2, every
// problem listed, the live run goes on); `modify --resume` on a live run pauses it at the next node
// boundary and resumes it with the edit, re-running exactly the changed node and its dependents.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, runOe, spawnOe } from '../helpers/cli.js';
import { TRACE_TOOL, writeExperience, type Workspace } from '../helpers/experience.js';
import { waitForLog } from '../helpers/resume.js';

const YAML = (v: number, extra = '') => `
name: steered
version: 1.0.0
state:
  schema:
    a: { type: number }
    c: { type: number }
    d: { type: number }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/t.mjs, args: { delta: { a: 1 } }, writes: [a] }
    - { id: b, kind: tool, impl: tools/t.mjs, args: { sleep: 1200 } }
    - { id: c, kind: tool, impl: tools/t.mjs, args: { delta: { c: ${v} } }, writes: [c] }
    - { id: d, kind: tool, impl: tools/t.mjs, reads: [c], args: { delta: { d: 1 } }, writes: [d] }${extra}
  edges:
    - { from: a, to: b }
    - { from: b, to: c }
    - { from: c, to: d }
`;

const made: Workspace[] = [];
afterAll(() => made.forEach((w) => w.remove()));

async function live(): Promise<{ w: Workspace; runId: string; done: ReturnType<typeof collect> }> {
  const w = writeExperience(YAML(1), { 'tools/t.mjs': TRACE_TOOL });
  made.push(w);
  const child = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: w.root });
  child.stdin!.end();
  const done = collect(child);
  const { events } = await waitForLog(w.root, (es) => es.some((e) => e.type === 'node.started' && e.nodeId === 'b'));
  return { w, runId: events[0]!.runId as string, done };
}

describe('oe modify', () => {
  it('refuses a broken edit with every problem (exit 2) and leaves the live run alone', async () => {
    const { w, runId, done } = await live();
    writeFileSync(join(w.dir, 'broken.yaml'), YAML(2, '\n    - { id: e, kind: telepathy }\n    - { id: f, kind: tool }'));
    const r = await runOe(['modify', runId, '-c', 'exp/broken.yaml', '--resume'], { cwd: w.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/telepathy/);
    expect(r.stderr).toMatch(/\bf\b.*impl|impl.*\bf\b/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const end = await done;
    expect(end.code).toBe(0);
    expect(end.lines.at(-1)).toMatchObject({ msg: 'run complete', status: 'success' });
  });

  it('--resume pauses the live run, reports the change, and re-runs exactly the changed node and what depends on it', async () => {
    const { w, runId, done } = await live();
    writeFileSync(join(w.dir, 'edited.yaml'), YAML(2));
    const r = await runOe(['--log-format', 'json', 'modify', runId, '-c', 'exp/edited.yaml', '--resume'], { cwd: w.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatchObject({ msg: 'modify', runId, dropped: [], added: [], changed: ['c'], pause: { status: 'paused', pending: ['c', 'd'] } });
    expect(r.lines.at(-1)).toMatchObject({ msg: 'resume complete', status: 'success', finalState: { a: 1, c: 2, d: 1 } });
    expect((await done).code).toBe(3);
    // a and b ran once (in the first run); c and d once each, in the resume, with the edit.
    expect(w.trace().map((t) => t.node)).toEqual(['a', 'b', 'c', 'd']);
    expect(w.trace().find((t) => t.node === 'c')!.input).toMatchObject({ delta: { c: 2 } });
  });

  it('on a finished run, reports the edit and the next command without touching anything', async () => {
    const w = writeExperience(YAML(1).replace('sleep: 1200', 'sleep: 0'), { 'tools/t.mjs': TRACE_TOOL });
    made.push(w);
    const first = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: w.root });
    const runId = first.lines.at(-1)!.runId as string;
    writeFileSync(join(w.dir, 'edited.yaml'), YAML(1).replace('sleep: 1200', 'sleep: 0').replace(/    - \{ id: d.*\n/, '').replace('    - { from: c, to: d }\n', ''));
    const r = await runOe(['--log-format', 'pretty', 'modify', runId, '-c', 'exp/edited.yaml'], { cwd: w.root, env: { NO_COLOR: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/the edit drops d · adds none · changes none/);
    expect(r.stdout).toMatch(new RegExp(`next: oe resume ${runId} --experience exp/edited.yaml`));
  });
});
