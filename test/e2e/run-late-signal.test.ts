// A pause request that arrives after the run has ended (issue #12 §1, found by crash fuzzing):
// `oe pause` reads the log, sees no run.completed yet and sends SIGUSR2, but the run ends first. The
// signal must not kill the process (SIGUSR2's default action), whose run succeeded. A real process
// (STYLE §4): a fixture runs the command table in-process, then signals itself.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, collect, tempDir } from '../helpers/cli.js';
import { writeFiles } from '../helpers/resume.js';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/scripts/run-then-signal.mjs');

describe('a pause that comes too late', () => {
  it('#12: SIGUSR2 after the run ended does not kill the process; it exits with the run\'s code', async () => {
    const ws = tempDir('oe-late-pause-');
    writeFiles(join(ws, 'exp'), {
      'experience.yaml': 'name: late\nversion: 1.0.0\nstate:\n  schema: {}\ngraph:\n  nodes:\n    - { id: a, kind: tool, impl: tools/a.mjs }\n  edges: []\n',
      'tools/a.mjs': 'export default async () => ({});\n',
    });
    const child = spawn(process.execPath, [FIXTURE, '--log-format', 'json', 'run', 'exp'], { cwd: ws, env: { ...process.env, SIGNAL_AFTER_RUN: 'SIGUSR2' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const res = await collect(child);
    rmSync(ws, { recursive: true, force: true });
    expect(res.signal, res.stderr).toBeNull();
    expect(res.lines.find((l) => l.msg === 'run complete')).toMatchObject({ status: 'success' });
    expect(res.lines.at(-1)).toEqual({ alive: true, code: 0 });
    expect(res.code).toBe(0);
  });
});
