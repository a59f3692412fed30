// oe resume through the real CLI (issue #3): the run id argument, where the experience comes from
// (--experience, the recorded path, the recorded definition), and exit codes. Every resumeRun() also
// checks that the prior log is unchanged and that the new log is valid.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import {
  DIAMOND_NODES,
  diamond,
  diamondState,
  eventsOf,
  expectSuccess,
  fixture,
  logsIn,
  nodesWith,
  oe,
  resumeRefused,
  resumeRun,
  runExp,
  sha256File,
  sorted,
  takeExecutions,
  type Fixture,
} from '../helpers/resume.js';

const made: string[] = [];
function fresh(files: { [rel: string]: string }): Fixture {
  const fx = fixture(files);
  made.push(fx.ws);
  return fx;
}
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The stderr line that says which experience a resume used (json format). */
function sourceLine(stderr: string): Record<string, unknown> | undefined {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => typeof l.definitionSource === 'string');
}

describe('oe resume <runId>', () => {
  it('exits 2 for a run id that is not a UUID and creates nothing under .openexpertise', async () => {
    const ws = tempDir('oe-resume-');
    made.push(ws);
    for (const id of ['not-a-run', '../../etc/passwd', '01a1fc42-08fc-7445-acd3-5d81a0cebae5.jsonl', '']) {
      const r = await oe(ws, ['resume', id]);
      expect(r.code, id).toBe(2);
      expect(r.stderr).toMatch(/run id|runId/);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(ws, '.openexpertise'))).toBe(false);
  });

  it('exits 1 for an unknown run id, naming the runs directory it looked in, and creates nothing', async () => {
    const ws = tempDir('oe-resume-');
    made.push(ws);
    const r = await oe(ws, ['resume', '01a1fc42-08fc-7445-acd3-5d81a0cebae5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join('.openexpertise', 'runs'));
    expect(r.stderr).toContain('01a1fc42-08fc-7445-acd3-5d81a0cebae5');
    expect(existsSync(join(ws, '.openexpertise'))).toBe(false);
  });

  it('accepts a run id in upper case', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const sha = sha256File(run.logFile);
    const r = await oe(fx.ws, ['resume', run.runId.toUpperCase()]);
    expect(sha256File(run.logFile)).toBe(sha);
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toMatchObject({ msg: 'resume complete', originalRunId: run.runId, status: 'success' });
    expect(takeExecutions(fx.exp)).toEqual([]);
  });

  it('a resume that fails again exits 1 with resume complete {status: failure}; a failed node is never restored', async () => {
    const fx = fresh(diamond());
    writeFileSync(join(fx.exp, 'fail-square'), '');
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const again = await resumeRun(fx, run.runId);
    expect(again.result.code).toBe(1);
    expect(again.last).toMatchObject({ msg: 'resume complete', status: 'failure', originalRunId: run.runId, runId: again.runId });
    expect(takeExecutions(fx.exp)).toEqual(['square']);
    expect(nodesWith(again.events, 'node.failed')).toEqual(['square']);
  });
});

describe('oe resume: which experience', () => {
  it('uses the recorded path by default and says so on stderr', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    const res = await resumeRun(fx, run.runId);
    expect(sourceLine(res.result.stderr)).toMatchObject({ definitionSource: 'file' });
    expect(res.result.stderr).toContain('exp/experience.yaml');
    expect(res.events[0]).toMatchObject({ experience: { path: 'exp/experience.yaml' }, options: { definitionSource: 'file' } });
  });

  it('with --no-reload after experience.yaml was deleted, runs the recorded definition: every node cached', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    rmSync(join(fx.exp, 'experience.yaml'));

    const res = await resumeRun(fx, run.runId, ['--no-reload']);
    expectSuccess(res);
    expect(sourceLine(res.result.stderr)).toMatchObject({ definitionSource: 'log' });
    expect(res.result.stderr).toContain(`definition recorded in run ${run.runId}`);
    expect(res.events[0]).toMatchObject({ experience: { path: 'exp/experience.yaml' }, options: { definitionSource: 'log' } });
    expect(res.events[0]!.definition).toEqual(run.events[0]!.definition);
    expect(takeExecutions(fx.exp)).toEqual([]);
    expect(nodesWith(res.events, 'node.cached')).toEqual(sorted(DIAMOND_NODES));
    expect(res.finalState).toEqual(diamondState());

    // The new log is self-contained: it resumes too, still without the file and without the flag.
    const again = await resumeRun(fx, res.runId);
    expect(sourceLine(again.result.stderr)).toMatchObject({ definitionSource: 'log' });
    expect(takeExecutions(fx.exp)).toEqual([]);
    for (const c of eventsOf(again.events, 'node.cached')) expect(c.fromRunId).toBe(run.runId);
  });

  it('with --no-reload, ignores edits to experience.yaml; without it, the edit re-runs what it changes', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const yaml = join(fx.exp, 'experience.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('args: { label: $args.label }', 'args: { label: "fixed" }'));

    const recorded = await resumeRun(fx, run.runId, ['--no-reload']);
    expect(takeExecutions(fx.exp)).toEqual([]);
    expect(recorded.finalState).toEqual(diamondState());

    const reloaded = await resumeRun(fx, run.runId);
    expect(sourceLine(reloaded.result.stderr)).toMatchObject({ definitionSource: 'file' });
    expect(takeExecutions(fx.exp)).toEqual(['tag', 'report']);
    expect(reloaded.finalState).toEqual({ ...diamondState(3, 'fixed') });
  });

  it('with --experience, runs that experience: nodes whose definition and files are unchanged stay cached', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const other = join(fx.ws, 'exp2');
    cpSync(fx.exp, other, { recursive: true });
    const square = join(other, 'tools/square.mjs');
    writeFileSync(square, readFileSync(square, 'utf8').replace('input._state.n ** 2', 'input._state.n ** 3'));

    const res = await resumeRun(fx, run.runId, ['--experience', 'exp2']);
    expect(sourceLine(res.result.stderr)).toMatchObject({ definitionSource: 'file' });
    expect(res.result.stderr).toContain('exp2/experience.yaml');
    expect(res.events[0]).toMatchObject({ experience: { path: 'exp2/experience.yaml' } });
    expect(takeExecutions(other)).toEqual(['square', 'total', 'report']);
    expect(nodesWith(res.events, 'node.cached')).toEqual(['double', 'seed', 'tag']);
    expect(res.finalState).toEqual({ ...diamondState(), squared: 27, total: 33, report: '#x=33' });
  });

  it('drops with a warning a prior arg whose input was removed from the experience; --args naming it is still exit 2', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx, ['--args', '{"label":"y"}']);
    takeExecutions(fx.exp);
    const yaml = join(fx.exp, 'experience.yaml');
    writeFileSync(
      yaml,
      readFileSync(yaml, 'utf8')
        .replace('  label: { type: string, default: "x" }\n', '')
        .replace('args: { label: $args.label }', 'args: { label: "y" }'),
    );

    const res = await resumeRun(fx, run.runId);
    expect(res.result.stderr).toContain('"dropped":["label"]');
    expect(res.result.stderr).toContain('no longer declares');
    expect(res.events[0]!.args).toEqual({ base: 3 });
    // tag's definition changed, so it runs; it gives the same output, so report stays cached.
    expect(takeExecutions(fx.exp)).toEqual(['tag']);
    expect(res.finalState).toEqual(diamondState(3, 'y'));

    const given = await resumeRefused(fx, run.runId, ['--args', '{"label":"z"}']);
    expect(given.code).toBe(2);
    expect(given.stderr).toContain('unknown arg \\"label\\"');
  });

  it('when the recorded experience no longer validates, exits 2 naming the problem and writes no log', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const yaml = join(fx.exp, 'experience.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('- { from: tag, to: report }', '- { from: tag, to: reprot }'));
    const r = await resumeRefused(fx, run.runId);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reprot');
    expect(logsIn(fx.ws)).toEqual([run.logFile]);
    expect(takeExecutions(fx.exp)).toEqual([]);
  });
});
