// The shape of one Messages API request and response as oe sends, hashes, records and replays them.
// Only the body fields that decide the answer are here; headers (and so the API key) never are.
import xxhash from 'xxhash-wasm';
import { canonicalJson, type Json } from '../util/canonical-json.js';

/** A content block as the API sends and takes it (text, tool_use, tool_result, thinking, …). */
export type ContentBlock = { type: string; [key: string]: Json };

/** One conversation turn. Assistant turns are sent back with their content blocks unchanged. */
export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

/** `cache_control` of a block: the end of a cached prefix (prompt caching). */
export interface CacheControl {
  type: 'ephemeral';
  /** Absent: the API's default, 5 minutes. */
  ttl?: '1h';
}

/** A text block of `system` or of a message. */
export interface TextBlock {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
}

/** A tool the model may call; `input_schema` is the node's JSON Schema (for strict tools, as the SDK transformed it). */
export interface LlmTool {
  name: string;
  description: string;
  input_schema: { [key: string]: Json };
  /** Constrained decoding of the input against `input_schema` (strict tool use). */
  strict?: boolean;
}

/**
 * The request body (Messages API `POST /v1/messages`). Exactly these fields form the request hash
 * (record/replay); `undefined` fields are left out of the body and of the hash. Whether the request
 * is streamed is transport, not part of the body oe hashes: a streamed and a plain request get the
 * same recorded Message.
 */
export interface LlmRequest {
  model: string;
  /** Output token limit of the reply. */
  max_tokens: number;
  system?: string | TextBlock[];
  messages: LlmMessage[];
  tools?: LlmTool[];
  tool_choice?: { type: 'tool'; name: string } | { type: 'auto' };
  /** Sent only when the node sets it and the model accepts it (models.ts). */
  temperature?: number;
  /** `effort` when the node sets it. */
  output_config?: { effort: string };
}

/** Token usage as the API reports it (`usage` of a Message). */
export interface ApiUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
  [key: string]: unknown;
}

/** The parts of a Message (the API's reply) that oe reads; the rest is kept as received. */
export interface LlmResponse {
  id?: string;
  type?: string;
  role?: string;
  model: string;
  content: ContentBlock[];
  stop_reason: string | null;
  usage: ApiUsage;
  [key: string]: unknown;
}

/** Any provider's request body as oe hashes and records it (an LlmRequest, or openai.ts's). */
export type RequestBody = { model: string } & { [key: string]: unknown };

let hasher: ReturnType<typeof xxhash> | undefined;

/**
 * xxh64 (16 lowercase hex digits) of the canonical JSON of the request body (every field but the
 * transport flag `stream`). Names the recording file of the request.
 */
export async function requestHash(req: RequestBody): Promise<string> {
  hasher ??= xxhash();
  const h = await hasher;
  return h.h64ToString(canonicalJson(hashedBody(req)));
}

/** The request body reduced to the hashed fields (all but `stream`; undefined ones dropped), in canonical form. */
export function hashedBody(req: RequestBody): { [key: string]: Json } {
  const { stream: _transport, ...body } = req;
  return JSON.parse(canonicalJson(body as Json)) as { [key: string]: Json };
}

/** The text of a reply: its `text` blocks joined (thinking and tool_use blocks are left out). */
export function replyText(res: LlmResponse): string {
  return res.content
    .filter((b) => b.type === 'text' && typeof b['text'] === 'string')
    .map((b) => b['text'] as string)
    .join('');
}
