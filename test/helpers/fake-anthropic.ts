// A real HTTP server on 127.0.0.1 standing in for the Anthropic Messages API (issues #4, #15). Each
// request is answered by the next scripted reply (or the fallback), and recorded with its headers.
// A request with `"stream": true` gets its 200 Message as server-sent events in the documented order
// (message_start, content_block_start/delta/stop per block, message_delta, message_stop), so the
// real SDK's `messages.stream(…).finalMessage()` rebuilds it. `promptCacheUsage` imitates the
// documented prompt-cache accounting for scripted replies.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when not JSON). */
  body: any;
  /** The key as sent in `x-api-key` or `Authorization: Bearer`, if any. */
  apiKey?: string;
}

/** How to answer one request. */
export interface FakeReply {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (a Message for 200, an error object otherwise). */
  body?: unknown;
  /** Never answer: the request hangs until the client gives up or the server stops. */
  hang?: boolean;
  /** Answer after this many ms. */
  delayMs?: number;
  /** Send the status, the headers and the first bytes of the body, then stall. */
  hangBody?: boolean;
}

/** A reply, or a function of the request that makes one. */
export type Responder = FakeReply | ((req: ReceivedRequest) => FakeReply | Promise<FakeReply>);

/** Token usage in the API's shape. */
export interface FakeUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

let ids = 0;
const usageOf = (u: FakeUsage = {}) => ({
  input_tokens: u.input_tokens ?? 100,
  output_tokens: u.output_tokens ?? 20,
  cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
  cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
  cache_creation: null,
  server_tool_use: null,
  service_tier: 'standard',
});

/** A 200 reply with one text block. */
export function textReply(text: string, usage?: FakeUsage, model = 'claude-sonnet-5-5'): FakeReply {
  return {
    body: {
      id: `msg_fake_${++ids}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: usageOf(usage),
    },
  };
}

/** A 200 reply calling tool `name` with `input`. */
export function toolReply(name: string, input: unknown, usage?: FakeUsage, model = 'claude-sonnet-5-5'): FakeReply {
  return {
    body: {
      id: `msg_fake_${++ids}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'tool_use', id: `toolu_fake_${ids}`, name, input }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: usageOf(usage),
    },
  };
}

/** An API error reply (`{type: 'error', error: {type, message}}`). */
export function errorReply(status: number, type: string, message: string, headers?: Record<string, string>): FakeReply {
  return { status, headers, body: { type: 'error', error: { type, message } } };
}

/** The fake API. Start with `FakeAnthropic.start()`, point the SDK at `baseURL`, `stop()` after. */
export class FakeAnthropic {
  /** Every request received, in order (hung ones included). */
  readonly requests: ReceivedRequest[] = [];
  private readonly queue: Responder[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly pending = new Set<ServerResponse>();
  /** Answers `POST /v1/messages/count_tokens` (never from the queue): the input tokens of a request. */
  countTokens: (body: any) => number = (body) => estimateTokens(JSON.stringify(body?.messages ?? []).length + JSON.stringify(body?.system ?? '').length);
  /** Answers requests once the queue is empty. */
  fallback: Responder = errorReply(500, 'api_error', 'fake-anthropic: no reply scripted for this request');

  private constructor(
    private readonly server: Server,
    /** When set, requests with another key get a 401 authentication_error. */
    readonly expectedKey?: string,
  ) {}

  /** Starts a server on 127.0.0.1 with an OS-chosen port. */
  static async start(opts: { expectedKey?: string } = {}): Promise<FakeAnthropic> {
    let fake!: FakeAnthropic;
    const server = createServer((req, res) => void fake.handle(req, res));
    fake = new FakeAnthropic(server, opts.expectedKey);
    server.on('connection', (s) => {
      fake.sockets.add(s);
      s.on('close', () => fake.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** `http://127.0.0.1:<port>`: the SDK's baseURL / ANTHROPIC_BASE_URL. */
  get baseURL(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Adds replies for the next requests, in order. */
  enqueue(...replies: Responder[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Requests to `POST /v1/messages` only. */
  get messageRequests(): ReceivedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages');
  }

  /** Stops listening and drops every open connection (hung requests included). */
  async stop(): Promise<void> {
    for (const res of this.pending) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: import('node:http').IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined; // not JSON: recorded as undefined, answered as scripted
    }
    const auth = req.headers['authorization'];
    const bearer = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const xKey = req.headers['x-api-key'];
    const apiKey = (typeof xKey === 'string' ? xKey : undefined) ?? bearer;
    const received: ReceivedRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, headers: req.headers, body, apiKey };
    this.requests.push(received);

    let reply: FakeReply;
    if (apiKey && received.path === '/v1/messages/count_tokens') reply = { body: { input_tokens: this.countTokens(body) } };
    else if (!apiKey) reply = errorReply(401, 'authentication_error', 'x-api-key or Authorization: Bearer header is required');
    else if (this.expectedKey !== undefined && apiKey !== this.expectedKey) reply = errorReply(401, 'authentication_error', 'invalid x-api-key');
    else {
      const next = this.queue.length ? this.queue.shift()! : this.fallback;
      reply = typeof next === 'function' ? await next(received) : next;
    }
    if (reply.hang) {
      this.pending.add(res);
      res.on('close', () => this.pending.delete(res));
      return;
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if ((reply.status ?? 200) === 200 && received.body?.stream === true && isMessage(reply.body) && !reply.hangBody) {
      writeSse(res, reply.body, reply.headers, this.requests.length);
      return;
    }
    const text = JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'request-id': `req_fake_${this.requests.length}`, ...reply.headers });
    if (reply.hangBody) {
      this.pending.add(res);
      res.on('close', () => this.pending.delete(res));
      res.write(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    res.end(text);
  }
}

function isMessage(b: unknown): b is { content: Array<Record<string, unknown>>; usage: Record<string, unknown> } & Record<string, unknown> {
  return typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'message' && Array.isArray((b as { content?: unknown }).content);
}

/** Writes `message` as the Messages API's SSE stream. */
function writeSse(res: ServerResponse, message: { content: Array<Record<string, unknown>>; usage: Record<string, unknown> } & Record<string, unknown>, headers: Record<string, string> | undefined, n: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake_${n}`, ...headers });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const { content, stop_reason, stop_sequence, stop_details, usage, ...rest } = message;
  send('message_start', { type: 'message_start', message: { ...rest, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
  content.forEach((block, index) => {
    if (block['type'] === 'tool_use') {
      send('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block['input']);
      const mid = Math.floor(json.length / 2);
      for (const part of [json.slice(0, mid), json.slice(mid)]) send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
    } else {
      send('content_block_start', { type: 'content_block_start', index, content_block: { ...block, text: '' } });
      const text = String(block['text'] ?? '');
      const mid = Math.floor(text.length / 2);
      for (const part of [text.slice(0, mid), text.slice(mid)]) send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  });
  send('message_delta', { type: 'message_delta', delta: { stop_reason, stop_sequence: stop_sequence ?? null, ...(stop_details !== undefined ? { stop_details } : {}) }, usage });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

/** Tokens of a text, estimated (about 3.7 characters a token), deterministically. */
export const estimateTokens = (chars: number): number => Math.max(1, Math.round(chars / 3.7));

/**
 * The prompt-cache usage the Messages API would report for `body`, given the prefixes `seen` so far
 * (updated): the prompt is laid out as tools, system blocks, message blocks; each block with
 * `cache_control` ends a cacheable prefix. The longest seen prefix is read from the cache, the rest up
 * to the last breakpoint is written, and what follows is plain input (prompt-caching docs, "How
 * prompt caching works"). Prefixes shorter than `minTokens` are not cached, as the API does.
 */
export function promptCacheUsage(body: any, seen: Set<string>, minTokens = 0): { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number } {
  const parts: Array<{ text: string; mark: boolean }> = [];
  for (const t of body?.tools ?? []) parts.push({ text: JSON.stringify(t), mark: Boolean(t.cache_control) });
  const system = typeof body?.system === 'string' ? [{ type: 'text', text: body.system }] : (body?.system ?? []);
  for (const b of system) parts.push({ text: String(b.text ?? ''), mark: Boolean(b.cache_control) });
  for (const m of body?.messages ?? []) {
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    for (const b of blocks) parts.push({ text: b.type === 'text' ? String(b.text) : JSON.stringify(b), mark: Boolean(b.cache_control) });
  }
  let acc = '';
  const breakpoints: string[] = [];
  for (const p of parts) {
    acc += p.text + '\u0000';
    if (p.mark && estimateTokens(acc.length) >= minTokens) breakpoints.push(acc);
  }
  const total = estimateTokens(acc.length);
  if (breakpoints.length === 0) return { input_tokens: total, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  const hit = [...breakpoints].reverse().find((b) => seen.has(b));
  const last = breakpoints[breakpoints.length - 1]!;
  for (const b of breakpoints) seen.add(b);
  const read = hit ? estimateTokens(hit.length) : 0;
  const upToLast = estimateTokens(last.length);
  return { input_tokens: Math.max(0, total - upToLast), cache_read_input_tokens: read, cache_creation_input_tokens: upToLast - read };
}
