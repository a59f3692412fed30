// Run-id shortcuts (issue #14 §4), workspace discovery (§5) and `--json` on every command (§6),
// through bin/oe on a workspace of golden logs (five runs of one day: their ids share a long prefix).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOe, tempDir } from '../helpers/cli.js';
import { expectCliRefusal } from '../corpus/harness.js';
import { experience, LogBuilder } from '../helpers/log-builder.js';
import { goldenLogs, IDS, runIdAt } from '../fixtures/logs/scenarios.js';

const ws = tempDir('oe-ux-');
const sub = join(ws, 'a', 'b');
// The newest run of the workspace is of another experience.
const OTHER = runIdAt('2026-11-21T08:00:00.000Z', 6);

beforeAll(() => {
  const dir = join(ws, '.openexpertise/runs');
  mkdirSync(dir, { recursive: true });
  mkdirSync(sub, { recursive: true });
  for (const { runId, text } of Object.values(goldenLogs())) writeFileSync(join(dir, `${runId}.jsonl`), text);
  new LogBuilder({ runId: OTHER }).started(experience('other', [{ id: 'x' }], [])).executes('x').finished('success').writeTo(ws);
});

const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
const inspected = async (ref: string, cwd = ws, ...more: string[]) => {
  const r = await runOe(['inspect', ref, '--json', ...more], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return json(r.stdout).runId;
};

describe('run-id shortcuts (#14 §4)', () => {
  it('takes the short id oe prints, a unique prefix, and latest (of the workspace or of --experience)', async () => {
    expect(await inspected(IDS.failure.slice(-8))).toBe(IDS.failure);
    expect(await inspected(`…${IDS.resumed.slice(-8)}`)).toBe(IDS.resumed);
    // 10:00 and 10:30 differ in the 9th hex digit of the timestamp.
    expect(await inspected(IDS.failure.slice(0, 11))).toBe(IDS.failure);
    expect(await inspected('latest')).toBe(OTHER);
    expect(await inspected('latest', ws, '--experience', 'experiences/release-gates')).toBe(IDS.paused);
  });

  it('lists the candidates of an ambiguous prefix and exits 2, for every command taking a run id', async () => {
    const prefix = IDS.success.slice(0, 6);
    const message = `run id prefix "${prefix}" is ambiguous: 5 runs match`;
    for (const argv of [['inspect', prefix], ['resume', prefix], ['diff', prefix, IDS.success], ['pause', prefix], ['cancel', prefix]]) {
      await expectCliRefusal(argv, ws, 2, new RegExp(`${message}[^]*${Object.values(IDS).reverse().join('[^]*')}`));
    }
    // Through bin/oe: for people, the list under the message; in JSON, the error's `detail` lines.
    const pretty = await runOe(['--log-format', 'pretty', 'inspect', prefix], { cwd: ws });
    expect(pretty.code).toBe(2);
    expect(pretty.stderr).toContain(`oe: ${message}`);
    const r = await runOe(['inspect', prefix], { cwd: ws });
    const err = JSON.parse(r.stderr) as { msg: string; detail: string[] };
    expect(err.msg).toContain('is ambiguous');
    expect(err.detail.map((l) => l.trim().split(/\s+/)[0])).toEqual(Object.values(IDS).reverse());
  });

  it('says no run matches a well-formed prefix that names none (exit 1), refuses anything else before touching the disk (exit 2), and resolves before pause checks liveness', async () => {
    await expectCliRefusal(['inspect', 'ffff'], ws, 1, 'no run matches run id prefix "ffff" in');
    await expectCliRefusal(['resume', '../runs/x'], ws, 2, 'not a run id: "../runs/x"');
    await expectCliRefusal(['pause', IDS.success.slice(-8)], ws, 1, `run ${IDS.success} is not running (last status: success)`);
  });
});

describe('workspace discovery (#14 §5)', () => {
  it('finds .openexpertise/ in a parent directory, like .git', async () => {
    const r = await runOe(['runs', '--json'], { cwd: sub });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).runId)).toEqual([OTHER, ...Object.values(IDS).reverse()]);
    expect(await inspected('latest', sub)).toBe(OTHER);
  });

  it('lets --workspace and OE_WORKSPACE say otherwise', async () => {
    const empty = tempDir('oe-ux-empty-');
    const r = await runOe(['runs', '--json', '--workspace', empty], { cwd: sub });
    expect(r.stdout).toBe('');
    const e = await runOe(['runs', '--json'], { cwd: sub, env: { OE_WORKSPACE: empty } });
    expect(e.stdout).toBe('');
  });
});

describe('--json on every command (#14 §6)', () => {
  const dir = tempDir('oe-ux-json-');
  beforeAll(async () => {
    const r = await runOe(['init', 'hello', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ msg: 'init complete', files: ['experience.yaml', 'tools/hello.mjs', 'README.md'] });
  });

  it.each([
    [['validate', 'hello', '--json'], { msg: 'valid', valid: true, name: 'hello', nodes: 1 }],
    [['graph', 'hello', '--json'], { name: 'hello', format: 'mermaid', nodes: 1 }],
    [['run', 'hello', '--json'], { msg: 'run complete', status: 'success' }],
    [['runs', '--json'], { status: 'success' }],
    [['inspect', 'latest', '--json'], { status: 'success' }],
    [['diff', 'latest', 'latest', '--json'], { changedNodes: 0 }],
    [['schema', '--json'], { type: 'object' }],
  ])('oe %j prints JSON on stdout even when asked on a terminal', async (argv, expected) => {
    // --log-format pretty stands for a terminal's default: --json wins over it.
    const r = await runOe(['--log-format', 'pretty', ...argv], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    if (argv[0] === 'schema') return expect(JSON.parse(r.stdout)).toMatchObject(expected);
    for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    expect(json(r.stdout)).toMatchObject(expected);
  });

  it('oe validate --json prints the problems on stdout too, and exits 2', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\nversion: 1\n');
    const r = await runOe(['validate', 'bad.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const out = json(r.stdout) as { valid: boolean; problems: Array<{ text: string }> };
    expect(out.valid).toBe(false);
    expect(out.problems.length).toBeGreaterThan(0);
    expect(out.problems[0]!.text).toMatch(/^bad\.yaml:/);
  });
});
