// Help, completion and doctor through bin/oe (issue #14 §7–§8): help shows examples, exit codes and
// the environment; the bash script is parsed and run by bash, completing commands, flags, enum
// values and the workspace's run ids; `oe doctor --json` is one object and never prints a key.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OE_BIN, runOe, tempDir } from '../helpers/cli.js';
import { goldenLogs, IDS } from '../fixtures/logs/scenarios.js';

const ws = tempDir('oe-completion-');
const bin = tempDir('oe-completion-bin-');
let script = '';

beforeAll(async () => {
  const dir = join(ws, '.openexpertise/runs');
  mkdirSync(dir, { recursive: true });
  for (const { runId, text } of Object.values(goldenLogs())) writeFileSync(join(dir, `${runId}.jsonl`), text);
  // The scripts call `oe` from PATH, as an installed oe would be.
  writeFileSync(join(bin, 'oe'), `#!/bin/sh\nexec '${process.execPath}' '${OE_BIN}' "$@"\n`);
  chmodSync(join(bin, 'oe'), 0o755);
  const r = await runOe(['completion', 'bash'], { cwd: ws });
  expect(r.code, r.stderr).toBe(0);
  script = join(bin, 'oe.bash');
  writeFileSync(script, r.stdout);
});

/** What bash's completion offers for the words typed (the last one is being completed). */
function complete(...words: string[]): string[] {
  const line = `source '${script}'; COMP_WORDS=(${['oe', ...words].map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _oe; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', line], { cwd: ws, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('oe completion bash', () => {
  it('is a script bash parses', () => {
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
  });
  it('completes commands, flags and the values of enum flags', () => {
    expect(complete('ins')).toEqual(['inspect']);
    expect(complete('r')).toEqual(['resume', 'run', 'runs']);
    expect(complete('run', '--con')).toEqual(['--concurrency']);
    expect(complete('inspect', 'latest', '--w')).toEqual(['--why', '--workspace']);
    expect(complete('--log-format', '')).toEqual(['json', 'pretty']);
    expect(complete('run', '--color', 'a')).toEqual(['always', 'auto']);
    expect(complete('completion', '')).toEqual(['bash', 'fish', 'zsh']);
  });
  it('completes run ids from the workspace: the short ids oe prints, and latest', () => {
    expect(complete('inspect', '')).toEqual(['latest', ...Object.values(IDS).map((id) => id.slice(-8))].sort());
    expect(complete('diff', IDS.success.slice(-8), '00000003')).toEqual(['00000003']);
    // After a flag that takes a value, the next word is that value, not the run id.
    expect(complete('inspect', '--node', 'x', '')).toContain('latest');
  });
  it('prints zsh and fish scripts; refuses another shell', async () => {
    const zsh = await runOe(['completion', 'zsh'], { cwd: ws });
    expect(zsh.stdout).toMatch(/^#compdef oe\n/);
    expect(zsh.stdout).toContain('compdef _oe oe');
    const fish = await runOe(['completion', 'fish'], { cwd: ws });
    expect(fish.stdout).toContain("complete -c oe -n 'not __fish_seen_subcommand_from");
    expect(fish.stdout).toContain('(oe completion --runs 2>/dev/null)');
    for (const [shell, text] of [['zsh', zsh.stdout], ['fish', fish.stdout]] as const) {
      // Parsed by the shell itself where it is installed.
      if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) continue;
      const file = join(bin, `oe.${shell}`);
      writeFileSync(file, text);
      expect(spawnSync(shell, ['-n', file], { encoding: 'utf8' }).stderr).toBe('');
    }
    const bad = await runOe(['completion', 'tcsh'], { cwd: ws });
    expect(bad.code).toBe(2);
  });
});

describe('help', () => {
  it('oe --help shows examples, the exit codes and the environment variables', async () => {
    const r = await runOe(['--help'], { cwd: ws });
    expect(r.code).toBe(0);
    for (const s of ['Examples:', '$ oe inspect latest', 'Exit codes:', '130  cancelled', 'Environment:', 'OE_WORKSPACE', 'NO_COLOR', 'ANTHROPIC_API_KEY']) expect(r.stdout).toContain(s);
  });
  it('each command’s help shows its examples', async () => {
    for (const [cmd, example] of [['run', '$ oe run experiences/weather-stats'], ['inspect', '$ oe inspect 1a2b3c4d --why decide'], ['doctor', '$ oe doctor --json']]) {
      const r = await runOe([cmd!, '--help'], { cwd: ws });
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(example);
    }
    expect((await runOe(['resume', '--help'], { cwd: ws })).stdout).toContain('Run ids: a full UUID, a unique prefix');
  });
});

describe('oe doctor', () => {
  it('prints one JSON object, says which keys are set without their values, and exits 1 when a check fails', async () => {
    const ok = await runOe(['doctor', '--json'], { cwd: ws, env: { ANTHROPIC_API_KEY: 'sk-ant-do-not-print', PATH: `${bin}:${process.env.PATH}` } });
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout) as { ok: boolean; checks: Array<{ name: string; status: string; detail: string }> };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(['node', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'claude', 'codex', 'gemini', 'redis', 'workspace']);
    expect(report.checks.find((c) => c.name === 'ANTHROPIC_API_KEY')).toMatchObject({ status: 'ok', detail: 'set' });
    expect(ok.stdout + ok.stderr).not.toContain('do-not-print');
    const bad = await runOe(['doctor', '--json'], { cwd: ws, env: { OE_REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).checks.find((c: { name: string }) => c.name === 'redis')).toMatchObject({ status: 'fail' });
  });
});
