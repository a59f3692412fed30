// Agent nodes through the real CLI against a real local HTTP server standing in for the Anthropic
// API (issues #4, #15): usage in the log, node.retrying, node timeout, cancel, resume without requests,
// record then replay with the server stopped, and the key absent from every file and from stdout;
// honest totals (unpriced models, replayed answers), one line per retry (#12), --llm openai (#10 §5).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAnthropic, errorReply, textReply, toolReply } from '../helpers/fake-anthropic.js';
import { chatReply, chatRequests } from '../helpers/fake-openai.js';
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
    const retrying = ofType(events, 'node.retrying');
    expect(retrying).toEqual([expect.objectContaining({ nodeId: 'write', attempt: 1, status: 429, retry: 1, requestId: 'req_fake_1' })]);
    expect(retrying[0]!['waitMs']).toBeGreaterThanOrEqual(990);
    expect(retrying[0]!['waitMs']).toBeLessThan(1500);
    expect(ofType(events, 'node.completed').map((e) => e['nodeId'])).toEqual(['pick', 'write']);
    // #12: each retry is printed once (the node.retrying line), not also as a node log line.
    const lines = (r.stdout + r.stderr).split('\n').filter((l) => /retr/i.test(l) && !l.includes('"run.started"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'node.retrying', status: 429 });
  });

  it('#12: says "failed" without "after 1 attempts" when no retry was allowed', async () => {
    writeExperience();
    fake!.fallback = errorReply(503, 'api_error', 'down');
    const r = await runOe(['--log-format', 'json', 'run', 'exp', '--llm-max-retries', '0'], { cwd: ws, env: env() });
    expect(r.code).toBe(1);
    const failed = ofType(readEvents(runLogs(ws)[0]!), 'node.failed')[0]!;
    expect((failed['error'] as { message: string }).message).toMatch(/^Anthropic API request failed: 503 api_error: down/);
    expect(r.stdout + r.stderr).not.toContain('attempts:');
    expect(r.stdout + r.stderr).not.toContain('after 1 attempts');
  });

  it('#15: an unpriced model gives costUsd null and marks the run total incomplete, never a silent 0', async () => {
    writeExperience({ agentExtra: '\n      model: claude-unknown-9' });
    fake!.enqueue(textReply('ok', { input_tokens: 10, output_tokens: 5 }, 'claude-unknown-9'));
    const r = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const events = readEvents(runLogs(ws)[0]!);
    expect(ofType(events, 'node.completed').find((e) => e['nodeId'] === 'write')).toMatchObject({ usage: { model: 'claude-unknown-9', costUsd: null } });
    expect(ofType(events, 'run.completed')[0]).toMatchObject({ usage: { inputTokens: 10, outputTokens: 5, costUsd: 0, incomplete: true } });
    const inspect = await runOe(['inspect', events[0]!['runId'] as string, '--json'], { cwd: ws, env: {} });
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout.trim().split('\n').at(-1)!)).toMatchObject({ totals: { inputTokens: 10, costUsd: null, incomplete: true } });
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
    writeExperience({ agentExtra: '\n      timeout: 3s' });
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
    // #15 §5: the resume's summary says what the memo saved, and that nothing was spent.
    const done = ofType(events, 'run.completed')[0]!;
    expect(done['saved']).toMatchObject({ inputTokens: 500, outputTokens: 50, costUsd: 0.0015, replayedRequests: 0 });
    expect(done['usage']).toBeUndefined();
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
    const logs = runLogs(ws).map((f) => readEvents(f));
    const tokens = (u: unknown) => (u ? { ...(u as object), requestIds: undefined, replayed: undefined } : u);
    const [a, b] = logs.map((events) => ofType(events, 'node.completed').map((e) => [e['nodeId'], e['output'], tokens(e['usage'])]));
    expect(b).toEqual(a);
    // #15 §5: replayed answers are marked and count as saved, not spent: the replayed run spends $0.
    const spent = ofType(logs[0]!, 'run.completed')[0]!['usage'] as { costUsd: number; inputTokens: number };
    expect(ofType(logs[1]!, 'node.completed').filter((e) => e['usage']).every((e) => (e['usage'] as { replayed?: boolean }).replayed === true)).toBe(true);
    const done = ofType(logs[1]!, 'run.completed')[0]!;
    expect(done['usage']).toBeUndefined();
    expect(done['saved']).toMatchObject({ inputTokens: spent.inputTokens, costUsd: spent.costUsd, replayedRequests: 3 });
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

  it('#15 §6: oe validate warns at file:line:col about a temperature the model rejects, and still exits 0', async () => {
    writeExperience({ agentExtra: '\n      temperature: 0.2\n      effort: xhigh' });
    const r = await runOe(['validate', 'exp'], { cwd: ws, env: {} });
    expect(r.code, r.stderr).toBe(0);
    const msgs = (out: string) => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string }).map((l) => l.msg);
    expect(msgs(r.stderr)).toEqual([expect.stringMatching(/^exp\/experience\.yaml:\d+:7: warning: node "write": model claude-sonnet-5-5 rejects a non-default temperature .*; oe leaves temperature out of its requests$/)]);
    // The node names no model, so the run's default decides: Haiku 4.5 takes temperature but no effort.
    const haiku = await runOe(['validate', 'exp'], { cwd: ws, env: { OE_ANTHROPIC_MODEL: 'claude-haiku-4-5' } });
    expect(msgs(haiku.stderr)).toEqual([expect.stringMatching(/warning: node "write": model claude-haiku-4-5 does not take effort/)]);
  });

  it('#15: oe validate rejects a bad prompt_cache or effort with line:col (exit 2)', async () => {
    writeExperience({ agentExtra: '\n      prompt_cache: 2h\n      effort: extreme' });
    const r = await runOe(['validate', 'exp'], { cwd: ws, env: {} });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/experience\.yaml:\d+:21: node \\"write\\": prompt_cache must be true, false, \\"5m\\" or \\"1h\\"/);
    expect(r.stdout + r.stderr).toMatch(/experience\.yaml:\d+:15: node \\"write\\": effort must be one of low, medium, high, xhigh, max/);
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

describe('--llm openai (#10 §5)', () => {
  it('without --llm picks OpenAI when only OPENAI_API_KEY is set, and records usage and cost', async () => {
    writeExperience({ schemaNode: true });
    fake!.enqueue(chatReply('A line.', { prompt_tokens: 1000, completion_tokens: 50 }), chatReply('{"rating":4}', { prompt_tokens: 200, completion_tokens: 5 }));
    const r = await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake!.baseURL}/v1`, OE_OPENAI_MODEL: 'gpt-6-sol' } });
    expect(r.code, r.stderr).toBe(0);
    const events = readEvents(runLogs(ws)[0]!);
    expect(events[0]).toMatchObject({ options: { llm: 'openai' } });
    expect(chatRequests(fake!).map((q) => q.body.model)).toEqual(['gpt-6-sol', 'claude-haiku-4-5']);
    expect(chatRequests(fake!)[1]!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true } });
    expect(ofType(events, 'node.completed').find((e) => e['nodeId'] === 'write')).toMatchObject({ usage: { provider: 'openai', model: 'gpt-6.1-sol', inputTokens: 1000, outputTokens: 50, costUsd: 0.0025 } });
    expectNoKeyAnywhere(r.stdout, r.stderr);
  });

  it('keeps Anthropic when both keys are set, and --llm openai overrides it', async () => {
    writeExperience();
    fake!.enqueue(textReply('A line.'), chatReply('Another line.'));
    const both = { ...env(), OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake!.baseURL}/v1` };
    expect((await runOe(['--log-format', 'json', 'run', 'exp'], { cwd: ws, env: both })).code).toBe(0);
    expect((await runOe(['--log-format', 'json', 'run', 'exp', '--llm', 'openai'], { cwd: ws, env: both })).code).toBe(0);
    expect(fake!.requests.map((q) => q.path)).toEqual(['/v1/messages', '/v1/chat/completions']);
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
    // #15 §5: a replayed run spends nothing; what the recording cost counts as saved.
    const done = ofType(events, 'run.completed')[0]!;
    expect(done).toMatchObject({ status: 'success', saved: { costUsd: expect.any(Number), replayedRequests: 13 } });
    expect(done['usage']).toBeUndefined();
    // #15 §4/§7: the recording holds the new request shapes: strict tools and cache_control on the shared prefix.
    const rec = readdirSync(join(REPO_ROOT, 'experiences/review-diff/recording')).map((f) => JSON.parse(readFileSync(join(REPO_ROOT, 'experiences/review-diff/recording', f), 'utf8')));
    expect(rec.every((r) => r.request.tools[0].strict === true)).toBe(true);
    expect(rec.filter((r) => Array.isArray(r.request.messages[0].content) && r.request.messages[0].content[0].cache_control?.type === 'ephemeral')).toHaveLength(10); // verify's
    expect(rec.some((r) => r.response.usage.cache_read_input_tokens > 0)).toBe(true);
    const review = readFileSync(out, 'utf8');
    expect(review).toContain('**Risk: high**');
    expect(review).toContain('### Path traversal in GET /files/:name');
    expect(review).toContain('## Rejected on verification');
  });
});
