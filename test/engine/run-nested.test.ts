// `experience` nodes (issue #10 §4), in-process: a nested run with its own log, linked both ways;
// resuming the parent resumes each child against the child's prior run; cancel reaches the child.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { delay, traced, type Script } from './harness.js';

const PARENT = `
name: parent
version: 1.0.0
state:
  schema:
    v: { type: integer }
    total: { type: integer }
    report: { type: string }
graph:
  nodes:
    - { id: prep, kind: tool, impl: tools/prep.mjs, args: { delta: { v: 21 } }, writes: [v] }
    - { id: sub, kind: experience, impl: child, args: { x: $.v }, writes: [total] }
    - { id: after, kind: tool, impl: tools/after.mjs, reads: [total], writes: [report] }
  edges:
    - { from: prep, to: sub }
    - { from: sub, to: after }
`;
const CHILD = {
  'child/experience.yaml': `
name: child
version: 1.0.0
inputs:
  x: { type: integer }
state:
  schema:
    x: { type: integer }
    total: { type: integer }
graph:
  nodes:
    - { id: double, kind: tool, impl: tools/double.mjs, reads: [x], writes: [total] }
  edges: []
`,
  // The child's tool runs through the harness's scripted executor (by node id); its file is hashed.
  'child/tools/double.mjs': '// scripted in the test\n',
};
const after: Script = (i) => ({ state_delta: { report: `total=${String(i._state.total)}` } });

/** The events of a run's log in the engine's workspace. */
function logOf(workspace: string, runId: string): Array<Record<string, unknown>> {
  return readFileSync(join(workspace, '.openexpertise', 'runs', `${runId}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('engine: experience nodes', () => {
  it('runs the child experience as a nested run with its own log, linked both ways; its result is the node’s', async () => {
    const double: Script = (i) => ({ state_delta: { total: (i._state.x as number) * 2 } });
    const e = await traced(PARENT, { double, after }, CHILD);
    const r = await e.run();
    expect(r.status).toBe('success');
    const started = r.of('node.started', 'sub')[0]!;
    expect(started.childRunId).toMatch(/^[0-9a-f-]{36}$/);
    const child = logOf(e.workspace, started.childRunId!);
    expect(child[0]).toMatchObject({ type: 'run.started', parentRunId: r.runId, parentNodeId: 'sub', args: { x: 21 } });
    expect(child.at(-1)).toMatchObject({ type: 'run.completed', status: 'success' });
    expect(r.of('node.completed', 'sub')[0]!.output).toEqual({ state_delta: { total: 42 }, edge_output: { runId: started.childRunId, status: 'success', finalState: { x: 21, total: 42 } } });
    expect(r.finalState).toEqual({ v: 21, total: 42, report: 'total=42' });
  });

  it('resuming the parent resumes the child against its prior run: the child restores, nothing executes twice', async () => {
    const double: Script = (i) => ({ state_delta: { total: (i._state.x as number) * 2 } });
    const world = { broken: true };
    const flaky: Script = (i, t) => {
      if (world.broken) throw new Error('after is broken');
      return after(i, t);
    };
    const e = await traced(PARENT, { double, after: flaky }, CHILD);
    const failed = await e.run();
    expect(failed.status).toBe('failure');
    world.broken = false;
    const res = await e.run({ resume: failed });
    expect(res.status).toBe('success');
    expect(res.calls.map((c) => c.node)).toEqual(['after']);
    const prior = failed.of('node.started', 'sub')[0]!.childRunId!;
    const now = res.of('node.started', 'sub')[0]!.childRunId!;
    const childLog = logOf(e.workspace, now);
    expect(childLog[0]).toMatchObject({ resumedFrom: prior, parentRunId: res.runId });
    expect(childLog.filter((x) => x.type === 'node.cached').map((x) => x.nodeId)).toEqual(['double']);
  });

  it('fails the node when the child fails, saying how the child ended', async () => {
    const e = await traced(PARENT, {
      double: () => {
        throw new Error('cannot double');
      },
      after,
    }, CHILD);
    const r = await e.run();
    expect(r.status).toBe('failure');
    expect(r.of('node.failed', 'sub')[0]!.error.message).toMatch(/^node sub: child run [0-9a-f-]+ \(child\) ended failure: double: cannot double$/);
  });

  it('a cancel of the parent reaches the child: both end cancelled', async () => {
    const slow: Script = async (i, t) => {
      await delay(5000, t.signal);
      return { state_delta: { total: 0 } };
    };
    const e = await traced(PARENT, { double: slow, after }, CHILD);
    const r = await e.run({ onEvent: (ev, control) => ev.type === 'node.started' && ev.nodeId === 'sub' && setTimeout(() => control.cancel('stop'), 50) });
    expect(r.status).toBe('cancelled');
    const childId = r.of('node.started', 'sub')[0]!.childRunId!;
    expect(logOf(e.workspace, childId).at(-1)).toMatchObject({ type: 'run.completed', status: 'cancelled' });
    expect(readdirSync(join(e.workspace, '.openexpertise', 'live'))).toEqual([]);
  });
});
