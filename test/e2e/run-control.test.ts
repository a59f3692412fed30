// Run control through the real CLI (issue #11 §1–§3): a gate without a TTY pauses the run (exit 3)
// and a resume with the verdict continues it; a bad verdict is refused before anything is written;
// `oe pause --wait` from another process, `--timeout` naming what still runs, `oe cancel`, and the
// errors for a run that is not running or does not exist.
import { afterAll, describe, expect, it } from 'vitest';
import { collect, OE_BIN, runLogs, runOe, spawnOe } from '../helpers/cli.js';
import { runExperience, TRACE_TOOL, writeExperience, type Workspace } from '../helpers/experience.js';
import { HAS_TMUX, openPane } from '../helpers/pty.js';
import { waitForLog } from '../helpers/resume.js';

const made: Workspace[] = [];
afterAll(() => made.forEach((w) => w.remove()));
const ws = (yaml: string): Workspace => {
  const w = writeExperience(yaml, { 'tools/t.mjs': TRACE_TOOL });
  made.push(w);
  return w;
};

const GATED = `
name: release
version: 1.0.0
state:
  schema:
    notes: { type: string }
    decision: { type: string }
    shipped: { type: boolean }
graph:
  nodes:
    - { id: notes, kind: tool, impl: tools/t.mjs, args: { delta: { notes: "v2 notes" } }, writes: [notes] }
    - { id: review, kind: gate, message: "ship with {{notes}}?", reads: [notes], writes: [decision] }
    - { id: ship, kind: tool, impl: tools/t.mjs, args: { delta: { shipped: true } }, writes: [shipped] }
  edges:
    - { from: notes, to: review }
    - { from: review, to: ship }
`;

describe('oe run: gates', () => {
  it('without a terminal, a gate waits: gate.waiting, exit 3 paused; resume --approve continues; a further resume carries the verdict', async () => {
    const w = ws(GATED);
    const first = await runExperience(w);
    expect(first.code).toBe(3);
    expect(first.last?.status).toBe('paused');
    expect(first.lines.find((l) => l.msg === 'gate.waiting')).toMatchObject({ nodeId: 'review', message: 'ship with v2 notes?', options: ['approve', 'reject'], arg: 'review' });
    expect(w.trace().map((t) => t.node)).toEqual(['notes']);
    // oe inspect shows who waits on what.
    const inspected = await runOe(['inspect', first.last!.runId, '--json'], { cwd: w.root });
    expect(JSON.parse(inspected.stdout).waiting).toEqual([{ nodeId: 'review', message: 'ship with v2 notes?', options: ['approve', 'reject'], arg: 'review' }]);
    const text = await runOe(['--log-format', 'pretty', 'inspect', first.last!.runId], { cwd: w.root, env: { NO_COLOR: '1' } });
    expect(text.stdout).toMatch(/waiting\s+gate review: ship with v2 notes\? \(options: approve, reject/);

    const approved = await runExperience(w, ['--approve', 'review'], { command: ['resume', first.last!.runId] });
    expect(approved.code, approved.stderr).toBe(0);
    expect(w.trace().map((t) => t.node)).toEqual(['notes', 'ship']);
    expect(approved.state.nodes.get('review' as never)?.output?.edge_output).toEqual({ verdict: 'approve', message: 'ship with v2 notes?' });

    const again = await runExperience(w, [], { command: ['resume', approved.completed!.runId] });
    expect(again.code, again.stderr).toBe(0);
    expect(again.completed!.counts).toMatchObject({ completed: 0, cached: 3 });
  });

  it('pretty output of a waiting gate says how to continue', async () => {
    const w = ws(GATED);
    const r = await runOe(['--log-format', 'pretty', 'run', 'exp'], { cwd: w.root, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/oe resume \S+ --approve review/);
    expect(r.stdout + r.stderr).toMatch(/--reject review/);
  });

  it('--reject fails the run (exit 1) naming the gate; a verdict that is not an option is exit 2 with no log', async () => {
    const w = ws(GATED);
    const rejected = await runExperience(w, ['--reject', 'review']);
    expect(rejected.code).toBe(1);
    expect(rejected.state.error).toMatchObject({ nodeId: 'review', message: 'gate review was rejected' });
    const before = runLogs(w.root).length;
    const bad = await runOe(['run', 'exp', '--args', '{"review": "maybe"}'], { cwd: w.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/review: the verdict of gate review must be one of approve, reject, not \\?"maybe/);
    expect(bad.stderr).not.toMatch(/^\s+at /m);
    expect(runLogs(w.root).length).toBe(before);
  });
});

const SLOW = (ms: number) => `
name: slow
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: long, kind: tool, impl: tools/t.mjs, args: { sleep: ${ms} } }
    - { id: after, kind: tool, impl: tools/t.mjs }
  edges:
    - { from: long, to: after }
`;

describe('oe pause / oe cancel', () => {
  it('pause --wait from another process returns once the run paused; the run exits 3; resume runs only what was pending', async () => {
    const w = ws(SLOW(800));
    const child = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: w.root });
    child.stdin!.end();
    const done = collect(child);
    const { events } = await waitForLog(w.root, (es) => es.some((e) => e.type === 'node.started' && e.nodeId === 'long'));
    const runId = events[0]!.runId as string;
    const paused = await runOe(['pause', runId, '--wait', '--json'], { cwd: w.root });
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ runId, action: 'pause', signal: 'SIGUSR2', status: 'paused', pending: ['after'] });
    expect((await done).code).toBe(3);
    const resumed = await runExperience(w, [], { command: ['resume', runId] });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(w.trace().map((t) => t.node)).toEqual(['long', 'after']);
  });

  it('pause --wait --timeout 1 on a long node exits 1 naming it; cancel then ends the run (exit 130)', async () => {
    const w = ws(SLOW(20_000));
    const child = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: w.root });
    child.stdin!.end();
    const done = collect(child);
    const { events } = await waitForLog(w.root, (es) => es.some((e) => e.type === 'node.started' && e.nodeId === 'long'));
    const runId = events[0]!.runId as string;
    const waited = await runOe(['pause', runId, '--wait', '--timeout', '1'], { cwd: w.root });
    expect(waited.code).toBe(1);
    expect(waited.stderr).toMatch(new RegExp(`run ${runId} is still running after 1 s: long`));
    const cancelled = await runOe(['cancel', runId, '--json'], { cwd: w.root });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ runId, action: 'cancel', status: 'cancelled' });
    expect((await done).code).toBe(130);
  });

  it('a finished run is not running (exit 1, its last status); an unknown run is exit 1; a malformed id is exit 2', async () => {
    const w = ws(SLOW(0));
    const r = await runExperience(w);
    const runId = r.completed!.runId;
    for (const cmd of ['pause', 'cancel']) {
      const res = await runOe([cmd, runId], { cwd: w.root });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`run ${runId} is not running (last status: success)`);
    }
    const unknown = await runOe(['pause', '01900000-0000-7000-8000-000000000000'], { cwd: w.root });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no run 01900000-0000-7000-8000-000000000000/);
    const bad = await runOe(['cancel', 'not/a-run'], { cwd: w.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(/^\s+at /m);
  });
});

describe.skipIf(!HAS_TMUX)('oe run: a gate on a terminal (tmux)', () => {
  it('asks with the message and options, the default preselected; the answer lets the run go on, and a resume carries it', async () => {
    const w = ws(GATED.replace('writes: [decision] }', 'writes: [decision], options: [approve, hold, reject], default: hold }'));
    const pane = openPane(`cd '${w.root}' && '${process.execPath}' '${OE_BIN}' run exp`, { cols: 100, rows: 30 });
    try {
      const asked = await pane.waitFor((s) => s.includes('gate review: ship with v2 notes?'));
      // The default (hold) is preselected; one step up is approve.
      expect(asked).toMatch(/❯ hold/);
      pane.keys('Up');
      await pane.waitFor((s) => /❯ approve/.test(s));
      pane.keys('Enter');
      const end = await pane.waitFor((s) => s.includes('[exit '));
      expect(end).toContain('[exit 0]');
    } finally {
      pane.close();
    }
    expect(w.trace().map((t) => t.node)).toEqual(['notes', 'ship']);
    // Without a terminal, the resume restores the gate with the verdict typed at the prompt.
    const resumed = await runExperience(w, [], { command: ['resume', 'latest'] });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.completed!.counts).toMatchObject({ completed: 0, cached: 3 });
    expect(resumed.state.nodes.get('review' as never)?.output?.edge_output).toMatchObject({ verdict: 'approve' });
  });
});
