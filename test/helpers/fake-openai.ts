// A local stand-in for the OpenAI Chat Completions API (issue #10 §5 tests): the same real HTTP
// server on 127.0.0.1 as fake-anthropic.ts (it records any path and both key headers), answering
// with ChatCompletion bodies built here. Point OPENAI_BASE_URL at `baseURL + '/v1'`.
import { FakeAnthropic, type FakeReply, type ReceivedRequest } from './fake-anthropic.js';

export { FakeAnthropic as FakeServer, errorReply } from './fake-anthropic.js';

let ids = 0;

/** OpenAI's usage shape: prompt tokens include the cached ones. */
export interface FakeChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  cached_tokens?: number;
  reasoning_tokens?: number;
}

/** A 200 ChatCompletion whose one choice says `content` (or refuses with `refusal`). */
export function chatReply(content: string | null, usage: FakeChatUsage = {}, model = 'gpt-6.1-sol', opts: { refusal?: string; finish_reason?: string } = {}): FakeReply {
  const prompt = usage.prompt_tokens ?? 100;
  const completion = usage.completion_tokens ?? 20;
  return {
    headers: { 'x-request-id': `req_oai_${++ids}` },
    body: {
      id: `chatcmpl-fake-${ids}`,
      object: 'chat.completion',
      created: 1_764_000_000,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: opts.refusal ?? null }, finish_reason: opts.finish_reason ?? 'stop', logprobs: null }],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
        completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens ?? 0 },
      },
      service_tier: 'default',
    },
  };
}

/** A 200 ChatCompletion whose content is `value` as JSON (a structured-output answer). */
export function jsonReply(value: unknown, usage?: FakeChatUsage, model?: string): FakeReply {
  return chatReply(JSON.stringify(value), usage, model);
}

/** Requests to `POST /v1/chat/completions` only. */
export function chatRequests(fake: FakeAnthropic): ReceivedRequest[] {
  return fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
}
