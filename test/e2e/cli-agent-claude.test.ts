// Issue #10 §2–§3: cli-agent nodes run the REAL Claude Code CLI (`claude -p … --output-format json`,
// @anthropic-ai/claude-code installed into .cache/claude-code by scripts/install-claude-code.mjs),
// pointed through ANTHROPIC_BASE_URL at a local SSE stand-in of the Messages API on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '../../src/log/events.js';
import { collect, spawnOe } from '../helpers/cli.js';
import { claudeBinDir, claudeEnv, DUMMY_KEY } from '../helpers/claude-code.js';
import { eventsOf, expectRunInvariants, freshExperiences, runExperience, type Workspace } from '../helpers/experience.js';
import { startFakeSse, type FakeSse, type SseReply } from '../helpers/fake-anthropic-sse.js';

const experience = freshExperiences();
let sse: FakeSse;

beforeAll(() => {
  claudeBinDir(); // installs the CLI once, outside any test's timeout
}, 180_000);
afterEach(async () => {
  await sse.close();
});

/** Starts this test's stand-in (closed after the test). */
async function serve(replies: SseReply[], fallback?: Parameters<typeof startFakeSse>[1]): Promise<void> {
  sse = await startFakeSse(replies, fallback);
}

/** An experience in OpenExpertise's format: a text node with node args, then a json node with a schema. */
const YAML = `name: cli-claude
version: 0.1.0
state:
  schema:
    topic: { type: string }
    summary: { type: string, minLength: 1 }
    ideas:
      type: array
      merge: array_append
      items: { $ref: '#/$defs/idea' }
      $defs:
        idea: { type: object, required: [idea], properties: { idea: { type: string } } }
phases:
  - { id: write, title: Write it }
  - { id: think }
graph:
  nodes:
    - id: summarize
      kind: cli-agent
      provider: claude-code
      phase: write
      prompt: "MARK-SUM Summarize {{topic}} ({{topic|length}} chars)"
      args: { topic: caching }
      writes: [summary]
      timeout_ms: 60000
    - id: ideas
      kind: cli-agent
      provider: claude-code
      phase: think
      prompt: "MARK-IDEAS Ideas about {{summary}} as {{summary|json}}"
      reads: [summary]
      output_format: json
      schema: { type: object, required: [ideas], properties: { ideas: { type: array } } }
      writes: [ideas]
  edges:
    - { from: summarize, to: ideas }
`;

function answer(req: { body: { messages?: Array<{ role: string; content: unknown }> } }): { text: string; usage?: { input_tokens: number; output_tokens: number } } {
  const text = JSON.stringify(req.body.messages ?? []);
  if (text.includes('MARK-SUM')) return { text: 'Caching keeps hot data close.', usage: { input_tokens: 120, output_tokens: 8 } };
  if (text.includes('MARK-IDEAS')) return { text: '```json\n{"ideas": [{"idea": "LRU"}, {"idea": "TTL"}]}\n```' };
  return { text: 'ok' };
}

async function run(ws: Workspace, args: string[] = [], command?: string[]) {
  return runExperience(ws, args, { env: claudeEnv(sse.url), ...(command ? { command } : {}) });
}

describe('#10: cli-agent with the real claude binary', () => {
  it('runs claude -p: the prompt is rendered with node args, reads and filters; text and JSON answers become state; usage and cost are recorded', async () => {
    const ws = experience(YAML);
    await serve([], answer);
    const r = await run(ws);
    expectRunInvariants(r);
    expect(r.completed!.status).toBe('success');
    expect(r.last!.finalState).toEqual({ summary: 'Caching keeps hot data close.', ideas: [{ idea: 'LRU' }, { idea: 'TTL' }] });
    const asked = sse.prompts().join('\n');
    expect(asked).toContain('MARK-SUM Summarize caching (7 chars)');
    expect(asked).toContain('MARK-IDEAS Ideas about Caching keeps hot data close. as "Caching keeps hot data close."');
    expect(sse.requests.every((q) => q.apiKey === DUMMY_KEY && q.body.stream === true)).toBe(true);
    const done = eventsOf(r, 'node.completed', 'summarize')[0]!;
    expect(done.usage).toMatchObject({ inputTokens: 120, outputTokens: 8 });
    expect(done.usage!.costUsd).toBeGreaterThan(0);
    expect(typeof done.usage!.model).toBe('string');
    expect(r.completed!.usage?.costUsd).toBeGreaterThan(0);
    expect(readFileSync(r.file!, 'utf8')).not.toContain(DUMMY_KEY);
  });

  it("the CLI's --version is part of the input hash: a resume restores both nodes without calling claude", async () => {
    const ws = experience(YAML);
    await serve([], answer);
    const first = await run(ws);
    expect(first.completed!.status).toBe('success');
    const version = execFileSync(join(claudeBinDir(), 'claude'), ['--version'], { encoding: 'utf8', env: claudeEnv(sse.url) }).trim();
    const started = eventsOf(first, 'node.started', 'summarize')[0]!;
    expect(started.hashParts?.['model']).toBeDefined();
    const calls = sse.requests.length;
    const resumed = await run(ws, [], ['resume', first.last!.runId]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(eventsOf(resumed, 'node.cached').map((e) => e.nodeId)).toEqual(['summarize', 'ideas']);
    expect(sse.requests.length).toBe(calls);
    expect(version).toMatch(/^2\.1\.197 /);
  });

  it('--record then --replay: the replayed run needs no server and no claude, and hashes its inputs as the recorded one', async () => {
    const ws = experience(YAML);
    await serve([], answer);
    const recorded = await run(ws, ['--record', 'rec']);
    expect(recorded.completed!.status).toBe('success');
    const files = readdirSync(join(ws.root, 'rec')).sort();
    expect(files.filter((f) => f.startsWith('cli-agent-') && f.endsWith('.json'))).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(ws.root, 'rec', 'cli-agent-versions.json'), 'utf8'))['claude-code']).toMatch(/^2\.1\.197/);
    for (const f of files) expect(readFileSync(join(ws.root, 'rec', f), 'utf8')).not.toContain(DUMMY_KEY);
    await sse.close();
    const offline = { ...claudeEnv('http://127.0.0.1:9'), PATH: '/usr/bin:/bin' };
    const replayed = await runExperience(ws, ['--replay', 'rec'], { env: offline });
    expectRunInvariants(replayed);
    expect(replayed.last!.finalState).toEqual(recorded.last!.finalState);
    const hashes = (r: typeof recorded) => eventsOf(r, 'node.completed').map((e: EventOf<'node.completed'>) => e.inputHash);
    expect(hashes(replayed)).toEqual(hashes(recorded));
  });

  it("an answer that breaks the node's schema or its field's schema fails the node, naming the field and the violation", async () => {
    const ws = experience(YAML);
    await serve([{ text: 'fine' }, { text: '{"ideas": [{"name": "no idea key"}]}' }]);
    const r = await run(ws);
    expectRunInvariants(r);
    expect(r.code).toBe(1);
    const failed = eventsOf(r, 'node.failed', 'ideas')[0]!;
    expect(failed.error.message).toBe('node ideas wrote state field "ideas" that does not match its schema: ideas[0]: Instance does not have required property "idea".');

    const ws2 = experience(YAML);
    await sse.close();
    await serve([{ text: 'fine' }, { text: '{"thoughts": []}' }]);
    const r2 = await run(ws2);
    expect(eventsOf(r2, 'node.failed', 'ideas')[0]!.error).toEqual({ name: 'CliOutputError', message: 'the JSON answer does not match the node\'s schema: $: Instance does not have required property "ideas".' });
  });

  it('an API error makes claude exit non-zero: the node fails with what claude said, the key redacted', async () => {
    const ws = experience(YAML);
    await serve([], { status: 400, text: `bad request for key ${DUMMY_KEY}` });
    const r = await run(ws);
    expectRunInvariants(r);
    const failed = eventsOf(r, 'node.failed', 'summarize')[0]!;
    expect(failed.error.name).toBe('CliAgentError');
    expect(failed.error.message).toMatch(/^claude \(claude-code\) exited with code 1: /);
    expect(readFileSync(r.file!, 'utf8')).not.toContain(DUMMY_KEY);
  });

  it('timeout_ms: a hanging claude gets SIGTERM to its process group and the node fails at once', async () => {
    const ws = experience(YAML.replace('timeout_ms: 60000', 'timeout_ms: 1500'));
    await serve([], { text: '', hang: true });
    const t0 = Date.now();
    const r = await run(ws);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expectRunInvariants(r);
    expect(eventsOf(r, 'node.failed', 'summarize')[0]!.error.message).toMatch(/^claude \(claude-code\) timed out after 1500 ms/);
    expect(processesWith('MARK-SUM')).toEqual([]);
  });

  it('cancel (SIGINT to oe) reaches the running claude: it is killed and the run ends cancelled', async () => {
    const ws = experience(YAML);
    await serve([], { text: '', hang: true });
    const child = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws.root, env: claudeEnv(sse.url) });
    child.stdin!.end();
    const done = collect(child, 30_000);
    while (sse.requests.length === 0) await new Promise((ok) => setTimeout(ok, 50));
    expect(processesWith('MARK-SUM').length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    await waitFor(() => processesWith('MARK-SUM').length === 0, 5_000);
    expect(processesWith('MARK-SUM')).toEqual([]);
    expect(existsSync(join(ws.root, '.openexpertise'))).toBe(true);
  });
});

/** Command lines of live processes whose arguments contain `marker` (the prompt is an argument of claude -p). */
function processesWith(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((ok) => setTimeout(ok, 100));
}
