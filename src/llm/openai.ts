// `--llm openai` (issue #10 §5): agent and skill nodes through the official `openai` SDK's Chat
// Completions. Structured output uses its JSON-schema response format (`strict: true`, the schema
// passed through the SDK's own `toStrictJsonSchema`), then oe's full-schema check and one re-ask, as
// structured.ts does for Anthropic. Retries are the SDK's (`maxRetries`, `timeout`), watched through
// its `fetch` option by retry-observer.ts. The SDK is imported only when a request is really sent.
import type { Usage } from '../log/events.js';
import { addUsage } from '../log/usage.js';
import type { NodeResult } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import { describeApiError, describeConnectionError, requestError, type SdkErrors } from './client.js';
import { DEFAULT_MAX_RETRIES, recordedCall, type CallContext } from './complete.js';
import { LlmOutputError, LlmRefusalError, LlmTruncatedError, SchemaMismatchError, withUsageSoFar } from './llm-errors.js';
import { validateJson } from './validate-json.js';
import type { BaseRequest } from './prompt-layout.js';
import { inputTokensUpperBound, withinBudget, worstCaseUsd } from './budget-guard.js';
import { requestCostUsd } from './pricing.js';
import { redact } from './redact-key.js';
import type { RequestBody } from './request.js';
import { retryObserver } from './retry-observer.js';

/** The name of the response format a schema node asks for. */
const FORMAT_NAME = 'submit_result';

type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** A Chat Completions request body as oe sends, hashes and records it. */
export interface OpenAiRequest {
  model: string;
  messages: ChatMessage[];
  max_completion_tokens?: number;
  temperature?: number;
  reasoning_effort?: string;
  response_format?: { type: 'json_schema'; json_schema: { name: string; schema: { [k: string]: Json }; strict: boolean } };
}

/** The parts of a ChatCompletion oe reads; the rest is recorded as received. */
export interface OpenAiResponse {
  id?: string;
  model?: string;
  choices: Array<{ finish_reason?: string | null; message?: { content?: string | null; refusal?: string | null } }>;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number } | null;
    completion_tokens_details?: { reasoning_tokens?: number } | null;
  } | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

/**
 * Answers an agent or skill node through OpenAI: text without `schema`, else the validated object.
 * `request.max_tokens` 0 means "not set" (OpenAI models have no table here; the API's own limit applies).
 * @throws {LlmRefusalError} (message.refusal), {LlmTruncatedError} (finish_reason length),
 *   {SchemaMismatchError} after one re-ask, {LlmRequestError} after the SDK's retries.
 */
export async function answerOpenAi(request: BaseRequest, schema: { [k: string]: Json } | undefined, writes: string[], call: CallContext): Promise<NodeResult> {
  const user = typeof request.user === 'string' ? request.user : request.user.prefix + request.user.rest;
  const messages: ChatMessage[] = [...(request.system !== undefined ? [{ role: 'system' as const, content: request.system }] : []), { role: 'user', content: user }];
  const body = (msgs: ChatMessage[], format?: OpenAiRequest['response_format']): OpenAiRequest => ({
    model: request.model,
    messages: msgs,
    ...(request.max_tokens > 0 ? { max_completion_tokens: request.max_tokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.effort !== undefined ? { reasoning_effort: request.effort } : {}),
    ...(format ? { response_format: format } : {}),
  });
  if (!schema) {
    if (writes.length > 1) throw new LlmOutputError(`node ${call.nodeId}: a node without schema writes its text to at most one field, but writes lists ${writes.length} (${writes.join(', ')})`);
    const { text, usage } = await ask(body(messages), call);
    if (!text) throw new LlmOutputError(`node ${call.nodeId}: the reply has no text`);
    return { state_delta: writes[0] === undefined ? {} : { [writes[0]]: text }, edge_output: text, usage };
  }
  const format = await responseFormat(schema);
  const a = await ask(body(messages, format), call);
  const checkA = checkObject(a.text, schema, writes);
  if (checkA.problems.length === 0) return { state_delta: checkA.value!, edge_output: checkA.value!, usage: a.usage };
  call.log.info({ problems: checkA.problems }, 'LLM reply did not match the schema; asking once more');
  const feedback = `Your answer did not match the required schema:\n${checkA.problems.map((p) => `- ${p}`).join('\n')}\nAnswer again with corrected JSON.`;
  const b = await ask(body([...messages, { role: 'assistant', content: a.text }, { role: 'user', content: feedback }], format), call, a.usage);
  const checkB = checkObject(b.text, schema, writes);
  if (checkB.problems.length === 0) return { state_delta: checkB.value!, edge_output: checkB.value!, usage: b.usage };
  throw new SchemaMismatchError(`node ${call.nodeId}: the reply did not match the schema, also after one re-ask:\n${checkB.problems.map((p) => `- ${p}`).join('\n')}`, b.usage);
}

/** The JSON-schema response format: strict with the SDK's transform, or as-is when the transform refuses the schema. */
async function responseFormat(schema: { [k: string]: Json }): Promise<NonNullable<OpenAiRequest['response_format']>> {
  const { toStrictJsonSchema } = await import('openai/lib/transform');
  try {
    return { type: 'json_schema', json_schema: { name: FORMAT_NAME, schema: toStrictJsonSchema(schema as never) as { [k: string]: Json }, strict: true } };
  } catch {
    return { type: 'json_schema', json_schema: { name: FORMAT_NAME, schema, strict: false } }; // not strict-compatible: oe's own check still applies
  }
}

/** One request and its reply text; `before` is the usage of earlier requests of the attempt. */
async function ask(req: OpenAiRequest, call: CallContext, before?: Usage): Promise<{ text: string; usage: Usage }> {
  // Issue #11 §6: under --max-cost, held to the budget; Chat Completions has no token-counting
  // endpoint, so the input's worst case is its upper bound in bytes.
  const r = await recordedCall<OpenAiResponse>(req as unknown as RequestBody, call, (apiKey) =>
    withinBudget(
      call,
      () => Promise.resolve(worstCaseUsd(call.nodeId, req.model, inputTokensUpperBound({ messages: req.messages, response_format: req.response_format }), req.max_completion_tokens)),
      () => send(req, apiKey, call),
      (sent) => openAiUsage(sent.response, req.model).costUsd ?? null,
    ),
  ).catch((e: unknown) => {
    throw before ? withUsageSoFar(e, before) : e;
  });
  const usage = addUsage(before, openAiUsage(r.response, req.model, { replayed: r.source === 'replay', ...(r.requestId ? { requestId: r.requestId } : {}) }));
  const choice = r.response.choices?.[0];
  if (choice?.message?.refusal) throw new LlmRefusalError(`node ${call.nodeId}: the model refused to answer: ${choice.message.refusal}; not re-asked`, usage);
  if (choice?.finish_reason === 'length') throw new LlmTruncatedError(`node ${call.nodeId}: the reply stopped at max_completion_tokens before it was complete; raise the node's max_tokens`, usage);
  return { text: choice?.message?.content ?? '', usage };
}

async function send(req: OpenAiRequest, apiKey: string, call: CallContext): Promise<{ response: OpenAiResponse; requestId?: string }> {
  const { default: OpenAI } = await import('openai');
  const timeoutMs = call.requestTimeoutMs ?? call.llm.requestTimeoutMs;
  const observer = retryObserver({
    onRetry: call.onRetry,
    describe: (status, body, requestId) => redact(describeApiError(status, body, requestId), apiKey),
    describeError: (err) => redact(describeConnectionError(err), apiKey),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  const observedFetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> =>
    observer.middleware(
      { headers: new Headers(init?.headers), signal: init?.signal ?? null },
      ((r: { signal?: AbortSignal | null }) => fetch(url, { ...init, signal: r.signal ?? null })) as never,
      { options: { stream: false }, parse: <T,>(res: Response) => res.clone().json() as Promise<T> },
    );
  const client = new OpenAI({
    apiKey,
    ...(call.llm.baseURL ? { baseURL: call.llm.baseURL } : {}),
    maxRetries: call.maxRetries ?? call.llm.maxRetries ?? DEFAULT_MAX_RETRIES,
    ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
    fetch: observedFetch,
    logLevel: 'warn',
  });
  try {
    const { data, request_id } = await client.chat.completions.create(req as never, { signal: call.signal }).withResponse();
    return { response: JSON.parse(JSON.stringify(data)) as OpenAiResponse, ...(request_id ? { requestId: request_id } : {}) };
  } catch (err) {
    if (call.signal.aborted) throw call.signal.reason;
    // The OpenAI SDK's error body is the `error` object itself; describeApiError reads `{error}`.
    const e = err instanceof OpenAI.APIError ? Object.assign(err, { error: { error: err.error } }) : err;
    throw requestError('OpenAI', { APIConnectionTimeoutError: OpenAI.APIConnectionTimeoutError, APIConnectionError: OpenAI.APIConnectionError, APIError: OpenAI.APIError, base: OpenAI.OpenAIError } as unknown as SdkErrors, e, observer.attempts(), apiKey);
  }
}

/** The Usage of one ChatCompletion: prompt tokens split into uncached and cached, reasoning tokens, cost. */
export function openAiUsage(res: OpenAiResponse, requestedModel: string, extra: { replayed?: boolean; requestId?: string } = {}): Usage {
  const u = res.usage ?? {};
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  const model = typeof res.model === 'string' && res.model ? res.model : requestedModel;
  const counts = { inputTokens: Math.max(0, (u.prompt_tokens ?? 0) - cached), outputTokens: u.completion_tokens ?? 0, cacheReadTokens: cached, cacheWriteTokens: 0 };
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  return {
    ...counts,
    ...(typeof reasoning === 'number' ? { thinkingTokens: reasoning } : {}),
    model,
    provider: 'openai',
    costUsd: requestCostUsd(model, counts),
    ...(typeof res.service_tier === 'string' ? { serviceTier: res.service_tier } : {}),
    ...(extra.requestId ? { requestIds: [extra.requestId] } : {}),
    requests: 1,
    raw: [JSON.parse(JSON.stringify(res.usage ?? null)) as Json],
    ...(extra.replayed ? { replayed: true } : {}),
  };
}

function checkObject(text: string, schema: { [k: string]: Json }, writes: string[]): { problems: string[]; value?: { [k: string]: Json } } {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (err) {
    return { problems: [`the reply is not JSON: ${(err as Error).message}`] };
  }
  const problems = validateJson(schema, value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const key of Object.keys(value)) if (!writes.includes(key)) problems.push(`$: has property "${key}", which is not one of the node's writes (${writes.join(', ')})`);
    if (problems.length === 0) return { problems, value };
  }
  return { problems };
}
