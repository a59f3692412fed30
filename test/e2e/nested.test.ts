// `experience` nodes (issue #10 §4) through the real CLI: a parent killed while its child runs is
// resumed like any crashed run, and its child is resumed against the crashed child run — what the
// child completed is restored, not done twice. `oe inspect` and `oe runs` show the links.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, spawnOe } from '../helpers/cli.js';
import { countingTool, freshFixtures, oe, readLogEvents, resumeRun, takeExecutions, waitForLog } from '../helpers/resume.js';

const fresh = freshFixtures();

const FILES = {
  'experience.yaml': `name: parent
version: 1.0.0
state:
  schema:
    total: { type: integer }
graph:
  nodes:
    - { id: sub, kind: experience, impl: child, args: { x: 5 }, writes: [total] }
  edges: []
`,
  'child/experience.yaml': `name: child
version: 1.0.0
inputs:
  x: { type: integer }
state:
  schema:
    x: { type: integer }
    half: { type: integer }
    total: { type: integer }
graph:
  nodes:
    - { id: first, kind: tool, impl: tools/first.mjs, reads: [x], writes: [half] }
    - { id: second, kind: tool, impl: tools/second.mjs, reads: [half], writes: [total] }
  edges:
    - { from: first, to: second }
`,
  'child/tools/first.mjs': countingTool('  return { state_delta: { half: input._state.x * 10 } };'),
  'child/tools/second.mjs': countingTool('  return { state_delta: { total: input._state.half + 1 } };'),
};

describe('oe run: experience nodes', () => {
  it('#10: a parent killed while its child runs resumes its child against the crashed child run; inspect and runs link them', async () => {
    const fx = fresh(FILES);
    const childDir = join(fx.exp, 'child');
    writeFileSync(join(childDir, 'hold-second'), '');
    const parent = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: fx.ws });
    parent.stdin!.end();
    // Wait until the child's second tool is executing (it recorded itself and holds).
    await waitForLog(fx.ws, (events) => events.some((e) => e.type === 'node.started' && e.nodeId === 'second'));
    for (let i = 0; i < 200 && !(existsSync(join(childDir, 'executions.log')) && readFileSync(join(childDir, 'executions.log'), 'utf8').includes('second')); i++) await new Promise((r) => setTimeout(r, 25));
    parent.kill('SIGKILL');
    await collect(parent);
    rmSync(join(childDir, 'hold-second'));
    expect(takeExecutions(childDir)).toEqual(['first', 'second']);

    const runs = (await oe(fx.ws, ['runs', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const crashedParent = runs.find((r) => r.parentRunId === null)!;
    const crashedChild = runs.find((r) => r.parentRunId === crashedParent.runId)!;
    expect(crashedChild).toMatchObject({ status: 'crashed' });

    const res = await resumeRun(fx, crashedParent.runId as string);
    expect(res.last).toMatchObject({ status: 'success', finalState: { total: 51 } });
    // Only what the crashed child had not completed executes.
    expect(takeExecutions(childDir)).toEqual(['second']);
    const inspect = JSON.parse((await oe(fx.ws, ['inspect', res.runId, '--json'])).stdout) as { children: Array<{ nodeId: string; runId: string }> };
    expect(inspect.children).toHaveLength(1);
    const newChild = readLogEvents(fx.ws, inspect.children[0]!.runId);
    expect(newChild[0]).toMatchObject({ parentRunId: res.runId, parentNodeId: 'sub', resumedFrom: crashedChild.runId });
    expect(newChild.filter((e) => e.type === 'node.cached').map((e) => e.nodeId)).toEqual(['first']);
  });

  it('#10: oe validate checks the child experience too, at its own file:line:col, and refuses a parent that runs itself', async () => {
    const fx = fresh({ ...FILES, 'child/experience.yaml': FILES['child/experience.yaml'].replace('reads: [x], writes: [half]', 'reads: [nope], writes: [half]') });
    const r = await oe(fx.ws, ['validate', 'exp']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exp/child/experience.yaml:12:');
    expect(r.stderr).toContain('reads \\"nope\\", which is not declared');
    const loop = fresh({ ...FILES, 'experience.yaml': FILES['experience.yaml'].replace('impl: child', 'impl: .') });
    const self = await oe(loop.ws, ['validate', 'exp']);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('node sub: experience . runs itself: exp/experience.yaml → exp/experience.yaml');
  });
});
