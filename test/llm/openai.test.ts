// `--llm openai` (issue #10 §5): agent and skill nodes through the real `openai` SDK against a local
// stand-in of the Chat Completions API: JSON-schema response format, usage and cost, the SDK's
// retries with one report each, record/replay, and the key nowhere.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runner } from '../../src/nodes/agent.js';
import { FakeServer, chatReply, chatRequests, errorReply, jsonReply } from '../helpers/fake-openai.js';
import { agentNode, nodeContext } from './context.js';

const KEY = 'sk-oai-test-SECRET-77';
const input = { _state: { name: 'Ada' }, _edge_inputs: {} };
let fake: FakeServer;
beforeEach(async () => {
  fake = await FakeServer.start({ expectedKey: KEY });
});
afterEach(async () => {
  await fake.stop();
});
const llm = (over = {}) => ({ provider: 'openai', defaultModel: 'gpt-6.1-sol', apiKey: KEY, baseURL: `${fake.baseURL}/v1`, ...over });

describe('--llm openai', () => {
  it('sends a chat completion with the key as a bearer token and writes the text', async () => {
    fake.enqueue(chatReply('Hello, Ada!', { prompt_tokens: 1000, completion_tokens: 100, cached_tokens: 400, reasoning_tokens: 30 }));
    const out = await runner.run(agentNode({ system: 'Be brief.' }), input, nodeContext(llm()));
    expect(out.state_delta).toEqual({ greeting: 'Hello, Ada!' });
    const [req] = chatRequests(fake);
    expect(req!.apiKey).toBe(KEY);
    expect(req!.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(req!.body).toEqual({ model: 'gpt-6.1-sol', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello to Ada.' }] });
    // gpt-6.1-sol: $2 input, $0.10 cached input, $10 output per MTok; prompt_tokens include the cached ones
    expect(out.usage).toMatchObject({ inputTokens: 600, cacheReadTokens: 400, outputTokens: 100, thinkingTokens: 30, model: 'gpt-6.1-sol', provider: 'openai', costUsd: 0.0012 + 0.00004 + 0.001, serviceTier: 'default', requestIds: ['req_oai_1'] });
    expect(out.usage!.raw).toEqual([expect.objectContaining({ prompt_tokens: 1000, prompt_tokens_details: { cached_tokens: 400 } })]);
  });

  it('asks for structured output with the strict JSON-schema response format and validates the answer', async () => {
    const schema = { type: 'object', properties: { rating: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['rating'], additionalProperties: false };
    fake.enqueue(jsonReply({ rating: 9 }), jsonReply({ rating: 4 }));
    const out = await runner.run(agentNode({ writes: ['rating'], schema, max_tokens: 500, effort: 'low' }), input, nodeContext(llm()));
    expect(out.state_delta).toEqual({ rating: 4 });
    const [a, b] = chatRequests(fake).map((r) => r.body);
    expect(a.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'submit_result', strict: true, schema: expect.objectContaining({ type: 'object' }) } });
    expect(a.max_completion_tokens).toBe(500);
    expect(a.reasoning_effort).toBe('low');
    expect(b.messages.at(-1).content).toContain('$.rating: 9 is greater than 5');
    expect(out.usage).toMatchObject({ requests: 2, inputTokens: 200 });
  });

  it('fails on a refusal without a re-ask', async () => {
    fake.enqueue(chatReply(null, {}, 'gpt-6.1-sol', { refusal: 'I cannot help with that.' }));
    const schema = { type: 'object', properties: { rating: { type: 'integer' } }, required: ['rating'] };
    const err = (await runner.run(agentNode({ writes: ['rating'], schema }), input, nodeContext(llm())).catch((e: Error) => e)) as Error;
    expect(err.name).toBe('LlmRefusalError');
    expect(chatRequests(fake)).toHaveLength(1);
  });

  it('lets the SDK retry a 429 with one report per retry, and reports an unpriced model as costUsd null', async () => {
    fake.enqueue(errorReply(429, 'rate_limit_exceeded', 'slow down', { 'retry-after-ms': '30' }), chatReply('ok', {}, 'gpt-unknown-1'));
    const ctx = nodeContext(llm());
    const out = await runner.run(agentNode({ model: 'gpt-unknown-1' }), input, ctx);
    expect(ctx.retries).toEqual([expect.objectContaining({ status: 429, retry: 1, reason: expect.stringContaining('slow down') })]);
    expect(out.usage).toMatchObject({ model: 'gpt-unknown-1', costUsd: null });
  });

  it('fails naming OPENAI_API_KEY without a key', async () => {
    const err = (await runner.run(agentNode(), input, nodeContext(llm({ apiKey: undefined }))).catch((e: Error) => e)) as Error;
    expect(err.name).toBe('MissingApiKeyError');
    expect(err.message).toMatch(/OPENAI_API_KEY is not set/);
  });

  it('records and replays chat completions, with the key nowhere in the recording', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oe-oai-rec-'));
    fake.enqueue(chatReply('Hello!'));
    const recorded = await runner.run(agentNode(), input, nodeContext(llm({ recordDir: dir })));
    const [file] = readdirSync(dir);
    expect(readFileSync(join(dir, file!), 'utf8')).not.toContain(KEY);
    const replayed = await runner.run(agentNode(), input, nodeContext(llm({ apiKey: undefined, replayDir: dir })));
    expect(replayed.state_delta).toEqual(recorded.state_delta);
    expect(replayed.usage).toMatchObject({ replayed: true, costUsd: recorded.usage!.costUsd });
    expect(chatRequests(fake)).toHaveLength(1);
  });
});
