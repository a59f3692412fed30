// Agent nodes against a real local HTTP server standing in for the Messages API (issue #4).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runner } from '../../src/nodes/agent.js';
import { FakeAnthropic, errorReply, textReply, toolReply } from '../helpers/fake-anthropic.js';
import { agentNode, nodeContext } from '../llm/context.js';

const KEY = 'sk-ant-test-KEY-0123456789';
const input = { _state: { name: 'Ada' }, _edge_inputs: {} };
let fake: FakeAnthropic;

beforeEach(async () => {
  fake = await FakeAnthropic.start({ expectedKey: KEY });
});
afterEach(async () => {
  await fake.stop();
});

const llm = () => ({ apiKey: KEY, baseURL: fake.baseURL });

describe('agent node: text output', () => {
  it('renders the prompt, sends one request and writes the text to its single writes field', async () => {
    fake.enqueue(textReply('Hello, Ada!', { input_tokens: 1000, output_tokens: 200 }));
    const ctx = nodeContext(llm());
    const out = await runner.run(agentNode({ system: 'Be brief.' }), input, ctx);

    expect(out.state_delta).toEqual({ greeting: 'Hello, Ada!' });
    expect(out.edge_output).toBe('Hello, Ada!');
    const [req] = fake.messageRequests;
    expect(req!.body).toEqual({
      model: 'claude-sonnet-5-5',
      max_tokens: 8192,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Say hello to Ada.' }],
    });
    expect(req!.apiKey).toBe(KEY);
  });

  it('computes usage and cost from the price table', async () => {
    fake.enqueue(textReply('ok', { input_tokens: 1_000_000, output_tokens: 100_000, cache_read_input_tokens: 200_000, cache_creation_input_tokens: 10_000 }));
    const out = await runner.run(agentNode(), input, nodeContext(llm()));
    // Sonnet 5.5: $2 in, $10 out, $0.10 cache read, $2.50 5m cache write per MTok
    expect(out.usage).toEqual({
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheReadTokens: 200_000,
      cacheWriteTokens: 10_000,
      model: 'claude-sonnet-5-5',
      costUsd: 2 + 1 + 0.02 + 0.025,
    });
  });

  it('reports a null cost for a model the price table does not know', async () => {
    fake.enqueue(textReply('ok', {}, 'claude-unknown-9'));
    const out = await runner.run(agentNode({ model: 'claude-unknown-9' }), input, nodeContext(llm()));
    expect(out.usage).toMatchObject({ model: 'claude-unknown-9', costUsd: null });
    expect(fake.messageRequests[0]!.body.model).toBe('claude-unknown-9');
  });

  it('reads the prompt from prompt_file and renders $item, $index and $args', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'oe-agent-'));
    writeFileSync(join(dir, 'p.md'), 'Check {{$item.name}} (#{{$index}}) in {{$args.repo}}.');
    fake.enqueue(textReply('fine'));
    const node = agentNode({ prompt: 'p.md', prompt_file: 'p.md', reads: [], temperature: 0 });
    await runner.run(node, { _state: {}, _edge_inputs: {}, $item: { name: 'lodash' }, $index: 2 }, nodeContext(llm(), { experienceDir: dir, args: { repo: 'oe' } }));
    expect(fake.messageRequests[0]!.body.messages[0].content).toBe('Check lodash (#2) in oe.');
    expect(fake.messageRequests[0]!.body.temperature).toBe(0);
    expect(runner.files(node)).toEqual(['p.md']);
  });

  it('rejects an unknown placeholder before any request', async () => {
    await expect(runner.run(agentNode({ prompt: 'Hi {{nobody}}' }), input, nodeContext(llm()))).rejects.toThrow(/unknown placeholder \{\{nobody\}\}/);
    expect(fake.requests).toHaveLength(0);
  });

  it('names the model it will call for the input hash: its own, else the run default', () => {
    const hashCtx = { experienceDir: '.', llm: { provider: 'anthropic', defaultModel: 'claude-haiku-4-5' } };
    expect(runner.model!(agentNode(), hashCtx)).toBe('claude-haiku-4-5');
    expect(runner.model!(agentNode({ model: 'claude-opus-5-5' }), hashCtx)).toBe('claude-opus-5-5');
  });
});

const findingsSchema = {
  type: 'object',
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: { title: { type: 'string', minLength: 1 }, severity: { enum: ['low', 'medium', 'high'] } },
        required: ['title', 'severity'],
        additionalProperties: false,
      },
    },
  },
  required: ['findings'],
  additionalProperties: false,
};
const schemaNode = (over = {}) => agentNode({ prompt: 'Review.', reads: [], writes: ['findings'], schema: findingsSchema, ...over });

describe('agent node: schema output', () => {
  it('forces the tool call where the model allows it and returns the validated object as the state delta', async () => {
    const value = { findings: [{ title: 'SQL injection', severity: 'high' }] };
    fake.enqueue(toolReply('submit_result', value, {}, 'claude-haiku-4-5'));
    const out = await runner.run(schemaNode({ model: 'claude-haiku-4-5' }), input, nodeContext(llm()));
    expect(out.state_delta).toEqual(value);
    expect(out.edge_output).toEqual(value);
    const body = fake.messageRequests[0]!.body;
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'submit_result' });
    expect(body.tools).toEqual([{ name: 'submit_result', description: expect.any(String), input_schema: findingsSchema }]);
    expect(body.system).toBeUndefined();
  });

  it('uses tool_choice auto plus an instruction for a model that rejects forced tool use', async () => {
    fake.enqueue(toolReply('submit_result', { findings: [] }));
    await runner.run(schemaNode(), input, nodeContext(llm()));
    const body = fake.messageRequests[0]!.body;
    expect(body.tool_choice).toEqual({ type: 'auto' });
    expect(body.system).toMatch(/calling the tool submit_result exactly once/);
  });

  it('asks once more with the validation errors, then succeeds; usage sums both requests', async () => {
    fake.enqueue(
      toolReply('submit_result', { findings: [{ title: '', severity: 'critical' }] }, { input_tokens: 100, output_tokens: 10 }),
      toolReply('submit_result', { findings: [{ title: 'XSS', severity: 'high' }] }, { input_tokens: 150, output_tokens: 12 }),
    );
    const out = await runner.run(schemaNode(), input, nodeContext(llm()));
    expect(out.state_delta).toEqual({ findings: [{ title: 'XSS', severity: 'high' }] });
    expect(out.usage).toMatchObject({ inputTokens: 250, outputTokens: 22 });

    const second = fake.messageRequests[1]!.body;
    expect(second.messages).toHaveLength(3);
    expect(second.messages[1]).toMatchObject({ role: 'assistant', content: [{ type: 'tool_use', name: 'submit_result', input: { findings: [{ title: '', severity: 'critical' }] } }] });
    const result = second.messages[2].content[0];
    expect(result).toMatchObject({ type: 'tool_result', is_error: true, tool_use_id: second.messages[1].content[0].id });
    expect(result.content).toContain('$.findings[0].title: must have at least 1 characters');
    expect(result.content).toContain('$.findings[0].severity: must be one of "low", "medium", "high" (got "critical")');
  });

  it('fails with every validation error when the re-ask does not match either', async () => {
    fake.enqueue(toolReply('submit_result', { findings: 'none' }), toolReply('submit_result', { findings: [], extra: 1 }));
    const err = await runner.run(schemaNode(), input, nodeContext(llm())).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('SchemaMismatchError');
    expect((err as Error).message).toMatch(/did not match the schema, also after one re-ask/);
    expect((err as Error).message).toContain('has property "extra", which is not allowed');
    expect((err as Error & { usage?: unknown }).usage).toMatchObject({ inputTokens: 200, outputTokens: 40 });
    expect(fake.messageRequests).toHaveLength(2);
  });

  it('counts a reply without the tool call as a mismatch and re-asks in plain text', async () => {
    fake.enqueue(textReply('I think there are no findings.'), toolReply('submit_result', { findings: [] }));
    const out = await runner.run(schemaNode(), input, nodeContext(llm()));
    expect(out.state_delta).toEqual({ findings: [] });
    expect(fake.messageRequests[1]!.body.messages[2]).toEqual({ role: 'user', content: expect.stringContaining('did not call the tool submit_result') });
  });

  it('rejects fields outside writes', async () => {
    const loose = { type: 'object', properties: { findings: { type: 'array' } } };
    fake.enqueue(toolReply('submit_result', { findings: [], score: 3 }), toolReply('submit_result', { findings: [], score: 3 }));
    await expect(runner.run(schemaNode({ schema: loose }), input, nodeContext(llm()))).rejects.toThrow(/"score", which is not one of the node's writes/);
  });
});

describe('agent node: resilience', () => {
  it('retries a 429 after the retry-after wait and reports the retry', async () => {
    fake.enqueue(errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '1' }), textReply('done'));
    const ctx = nodeContext(llm());
    const t0 = Date.now();
    const out = await runner.run(agentNode(), input, ctx);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(out.state_delta).toEqual({ greeting: 'done' });
    expect(ctx.retries).toEqual([{ status: 429, waitMs: 1000, reason: expect.stringContaining('slow down') }]);
    expect(fake.messageRequests).toHaveLength(2);
  });

  it('honours retry-after-ms over retry-after', async () => {
    fake.enqueue(errorReply(529, 'overloaded_error', 'overloaded', { 'retry-after-ms': '40', 'retry-after': '30' }), textReply('done'));
    const ctx = nodeContext(llm());
    await runner.run(agentNode(), input, ctx);
    expect(ctx.retries).toEqual([{ status: 529, waitMs: 40, reason: expect.any(String) }]);
  });

  it('fails after 500s exhaust the retries, reporting each retry with its backoff', async () => {
    fake.fallback = errorReply(500, 'api_error', 'internal');
    const ctx = nodeContext(llm());
    const err = await runner.run(agentNode({ max_retries: 2 } as never), input, ctx).catch((e: Error) => e);
    expect((err as Error).name).toBe('LlmRequestError');
    expect((err as Error).message).toMatch(/failed after 3 attempts: 500 api_error: internal \(request-id req_fake_\d+\)/);
    expect((err as Error & { retryable?: boolean }).retryable).toBe(true);
    expect(fake.messageRequests).toHaveLength(3);
    expect(ctx.retries.map((r) => r.status)).toEqual([500, 500]);
    expect(ctx.retries[0]!.waitMs).toBeGreaterThanOrEqual(375);
    expect(ctx.retries[0]!.waitMs).toBeLessThanOrEqual(500);
    expect(ctx.retries[1]!.waitMs).toBeGreaterThanOrEqual(750);
    expect(ctx.retries[1]!.waitMs).toBeLessThanOrEqual(1000);
  });

  it('does not retry a 400', async () => {
    fake.enqueue(errorReply(400, 'invalid_request_error', 'bad field'));
    const ctx = nodeContext(llm());
    await expect(runner.run(agentNode(), input, ctx)).rejects.toMatchObject({
      message: expect.stringMatching(/Anthropic API request failed: 400 invalid_request_error: bad field/),
      retryable: false,
    });
    expect(ctx.retries).toEqual([]);
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('aborts a hung response quickly when the signal fires', async () => {
    fake.enqueue({ hang: true });
    const ac = new AbortController();
    const ctx = nodeContext(llm(), { signal: ac.signal });
    const reason = new Error('node timed out after 300 ms');
    setTimeout(() => ac.abort(reason), 300);
    const t0 = Date.now();
    const err = await runner.run(agentNode(), input, ctx).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(err).toBe(reason);
    expect(ctx.retries).toEqual([]);
  });

  it('aborts the wait between retries when the signal fires', async () => {
    fake.enqueue(errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '30' }));
    const ac = new AbortController();
    const ctx = nodeContext(llm(), { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('cancelled')), 200);
    const t0 = Date.now();
    await expect(runner.run(agentNode(), input, ctx)).rejects.toThrow('cancelled');
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(ctx.retries).toEqual([{ status: 429, waitMs: 30_000, reason: expect.any(String) }]);
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('times out a hung request after request_timeout and retries it as a connection failure', async () => {
    fake.fallback = { hang: true };
    const ctx = nodeContext(llm());
    const err = await runner.run(agentNode({ max_retries: 1, request_timeout: 200 } as never), input, ctx).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/failed after 2 attempts: request timed out/);
    expect(ctx.retries).toEqual([{ status: null, waitMs: expect.any(Number), reason: 'request timed out' }]);
    expect(fake.messageRequests).toHaveLength(2);
  });

  it('times out a response whose body stalls after the headers', async () => {
    fake.enqueue({ hangBody: true, ...textReply('never finished') }, textReply('second try'));
    const ctx = nodeContext(llm());
    const out = await runner.run(agentNode({ max_retries: 1, request_timeout: 300 } as never), input, ctx);
    expect(out.state_delta).toEqual({ greeting: 'second try' });
    expect(ctx.retries).toEqual([{ status: null, waitMs: expect.any(Number), reason: 'request timed out' }]);
  });

  it('takes the run-wide maxRetries and requestTimeoutMs when the node sets none', async () => {
    fake.fallback = { hang: true };
    const ctx = nodeContext({ ...llm(), maxRetries: 0, requestTimeoutMs: 150 });
    await expect(runner.run(agentNode(), input, ctx)).rejects.toThrow(/after 1 attempts: request timed out/);
    expect(fake.messageRequests).toHaveLength(1);
  });
});

describe('agent node: the API key', () => {
  it('fails with a message naming ANTHROPIC_API_KEY when no key is set, without any request', async () => {
    const err = await runner.run(agentNode(), input, nodeContext({ baseURL: fake.baseURL })).catch((e: Error) => e);
    expect((err as Error).name).toBe('MissingApiKeyError');
    expect((err as Error).message).toMatch(/ANTHROPIC_API_KEY is not set.*--replay/);
    expect((err as Error & { retryable?: boolean }).retryable).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps the key out of error messages, even when the server echoes it', async () => {
    fake.enqueue(errorReply(400, 'invalid_request_error', `key ${KEY} is not allowed here`));
    const ctx = nodeContext(llm());
    const err = (await runner.run(agentNode(), input, ctx).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(KEY);
    expect(JSON.stringify(ctx.logs)).not.toContain(KEY);
  });

  it('a wrong key is a 401 failure that is not retried', async () => {
    const ctx = nodeContext({ apiKey: 'sk-ant-wrong', baseURL: fake.baseURL });
    await expect(runner.run(agentNode(), input, ctx)).rejects.toThrow(/401/);
    expect(ctx.retries).toEqual([]);
  });
});
