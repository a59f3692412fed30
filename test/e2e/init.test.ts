// `oe init`: the scaffold validates and runs; a non-empty directory or a file is refused untouched.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOe, tempDir } from '../helpers/cli.js';

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});
const scratch = () => {
  const d = realpathSync(tempDir('oe-e2e-init-'));
  cleanup.push(d);
  return d;
};

describe('oe init', () => {
  it('scaffolds an experience that passes oe validate and runs with oe run', async () => {
    const cwd = scratch();
    const init = await runOe(['--log-format', 'json', 'init', 'greeter'], { cwd });
    expect(init.code, init.stderr).toBe(0);
    expect(init.lines.at(-1)).toMatchObject({ msg: 'init complete', dir: join(cwd, 'greeter'), files: ['experience.yaml', 'tools/hello.mjs', 'README.md'] });
    expect(readFileSync(join(cwd, 'greeter/experience.yaml'), 'utf8')).toContain('name: greeter\n');

    const validate = await runOe(['--log-format', 'json', 'validate', 'greeter'], { cwd });
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.lines.at(-1)).toMatchObject({ msg: 'valid', name: 'greeter', nodes: 1 });

    const run = await runOe(['--log-format', 'json', 'run', 'greeter', '--args', '{"name": "Ada"}'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.filter((l) => l.msg === 'node.completed').map((l) => l.nodeId)).toEqual(['hello']);
    expect(run.lines.find((l) => l.msg === 'run complete')).toMatchObject({ status: 'success', finalState: { greeting: 'Hello, Ada!' } });
  });

  it('creates missing parent directories and works with the default arg', async () => {
    const cwd = scratch();
    expect((await runOe(['--log-format', 'json', 'init', 'a/b/My Flow!'], { cwd })).code).toBe(0);
    expect(readFileSync(join(cwd, 'a/b/My Flow!/experience.yaml'), 'utf8')).toContain('name: my-flow\n');
    const run = await runOe(['--log-format', 'json', 'run', 'a/b/My Flow!'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.find((l) => l.msg === 'run complete')).toMatchObject({ finalState: { greeting: 'Hello, world!' } });
  });

  it('fills an existing empty directory', async () => {
    const cwd = scratch();
    mkdirSync(join(cwd, 'empty'));
    const r = await runOe(['--log-format', 'json', 'init', 'empty'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(cwd, 'empty')).sort()).toEqual(['README.md', 'experience.yaml', 'tools']);
  });

  it('exits 2 on a non-empty directory, naming it, and writes nothing', async () => {
    const cwd = scratch();
    mkdirSync(join(cwd, 'busy'));
    writeFileSync(join(cwd, 'busy', 'notes.txt'), 'mine');
    const r = await runOe(['--log-format', 'json', 'init', 'busy'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot create an experience in ${join(cwd, 'busy')}: the directory is not empty`);
    expect(readdirSync(join(cwd, 'busy'))).toEqual(['notes.txt']);
    expect(readFileSync(join(cwd, 'busy', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('exits 2 when the path is a file', async () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'file'), 'x');
    const r = await runOe(['--log-format', 'json', 'init', 'file'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('it exists and is not a directory');
    expect(existsSync(join(cwd, 'file', 'experience.yaml'))).toBe(false);
  });

  it('exits 2 without a directory argument', async () => {
    const r = await runOe(['--log-format', 'json', 'init'], { cwd: scratch() });
    expect(r.code).toBe(2);
  });
});
