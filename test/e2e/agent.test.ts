// Agent nodes through the real CLI against a real local HTTP server standing in for the Anthropic
// API (issue #4): usage in the log, node.retrying, node timeout, cancel, resume without requests,
// record then replay with the server stopped, and the key absent from every file and from stdout.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAnthropic, errorReply, textReply, toolReply } from '../helpers/fake-anthropic.js';
import { REPO_ROOT, collect, readEvents, runLogs, runOe, spawnOe, tempDir } from '../helpers/cli.js';

const KEY = 'sk-ant-e2e-SECRET-9f8e7d';
let fake: FakeAnthropic | undefined;
let ws: string;

beforeEach(async () => {
  fake = await FakeAnthropic.start({ expectedKey: KEY });
  ws = tempDir('oe-agent-e2e-');
});
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const env = () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake!.baseURL });

/** Writes an experience with a tool node feeding an agent node (and an optional schema agent). */
function writeExperience(opts: { agentExtra?: string; schemaNode?: boolean } = {}): string {
  const dir = join(ws, 'exp');
  mkdirSync(join(dir, 'tools'), { recursive: true });
  writeFileSync(join(dir, 'tools', 'pick.mjs'), 'export default async (input) => ({ state_delta: { topic: `release ${input.version}` } });\n');
  writeFileSync(join(dir, 'prompt.md'), 'Write one line about {{topic}} for {{$args.team}}.\n');
  const schemaNode = opts.schemaNode
    ? `
    - id: rate
      kind: agent
      prompt: "Rate {{note}}."
      model: claude-haiku-4-5
      reads: [note]
      writes: [rating]
      schema:
        type: object
        properties: { rating: { type: integer, minimum: 1, maximum: 5 } }
        required: [rating]
        additionalProperties: false`
    : '';
  writeFileSync(
    join(dir, 'experience.yaml'),
    `name: note
version: 1.0.0
inputs:
  version: { type: string, default: "1.2.0" }
  team: { type: string, default: "ops" }
state:
  schema:
    topic: { type: string }
    note: { type: string }
    rating: { type: integer }
graph:
  nodes:
    - id: pick
      kind: tool
      impl: tools/pick.mjs
      args: { version: $args.version }
      writes: [topic]
    - id: write
      kind: agent
      prompt: prompt.md
      reads: [topic]
      writes: [note]${opts.agentExtra ?? ''}${schemaNode}
  edges:
    - { from: pick, to: write }${opts.schemaNode ? '\n    - { from: write, to: rate }' : ''}
`,
  );
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function expectNoKeyAnywhere(stdout: string, stderr: string): void {
  expect(stdout).not.toContain(KEY);
  expect(stderr).not.toContain(KEY);
  for (const f of filesUnder(join(ws, '.openexpertise'))) expect(readFileSync(f, 'utf8'), f).not.toContain(KEY);
}

const ofType = (events: Array<Record<string, unknown>>, type: string) => events.filter((e) => e['type'] === type);

describe('oe run with agent nodes', () => {
  it('records usage and cost on node.completed and totals on run.completed, with the key nowhere', async () => {
    writeExperience({ schemaNode: true });
    fake!.enqueue(
      textReply('Release 1.2.0 is ready for ops.', { input_tokens: 1200, output_tokens: 30 }),
      toolReply('submit_result', { rating: 4 }, { input_tokens: 300, output_tokens: 10 }, 'claude-haiku-4-5'),
    );
    const r = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const events = readEvents(runLogs(ws)[0]!);
    const completed = ofType(events, 'node.completed');
    expect(completed.find((e) => e['nodeId'] === 'write')).toMatchObject({
      output: { state_delta: { note: 'Release 1.2.0 is ready for ops.' } },
      usage: { inputTokens: 1200, outputTokens: 30, model: 'claude-sonnet-5-5', costUsd: 0.0027 },
    });
    expect(completed.find((e) => e['nodeId'] === 'rate')).toMatchObject({
      output: { state_delta: { rating: 4 } },
      usage: { inputTokens: 300, outputTokens: 10, model: 'claude-haiku-4-5', costUsd: 0.00035 },
    });
    expect(ofType(events, 'run.completed')[0]).toMatchObject({ status: 'success', usage: { inputTokens: 1500, outputTokens: 40 } });
    expect(fake!.messageRequests[0]!.body.messages[0].content).toBe('Write one line about release 1.2.0 for ops.\n');
    expect(fake!.messageRequests[1]!.body.tool_choice).toEqual({ type: 'tool', name: 'submit_result' });
    expectNoKeyAnywhere(r.stdout, r.stderr);
  });

  it('logs node.retrying with the status and the wait for a 429, then completes', async () => {
    writeExperience();
    fake!.enqueue(errorReply(429, 'rate_limit_error', 'rate limited', { 'retry-after': '1' }), textReply('ok'));
    const r = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const events = readEvents(runLogs(ws)[0]!);
    expect(ofType(events, 'node.retrying')).toEqual([expect.objectContaining({ nodeId: 'write', attempt: 1, status: 429, waitMs: 1000 })]);
    expect(ofType(events, 'node.completed').map((e) => e['nodeId'])).toEqual(['pick', 'write']);
  });

  it('fails the node when 500s outlast --llm-max-retries, with one node.retrying per retry', async () => {
    writeExperience();
    fake!.fallback = errorReply(500, 'api_error', 'boom');
    const r = await runOe(['--log-format', 'json', 'run', 'exp', '--llm-max-retries', '1'], { cwd: ws, env: env() });
    expect(r.code).toBe(1);
    const events = readEvents(runLogs(ws)[0]!);
    expect(ofType(events, 'node.retrying')).toHaveLength(1);
    expect(ofType(events, 'node.failed')[0]).toMatchObject({ nodeId: 'write', error: { name: 'LlmRequestError', message: expect.stringContaining('500 api_error: boom') } });
    expect(fake!.messageRequests).toHaveLength(2);
  });

  it('cuts a hung response at the node timeout', async () => {
    writeExperience({ agentExtra: '\n      timeout: 700ms' });
    fake!.fallback = { hang: true };
    const t0 = Date.now();
    const r = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: env() });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.code).toBe(1);
    const failed = ofType(readEvents(runLogs(ws)[0]!), 'node.failed')[0]!;
    expect(failed).toMatchObject({ nodeId: 'write' });
    expect(JSON.stringify(failed['error'])).toMatch(/time/i);
    expect(fake!.messageRequests).toHaveLength(1);
  });

  it('cancels mid-request on SIGINT (exit 130) without waiting for the response', async () => {
    writeExperience();
    fake!.fallback = { hang: true };
    const child = spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: env() });
    child.stdin!.end();
    const done = collect(child, 20_000);
    while (fake!.messageRequests.length === 0) await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    child.kill('SIGINT');
    const r = await done;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe(130);
    expect(ofType(readEvents(runLogs(ws)[0]!), 'run.completed')[0]).toMatchObject({ status: 'cancelled' });
  });

  it('a resume of a completed run sends no request and reports the saved usage', async () => {
    writeExperience();
    fake!.enqueue(textReply('ok', { input_tokens: 500, output_tokens: 50 }));
    const first = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: env() });
    expect(first.code, first.stderr).toBe(0);
    const runId = readEvents(runLogs(ws)[0]!)[0]!['runId'] as string;
    const requestsBefore = fake!.requests.length;

    const again = await runOe(['--log-format', 'json', 'resume', runId], { cwd: ws, env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(fake!.requests.length).toBe(requestsBefore);
    const events = readEvents(runLogs(ws)[1]!);
    expect(ofType(events, 'node.cached').find((e) => e['nodeId'] === 'write')).toMatchObject({
      fromRunId: runId,
      savedUsage: { inputTokens: 500, outputTokens: 50, model: 'claude-sonnet-5-5' },
    });
    expectNoKeyAnywhere(again.stdout, again.stderr);
  });

  it('records with --record, then replays with --replay with the server stopped and no key', async () => {
    writeExperience({ schemaNode: true });
    fake!.enqueue(textReply('A line.'), toolReply('submit_result', { rating: 9 }, {}, 'claude-haiku-4-5'), toolReply('submit_result', { rating: 5 }, {}, 'claude-haiku-4-5'));
    const rec = await runOe(['--log-format', 'json', 'run', 'exp', '--record', 'rec'], { cwd: ws, env: env() });
    expect(rec.code, `signal ${rec.signal}\n${rec.stderr}`).toBe(0);
    const recordings = readdirSync(join(ws, 'rec'));
    expect(recordings).toHaveLength(3); // the text, the mismatching tool call, and the re-ask
    for (const f of recordings) expect(readFileSync(join(ws, 'rec', f), 'utf8')).not.toContain(KEY);
    await fake!.stop();
    fake = undefined;

    const rep = await runOe(['--log-format', 'json', 'run', 'exp', '--replay', 'rec'], { cwd: ws, env: {} });
    expect(rep.code, `signal ${rep.signal}\n${rep.stderr}`).toBe(0);
    const [a, b] = runLogs(ws).map((f) => ofType(readEvents(f), 'node.completed').map((e) => [e['nodeId'], e['output'], e['usage']]));
    expect(b).toEqual(a);
  });

  it('replay of a changed prompt fails the node naming the request hash and the nearest recording', async () => {
    writeExperience();
    fake!.enqueue(textReply('A line.'));
    const rec = await runOe(['--log-format', 'json', 'run', 'exp', '--record', 'rec'], { cwd: ws, env: env() });
    expect(rec.code, `signal ${rec.signal}\n${rec.stderr}`).toBe(0);
    const r = await runOe(['--log-format', 'json', 'run', 'exp', '--replay', 'rec', '--args', '{"team":"dev"}'], { cwd: ws, env: {} });
    expect(r.code).toBe(1);
    const failed = ofType(readEvents(runLogs(ws)[1]!), 'node.failed')[0]!;
    expect(failed['error']).toMatchObject({ name: 'RecordingNotFoundError', message: expect.stringMatching(/no recording for request [0-9a-f]{16} .*nearest recording: .*rec\/[0-9a-f]{16}\.json \(differs in messages\)/) });
  });

  it('fails the agent node, not the start-up, when ANTHROPIC_API_KEY is missing', async () => {
    writeExperience();
    const r = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: { ANTHROPIC_BASE_URL: fake!.baseURL } });
    expect(r.code).toBe(1);
    const events = readEvents(runLogs(ws)[0]!);
    expect(ofType(events, 'node.completed').map((e) => e['nodeId'])).toEqual(['pick']);
    expect(ofType(events, 'node.failed')[0]).toMatchObject({ nodeId: 'write', error: { name: 'MissingApiKeyError', message: expect.stringContaining('ANTHROPIC_API_KEY') } });
    expect(fake!.requests).toHaveLength(0);
  });

  it('oe validate rejects an unknown {{placeholder}} in an agent prompt', async () => {
    const dir = writeExperience();
    writeFileSync(join(dir, 'prompt.md'), 'About {{topic}} and {{missing_field}}.\n');
    const r = await runOe(['validate', 'exp'], { cwd: ws });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('missing_field');
    expect(fake!.requests).toHaveLength(0);
  });
});

describe('experiences/review-diff', () => {
  it('runs offline from its shipped recording, with no key and no network', async () => {
    const out = join(ws, 'review.md');
    const r = await runOe(
      ['--log-format', 'json', '--workspace', ws, 'run', 'experiences/review-diff', '--replay', 'experiences/review-diff/recording',
        '--args', JSON.stringify({ diff_file: 'experiences/review-diff/sample.diff', output: out })],
      { cwd: REPO_ROOT, env: { OE_ANTHROPIC_MODEL: 'claude-opus-5-5' } },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const events = readEvents(runLogs(ws)[0]!);
    const iterations = (id: string) => ofType(events, 'node.completed').filter((e) => e['nodeId'] === id && e['iteration'] !== undefined);
    expect(iterations('review')).toHaveLength(3);
    expect(iterations('verify')).toHaveLength(10);
    expect(ofType(events, 'run.completed')[0]).toMatchObject({ status: 'success', usage: { costUsd: expect.any(Number) } });
    const review = readFileSync(out, 'utf8');
    expect(review).toContain('**Risk: high**');
    expect(review).toContain('### Path traversal in GET /files/:name');
    expect(review).toContain('## Rejected on verification');
  });
});
