// issue #3 "Done when", on the bundled experiences/repo-health (a copy in a temporary git repository):
// a resume of a finished run restores every node and executes nothing; after one tool (or a helper
// module it imports) is edited, only the nodes that depend on it execute.
import { appendFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { eventsOf, expectSuccess, nodesWith, resumeRun, runExp, sorted, type Fixture, type Launched } from '../helpers/resume.js';
import { tempRepo } from '../experiences/git-fixture.js';

const NODES = ['churn', 'languages', 'largest_files', 'licenses', 'report', 'snapshot', 'todos'];

let fx: Fixture;
let run: Launched;
beforeAll(async () => {
  const repo = tempRepo();
  repo.write({ 'src/a.ts': 'export const a = 1; // TODO: b\n', 'README.md': '# x\n', 'package.json': '{"name":"x","license":"MIT"}\n' });
  repo.commit('init');
  fx = { ws: repo.dir, exp: join(repo.dir, 'exp') };
  cpSync(join(REPO_ROOT, 'experiences/repo-health'), fx.exp, { recursive: true });
  run = await runExp(fx, ['--args', '{"report": "out/health.md"}']);
  expectSuccess(run);
});
afterAll(() => {
  if (fx) rmSync(fx.ws, { recursive: true, force: true });
});

/** Nodes that executed (node.started) in a run, sorted. */
const executed = (l: Launched): string[] => [...new Set(eventsOf(l.events, 'node.started').map((e) => e.nodeId as string))].sort();

describe('oe resume on experiences/repo-health', () => {
  it('restores every node of a finished run and executes nothing', async () => {
    const t0 = performance.now();
    const res = await resumeRun(fx, run.runId);
    const ms = performance.now() - t0;
    expectSuccess(res);
    expect(executed(res)).toEqual([]);
    expect(nodesWith(res.events, 'node.cached')).toEqual(NODES);
    expect(res.finalState).toEqual(run.finalState);
    // Under a second on an idle machine (about 0.4 s wall, ~20 ms in the engine); loose here for busy CI.
    expect(ms).toBeLessThan(5_000);
    expect(res.events.at(-1)!.durationMs as number).toBeLessThan(1_000);
  });

  it('after one tool is edited, executes only that node (its output is unchanged, so report stays cached)', async () => {
    appendFileSync(join(fx.exp, 'tools/todos.mjs'), '\n// edited by the resume test\n');
    const res = await resumeRun(fx, run.runId);
    expect(executed(res)).toEqual(['todos']);
    expect(nodesWith(res.events, 'node.cached')).toEqual(NODES.filter((n) => n !== 'todos'));
    expect(res.finalState).toEqual(run.finalState);
  });

  it('after a helper module is edited, executes exactly the tools that import it', async () => {
    appendFileSync(join(fx.exp, 'tools/lib/args.mjs'), '\n// edited by the resume test\n');
    const res = await resumeRun(fx, run.runId);
    expect(executed(res)).toEqual(sorted(['churn', 'largest_files', 'todos']));
    expect(res.finalState).toEqual(run.finalState);
  });
});
