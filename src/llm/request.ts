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

/** A tool the model may call; `input_schema` is the node's JSON Schema. */
export interface LlmTool {
  name: string;
  description: string;
  input_schema: { [key: string]: Json };
}

/**
 * The request body (Messages API `POST /v1/messages`, non-streaming). Exactly these fields form the
 * request hash (record/replay); `undefined` fields are left out of the body and of the hash.
 */
export interface LlmRequest {
  model: string;
  /** Output token limit of the reply. */
  max_tokens: number;
  system?: string;
  messages: LlmMessage[];
  tools?: LlmTool[];
  tool_choice?: { type: 'tool'; name: string } | { type: 'auto' };
  /** Sent only when the node sets it (some current models reject non-default sampling values). */
  temperature?: number;
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

let hasher: ReturnType<typeof xxhash> | undefined;

/**
 * xxh64 (16 lowercase hex digits) of the canonical JSON of the request body (model, system,
 * messages, tools, tool_choice, max_tokens, temperature). Names the recording file of the request.
 */
export async function requestHash(req: LlmRequest): Promise<string> {
  hasher ??= xxhash();
  const h = await hasher;
  return h.h64ToString(canonicalJson(hashedBody(req)));
}

/** The request body reduced to the hashed fields, in canonical form. */
export function hashedBody(req: LlmRequest): { [key: string]: Json } {
  const { model, system, messages, tools, tool_choice, max_tokens, temperature } = req;
  return JSON.parse(canonicalJson({ model, system, messages, tools, tool_choice, max_tokens, temperature })) as { [key: string]: Json };
}

/** The text of a reply: its `text` blocks joined (thinking and tool_use blocks are left out). */
export function replyText(res: LlmResponse): string {
  return res.content
    .filter((b) => b.type === 'text' && typeof b['text'] === 'string')
    .map((b) => b['text'] as string)
    .join('');
}
