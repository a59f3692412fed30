// Agent nodes against a real local HTTP server standing in for the Messages API, through the real
// SDK (issues #4, #15): request shapes, strict structured output, streaming, the SDK's retries.
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
    // Issue #15 §3: max_tokens defaults to the model's maximum output, which the SDK only sends streamed.
    expect(req!.body).toEqual({
      model: 'claude-sonnet-5-5',
      max_tokens: 128_000,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Say hello to Ada.' }],
      stream: true,
    });
    expect(req!.apiKey).toBe(KEY);
  });

  it('computes usage and cost from the price table', async () => {
    fake.enqueue(textReply('ok', { input_tokens: 1_000_000, output_tokens: 100_000, cache_read_input_tokens: 200_000, cache_creation_input_tokens: 10_000 }));
    const out = await runner.run(agentNode(), input, nodeContext(llm()));
    // Sonnet 5.5: $2 in, $10 out, $0.10 cache read, $2.50 5m cache write per MTok
    expect(out.usage).toMatchObject({
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheReadTokens: 200_000,
      cacheWriteTokens: 10_000,
      model: 'claude-sonnet-5-5',
      provider: 'anthropic',
      costUsd: 2 + 1 + 0.02 + 0.025,
      serviceTier: 'standard',
      requests: 1,
      requestIds: [expect.stringMatching(/^req_fake_/)],
    });
    // Issue #15 §5: the raw usage object as the API sent it, so cost can be recomputed later.
    expect(out.usage!.raw).toEqual([expect.objectContaining({ input_tokens: 1_000_000, cache_read_input_tokens: 200_000, service_tier: 'standard' })]);
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
    const node = agentNode({ prompt: 'p.md', prompt_file: 'p.md', reads: [], temperature: 0, model: 'claude-haiku-4-5' });
    await runner.run(node, { _state: {}, _edge_inputs: {}, $item: { name: 'lodash' }, $index: 2 }, nodeContext(llm(), { experienceDir: dir, args: { repo: 'oe' } }));
    expect(fake.messageRequests[0]!.body.messages[0].content).toBe('Check lodash (#2) in oe.');
    expect(fake.messageRequests[0]!.body.temperature).toBe(0);
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
    // Issue #15 §2: a strict tool whose input_schema went through the SDK's transform (minLength is
    // not enforceable by constrained decoding, so it moves into the description).
    expect(body.tools).toEqual([{ name: 'submit_result', description: expect.any(String), strict: true, input_schema: expect.objectContaining({ type: 'object', additionalProperties: false }) }]);
    expect(body.tools[0].input_schema.properties.findings.items.properties.title).toEqual({ type: 'string', description: '{minLength: 1}' });
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
    expect(result.content).toContain('$.findings[0].title: String is too short (0 < 1)');
    expect(result.content).toContain('$.findings[0].severity: Instance does not match any of ["low","medium","high"]');
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
    // The SDK waited as the server asked; the event reports the wait it measured, once.
    expect(ctx.retries).toEqual([{ status: 429, waitMs: expect.any(Number), retry: 1, requestId: 'req_fake_1', reason: expect.stringContaining('rate_limit_error: slow down') }]);
    expect(ctx.retries[0]!.waitMs).toBeGreaterThanOrEqual(990);
    expect(ctx.retries[0]!.waitMs).toBeLessThan(1500);
    expect(fake.messageRequests).toHaveLength(2);
    expect(fake.messageRequests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
  });

  it('honours retry-after-ms over retry-after, for a 529 too', async () => {
    fake.enqueue(errorReply(529, 'overloaded_error', 'overloaded', { 'retry-after-ms': '40', 'retry-after': '30' }), textReply('done'));
    const ctx = nodeContext(llm());
    await runner.run(agentNode(), input, ctx);
    expect(ctx.retries).toEqual([expect.objectContaining({ status: 529, retry: 1, reason: expect.stringContaining('overloaded_error') })]);
    expect(ctx.retries[0]!.waitMs).toBeGreaterThanOrEqual(35);
    expect(ctx.retries[0]!.waitMs).toBeLessThan(1000);
  });

  it('fails after 500s exhaust the retries, reporting each retry with its backoff', async () => {
    fake.fallback = errorReply(500, 'api_error', 'internal');
    const ctx = nodeContext(llm());
    const err = await runner.run(agentNode({ max_retries: 2 } as never), input, ctx).catch((e: Error) => e);
    expect((err as Error).name).toBe('LlmRequestError');
    expect((err as Error).message).toMatch(/failed after 3 attempts: 500 api_error: internal \(request-id req_fake_\d+\)/);
    expect((err as Error & { retryable?: boolean }).retryable).toBe(true);
    expect(fake.messageRequests).toHaveLength(3);
    expect(ctx.retries.map((r) => [r.status, r.retry])).toEqual([[500, 1], [500, 2]]);
    // The SDK's own backoff (0.5 s, then 1 s, minus up to 25 % jitter), as measured.
    expect(ctx.retries[0]!.waitMs).toBeGreaterThanOrEqual(370);
    expect(ctx.retries[0]!.waitMs).toBeLessThanOrEqual(600);
    expect(ctx.retries[1]!.waitMs).toBeGreaterThanOrEqual(740);
    expect(ctx.retries[1]!.waitMs).toBeLessThanOrEqual(1100);
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
    expect(ctx.retries).toEqual([]); // the SDK never sent the retry
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('times out a hung request after request_timeout and retries it as a connection failure', async () => {
    fake.fallback = { hang: true };
    const ctx = nodeContext(llm());
    const err = await runner.run(agentNode({ max_retries: 1, request_timeout: 200 } as never), input, ctx).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/failed after 2 attempts: request timed out/);
    expect(ctx.retries).toEqual([{ status: null, waitMs: expect.any(Number), retry: 1, reason: 'request timed out' }]);
    expect(fake.messageRequests).toHaveLength(2);
  });

  it('times out a response whose body stalls after the headers', async () => {
    fake.enqueue({ hangBody: true, ...textReply('never finished') }, textReply('second try'));
    const ctx = nodeContext(llm());
    const out = await runner.run(agentNode({ max_retries: 1, request_timeout: 300, max_tokens: 1024 }), input, ctx);
    expect(out.state_delta).toEqual({ greeting: 'second try' });
    expect(ctx.retries).toEqual([{ status: null, waitMs: expect.any(Number), retry: 1, reason: 'request timed out' }]);
    expect(fake.messageRequests.map((r) => r.body.stream)).toEqual([undefined, undefined]);
  });

  it('fails a streamed reply that goes silent for request_timeout', async () => {
    fake.enqueue({ hangBody: true, ...textReply('never finished') });
    const t0 = Date.now();
    const err = (await runner.run(agentNode({ max_retries: 1, request_timeout: 300 }), input, nodeContext(llm())).catch((e: Error) => e)) as Error;
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err.message).toMatch(/request timed out/);
  });

  it('takes the run-wide maxRetries and requestTimeoutMs when the node sets none', async () => {
    fake.fallback = { hang: true };
    const ctx = nodeContext({ ...llm(), maxRetries: 0, requestTimeoutMs: 150 });
    // Issue #12: no "after 1 attempts" when the SDK made one attempt.
    const err = (await runner.run(agentNode(), input, ctx).catch((e: Error) => e)) as Error;
    expect(err.message).toBe('Anthropic API request failed: request timed out');
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

describe('issue #15: strict structured output', () => {
  it('sends the strict tool as the strict tool use documentation shows it, forced where the model allows', async () => {
    const schema = { type: 'object', properties: { rating: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['rating'] };
    fake.enqueue(toolReply('submit_result', { rating: 3 }, {}, 'claude-haiku-4-5'));
    await runner.run(agentNode({ model: 'claude-haiku-4-5', writes: ['rating'], schema }), input, nodeContext(llm()));
    const body = fake.messageRequests[0]!.body;
    expect(body.tools).toEqual([
      {
        name: 'submit_result',
        description: 'Submit the result: an object with the fields rating.',
        strict: true,
        input_schema: { type: 'object', properties: { rating: { type: 'integer', description: '{minimum: 1, maximum: 5}' } }, additionalProperties: false, required: ['rating'] },
      },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'submit_result' });
  });

  it('validates a schema that uses $ref, $defs, allOf and not, and re-asks once for a bound the grammar cannot enforce', async () => {
    const schema = {
      type: 'object',
      $defs: { finding: { type: 'object', properties: { title: { type: 'string', minLength: 3 }, score: { allOf: [{ type: 'number' }, { type: 'number', maximum: 10 }] } }, required: ['title', 'score'], additionalProperties: false } },
      properties: { findings: { type: 'array', items: { $ref: '#/$defs/finding' } }, note: { not: { type: 'null' }, type: 'string' } },
      required: ['findings'],
      additionalProperties: false,
    };
    fake.enqueue(
      toolReply('submit_result', { findings: [{ title: 'ok!', score: 11 }] }),
      toolReply('submit_result', { findings: [{ title: 'ok!', score: 7 }], note: 'fine' }),
    );
    const out = await runner.run(schemaNode({ schema, writes: ['findings', 'note'] }), input, nodeContext(llm()));
    expect(out.state_delta).toEqual({ findings: [{ title: 'ok!', score: 7 }], note: 'fine' });
    expect(fake.messageRequests[0]!.body.tools[0].input_schema.$defs.finding.properties.title).toEqual({ type: 'string', description: '{minLength: 3}' });
    expect(fake.messageRequests[1]!.body.messages[2].content[0].content).toContain('$.findings[0].score: 11 is greater than 10');
  });

  it('fails at once on a refusal, without a re-ask and without a retry', async () => {
    const refusal = toolReply('submit_result', {});
    (refusal.body as Record<string, unknown>)['content'] = [];
    (refusal.body as Record<string, unknown>)['stop_reason'] = 'refusal';
    (refusal.body as Record<string, unknown>)['stop_details'] = { type: 'refusal', category: 'cyber', explanation: 'no' };
    fake.enqueue(refusal);
    const err = (await runner.run(schemaNode(), input, nodeContext(llm())).catch((e: Error) => e)) as Error & { retryable?: boolean; usage?: unknown };
    expect(err.name).toBe('LlmRefusalError');
    expect(err.message).toMatch(/refused to answer \(stop_reason: refusal; category cyber: no\); not re-asked/);
    expect(err.retryable).toBe(false);
    expect(err.usage).toMatchObject({ inputTokens: 100 });
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('fails clearly when the reply stops at max_tokens', async () => {
    const cut = textReply('half an ans');
    (cut.body as Record<string, unknown>)['stop_reason'] = 'max_tokens';
    fake.enqueue(cut);
    const err = (await runner.run(agentNode({ max_tokens: 10 }), input, nodeContext(llm())).catch((e: Error) => e)) as Error;
    expect(err.name).toBe('LlmTruncatedError');
    expect(err.message).toMatch(/stopped at max_tokens \(10\).*raise the node's max_tokens/);
  });
});

describe('issue #15: streaming, max_tokens, effort and sampling', () => {
  it('streams a request with max_tokens 64000 and returns the same message shape as a plain one', async () => {
    const schema = { type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'] };
    fake.enqueue(toolReply('submit_result', { greeting: 'hi' }, { input_tokens: 50, output_tokens: 7 }), toolReply('submit_result', { greeting: 'hi' }, { input_tokens: 50, output_tokens: 7 }));
    const streamed = await runner.run(agentNode({ schema, max_tokens: 64_000 }), input, nodeContext(llm()));
    const plain = await runner.run(agentNode({ schema, max_tokens: 4096 }), input, nodeContext(llm()));
    expect(fake.messageRequests.map((r) => [r.body.max_tokens, r.body.stream])).toEqual([[64_000, true], [4096, undefined]]);
    expect(fake.messageRequests[0]!.headers['accept']).toBe('application/json'); // the SDK's own streaming request
    expect(streamed.state_delta).toEqual({ greeting: 'hi' });
    expect(streamed.usage).toMatchObject({ inputTokens: 50, outputTokens: 7 });
    expect({ ...streamed, usage: { ...streamed.usage, requestIds: [] } }).toEqual({ ...plain, usage: { ...plain.usage, requestIds: [] } });
  });

  it('defaults max_tokens to the model table and caps a larger one at the model maximum', async () => {
    fake.enqueue(textReply('a', {}, 'claude-haiku-4-5'), textReply('b', {}, 'claude-haiku-4-5'), textReply('c', {}, 'claude-unknown-9'));
    await runner.run(agentNode({ model: 'claude-haiku-4-5' }), input, nodeContext(llm()));
    await runner.run(agentNode({ model: 'claude-haiku-4-5', max_tokens: 500_000 }), input, nodeContext(llm()));
    await runner.run(agentNode({ model: 'claude-unknown-9' }), input, nodeContext(llm()));
    expect(fake.messageRequests.map((r) => r.body.max_tokens)).toEqual([64_000, 64_000, 8192]);
  });

  it('sends effort as output_config, and leaves out what the model table says the model rejects', async () => {
    fake.enqueue(textReply('a'), textReply('b', {}, 'claude-haiku-4-5'));
    await runner.run(agentNode({ effort: 'low', temperature: 0.2 }), input, nodeContext(llm()));
    await runner.run(agentNode({ model: 'claude-haiku-4-5', effort: 'low', temperature: 0.2 }), input, nodeContext(llm()));
    const [a, b] = fake.messageRequests.map((r) => r.body);
    expect(a.output_config).toEqual({ effort: 'low' });
    expect(a.temperature).toBeUndefined(); // Sonnet 5.5 answers any non-default temperature with a 400
    expect(b.output_config).toBeUndefined(); // Haiku 4.5 takes no effort
    expect(b.temperature).toBe(0.2);
  });
});

describe('issue #15: prompt caching', () => {
  const iterInput = (i: number) => ({ _state: { doc: 'SHARED CONTEXT '.repeat(50) }, _edge_inputs: {}, $item: { name: `item${i}` }, $index: i });
  const cachedNode = (over = {}) => agentNode({ prompt: 'Context:\n{{doc}}\nNow check {{$item.name}}.', reads: ['doc'], system: 'You check things.', prompt_cache: true, for_each: { source: '$.items', concurrency: 1 }, ...over });

  it('marks the system prompt and the prompt up to the first {{$item}} with cache_control', async () => {
    fake.enqueue(textReply('ok'));
    await runner.run(cachedNode(), iterInput(0), nodeContext(llm()));
    const body = fake.messageRequests[0]!.body;
    expect(body.system).toEqual([{ type: 'text', text: 'You check things.', cache_control: { type: 'ephemeral' } }]);
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: `Context:\n${'SHARED CONTEXT '.repeat(50)}\nNow check `, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'item0.' },
    ]);
  });

  it('asks for 1-hour entries with prompt_cache: 1h, and sends no cache_control without prompt_cache', async () => {
    fake.enqueue(textReply('ok'), textReply('ok'));
    await runner.run(cachedNode({ prompt_cache: '1h' }), iterInput(0), nodeContext(llm()));
    await runner.run(cachedNode({ prompt_cache: undefined }), iterInput(0), nodeContext(llm()));
    expect(fake.messageRequests[0]!.body.system[0].cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    expect(fake.messageRequests[1]!.body.system).toBe('You check things.');
    expect(typeof fake.messageRequests[1]!.body.messages[0].content).toBe('string');
  });

  it('gives for_each iterations byte-identical prefixes and prices cache writes and reads', async () => {
    const { promptCacheUsage } = await import('../helpers/fake-anthropic.js');
    const seen = new Set<string>();
    fake.fallback = (req) => {
      const u = promptCacheUsage(req.body, seen);
      return textReply('ok', { ...u, output_tokens: 10 });
    };
    const a = await runner.run(cachedNode(), iterInput(0), nodeContext(llm()));
    const b = await runner.run(cachedNode(), iterInput(1), nodeContext(llm()));
    const [ra, rb] = fake.messageRequests.map((r) => r.body);
    expect(rb.system).toEqual(ra.system);
    expect(rb.messages[0].content[0]).toEqual(ra.messages[0].content[0]);
    expect(a.usage!.cacheWriteTokens).toBeGreaterThan(100);
    expect(a.usage!.cacheReadTokens).toBe(0);
    expect(b.usage).toMatchObject({ cacheWriteTokens: 0, cacheReadTokens: a.usage!.cacheWriteTokens });
    // Sonnet 5.5: $2 input, $2.50 5m cache write, $0.10 cache read, $10 output per MTok
    const price = (u: typeof a.usage) => (u!.inputTokens * 2 + u!.cacheWriteTokens! * 2.5 + u!.cacheReadTokens! * 0.1 + u!.outputTokens * 10) / 1e6;
    expect(a.usage!.costUsd).toBeCloseTo(price(a.usage), 9);
    expect(b.usage!.costUsd).toBeCloseTo(price(b.usage), 9);
    expect(b.usage!.costUsd!).toBeLessThan(a.usage!.costUsd!);
  });
});
