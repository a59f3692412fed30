// How a node's prompt becomes the first turn of a Messages request (issue #15 §4, §6): `system`, the
// user message, `effort`, sampling, and — with the node's `prompt_cache` — `cache_control` at the end
// of the stable prefix, so `for_each` iterations (and a schema re-ask) share a cached prefix.
import type { ContentBlock, LlmMessage, LlmRequest } from './request.js';
import { modelInfo } from './models.js';

/** The prompt cache a node asks for: `ttl` of the cache entries (the API's default is 5m). */
export interface PromptCache {
  ttl: '5m' | '1h';
}

/** The user message: plain text, or a stable prefix and the rest (split at the first per-item placeholder). */
export type UserPrompt = string | { prefix: string; rest: string };

/** The request fields a node fixes before a schema tool is added. */
export interface BaseRequest {
  model: string;
  max_tokens: number;
  system?: string;
  temperature?: number;
  /** `output_config.effort`. */
  effort?: string;
  user: UserPrompt;
  /** Set when the node has `prompt_cache`. */
  cache?: PromptCache;
}

/**
 * The request's `system`, first user message, `temperature` and `output_config`:
 * - without `cache`: `system` is a string and the user message one string (the plain shape);
 * - with `cache`: `system` is one text block with `cache_control`; the user message is the prefix
 *   block (with `cache_control`) followed by the rest, or — with no split — one block that carries
 *   `cache_control` when there is no system prompt to carry it. At most two breakpoints of the API's four.
 * `temperature` and `effort` are left out for a model the table says rejects them (validation warns).
 */
export function firstTurn(base: BaseRequest): Pick<LlmRequest, 'system' | 'temperature' | 'output_config'> & { messages: [LlmMessage] } {
  const cc: { [k: string]: string } | undefined = base.cache ? (base.cache.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' }) : undefined;
  const text = (t: string, mark: boolean): ContentBlock => (mark && cc ? { type: 'text', text: t, cache_control: cc } : { type: 'text', text: t });
  const split = typeof base.user === 'object' && base.user.prefix.trim() !== '' && base.user.rest.trim() !== '' ? base.user : undefined;
  const whole = typeof base.user === 'string' ? base.user : base.user.prefix + base.user.rest;
  let content: LlmMessage['content'];
  if (!cc) content = whole;
  else if (split) content = [text(split.prefix, true), text(split.rest, false)];
  else content = [text(whole, base.system === undefined)];
  const info = modelInfo(base.model);
  const accepts = info?.samplingParams ?? true;
  const effortOk = base.effort !== undefined && (info?.effort.includes(base.effort as never) ?? true);
  return {
    ...(base.system !== undefined ? { system: cc ? [{ type: 'text', text: base.system, cache_control: cc as { type: 'ephemeral' } }] : base.system } : {}),
    messages: [{ role: 'user', content }],
    ...(base.temperature !== undefined && accepts ? { temperature: base.temperature } : {}),
    ...(effortOk ? { output_config: { effort: base.effort! } } : {}),
  };
}
