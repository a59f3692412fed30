// Issue #10 §2: cli-agent nodes for codex and gemini. Neither CLI can reach its API from here, so these
// tests run small STAND-IN executables named `codex` and `gemini` that follow the CLIs' documented
// non-interactive shapes (`codex exec --skip-git-repo-check [--model M] [extra] <prompt>`,
// `gemini --yolo --prompt <prompt> [--model M] [extra]`), record the argv and cwd they got, and
// answer on stdout. Everything else — oe, the process group, timeouts, redaction — is real.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { eventsOf, expectRunInvariants, freshExperiences, runExperience, type Workspace } from '../helpers/experience.js';

const experience = freshExperiences();

/** The stand-in: `--version`, else checks its shape, logs {argv, cwd} to $OE_STANDIN_LOG and answers by the prompt. */
const STANDIN = (name: 'codex' | 'gemini', version: string) => `#!/usr/bin/env node
const { appendFileSync } = require('node:fs');
const argv = process.argv.slice(2);
if (argv[0] === '--version') { console.log(${JSON.stringify(version)}); process.exit(0); }
appendFileSync(process.env.OE_STANDIN_LOG, JSON.stringify({ cli: ${JSON.stringify(name)}, argv, cwd: process.cwd() }) + '\\n');
let prompt;
if (${JSON.stringify(name)} === 'codex') {
  if (argv[0] !== 'exec' || argv[1] !== '--skip-git-repo-check') { console.error('usage: codex exec [OPTIONS] [PROMPT]'); process.exit(2); }
  prompt = argv[argv.length - 1];
} else {
  if (argv[0] !== '--yolo' || argv[1] !== '--prompt') { console.error('usage: gemini --prompt <text>'); process.exit(2); }
  prompt = argv[2];
}
if (prompt.includes('FAIL')) { console.error('boom: token ' + process.env.STANDIN_API_TOKEN + ' rejected'); process.exit(3); }
if (prompt.includes('HANG')) { process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); }
else if (prompt.includes('JSON')) console.log(JSON.stringify({ verdict: 'ship it' }));
else console.log(${JSON.stringify(name)} + ' says: ' + prompt);
`;

function standins(): { bin: string; log: string } {
  const root = tempDir('oe-standins-');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const [name, version] of [['codex', 'codex-cli 0.31.0'], ['gemini', '0.9.2']] as const) {
    writeFileSync(join(bin, name), STANDIN(name, version));
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, log: join(root, 'calls.jsonl') };
}

const SECRET = 'tok-0123456789-secret';

function env(s: { bin: string; log: string }, path = `${s.bin}${delimiter}${process.env['PATH']}`): Record<string, string> {
  return { PATH: path, OE_STANDIN_LOG: s.log, STANDIN_API_TOKEN: SECRET };
}

const calls = (log: string): Array<{ cli: string; argv: string[]; cwd: string }> =>
  readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { cli: string; argv: string[]; cwd: string });

/** OpenExpertise's tri-cli shape with stand-ins: codex critiques (text), gemini gives a verdict (json). */
const YAML = `name: tri
version: 0.1.0
state:
  schema:
    summary: { type: string }
    critique: { type: string }
    verdict: { type: string, enum: [ship it, hold] }
graph:
  nodes:
    - id: critique
      kind: cli-agent
      provider: codex
      prompt: "Critique {{summary}}"
      args: { summary: a fine summary }
      model: o4-mini
      extra_args: ['--sandbox', 'read-only']
      workdir: sub
      writes: [critique]
      timeout_ms: 20000
    - id: verdict
      kind: cli-agent
      provider: gemini
      prompt: "JSON verdict on {{critique}}"
      reads: [critique]
      output_format: json
      writes: [verdict]
  edges:
    - { from: critique, to: verdict }
`;

function ws(yaml = YAML): Workspace {
  return experience(yaml, { 'sub/.keep': '' });
}

describe('#10: cli-agent with codex and gemini (stand-in executables)', () => {
  it('runs the documented command shapes in workdir; text and JSON answers become state', async () => {
    const s = standins();
    const w = ws();
    const r = await runExperience(w, [], { env: env(s) });
    expectRunInvariants(r);
    expect(r.last!.finalState).toEqual({ critique: 'codex says: Critique a fine summary', verdict: 'ship it' });
    const [codex, gemini] = calls(s.log);
    expect(codex).toEqual({ cli: 'codex', argv: ['exec', '--skip-git-repo-check', '--model', 'o4-mini', '--sandbox', 'read-only', 'Critique a fine summary'], cwd: join(w.dir, 'sub') });
    expect(gemini).toEqual({ cli: 'gemini', argv: ['--yolo', '--prompt', 'JSON verdict on codex says: Critique a fine summary'], cwd: w.dir });
    expect(eventsOf(r, 'node.completed', 'critique')[0]!.usage).toBeUndefined();
  });

  it('a non-zero exit fails the node with the stderr tail, secrets redacted', async () => {
    const s = standins();
    const r = await runExperience(ws(YAML.replace('Critique {{summary}}', 'FAIL {{summary}}')), [], { env: env(s) });
    expectRunInvariants(r);
    expect(r.code).toBe(1);
    expect(eventsOf(r, 'node.failed', 'critique')[0]!.error).toEqual({ name: 'CliAgentError', message: 'codex (codex) exited with code 3: boom: token [redacted] rejected' });
    expect(readFileSync(r.file!, 'utf8')).not.toContain(SECRET);
  });

  it('timeout_ms: a CLI that ignores SIGTERM is SIGKILLed 2 s later, and nothing it started is left', async () => {
    const s = standins();
    const t0 = Date.now();
    const r = await runExperience(ws(YAML.replace('Critique {{summary}}', 'HANG-7f3a {{summary}}').replace('timeout_ms: 20000', 'timeout_ms: 500')), [], { env: env(s) });
    const took = Date.now() - t0;
    expectRunInvariants(r);
    expect(eventsOf(r, 'node.failed', 'critique')[0]!.error.message).toMatch(/^codex \(codex\) timed out after 500 ms/);
    expect(took).toBeGreaterThanOrEqual(2_400);
    expect(took).toBeLessThan(15_000);
    expect(execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })).not.toContain('HANG-7f3a');
  });

  it('a CLI that is not installed fails its node before it starts, saying so', async () => {
    const s = standins();
    const r = await runExperience(ws(), [], { env: env(s, '/usr/bin:/bin') });
    expectRunInvariants(r);
    expect(eventsOf(r, 'node.failed', 'critique')[0]!.error).toEqual({ name: 'CliNotFoundError', message: 'cannot run codex: not found on PATH' });
  });

  it("the CLI's --version is an input-hash part: a new version re-runs the node on resume", async () => {
    const s = standins();
    const w = ws();
    const first = await runExperience(w, [], { env: env(s) });
    expect(first.completed!.status).toBe('success');
    writeFileSync(join(s.bin, 'gemini'), STANDIN('gemini', '0.9.3'));
    const resumed = await runExperience(w, [], { env: env(s), command: ['resume', first.last!.runId] });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(eventsOf(resumed, 'node.cached').map((e) => e.nodeId)).toEqual(['critique']);
    expect(eventsOf(resumed, 'node.completed').map((e) => e.nodeId)).toEqual(['verdict']);
  });
});
