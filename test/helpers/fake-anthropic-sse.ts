// A real HTTP server on 127.0.0.1 standing in for the Anthropic Messages API in its streaming (SSE)
// form, which the Claude Code CLI speaks (issue #10 §3). Each POST /v1/messages is answered by the
// next scripted reply (or the fallback) as the API's event stream: message_start, one text block,
// message_delta with the usage, message_stop. Anything else (Claude Code's HEAD probe, count_tokens)
// gets a 404 JSON error, as the API gives for an unknown route.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One Messages request the server received. */
export interface SseRequest {
  path: string;
  apiKey?: string;
  body: { model?: string; stream?: boolean; messages?: Array<{ role: string; content: unknown }>; [k: string]: unknown };
}

/** How to answer one Messages request. */
export interface SseReply {
  /** The assistant's text. */
  text: string;
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
  /** Send message_start, then never finish (for timeouts and cancels). */
  hang?: boolean;
  /** Answer with this HTTP status and an API error body instead. */
  status?: number;
}

/** The running stand-in. */
export interface FakeSse {
  url: string;
  requests: SseRequest[];
  /** The user text of each Messages request (its last user message's text blocks, joined). */
  prompts(): string[];
  close(): Promise<void>;
}

const ev = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: { type?: string; text?: string }) => (b.type === 'text' ? (b.text ?? '') : '')).join('\n');
}

function stream(res: ServerResponse, model: string, n: number, reply: SseReply): void {
  const u = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, ...reply.usage };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake_${n}` });
  res.write(ev('message_start', { message: { id: `msg_fake_${n}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 1 } } }));
  if (reply.hang) return;
  res.write(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
  res.write(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: reply.text } }));
  res.write(ev('content_block_stop', { index: 0 }));
  res.write(ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: u.output_tokens } }));
  res.end(ev('message_stop', {}));
}

/** Starts the stand-in; `replies` answer the Messages requests in order, then `fallback` (a function sees the request). */
export async function startFakeSse(replies: SseReply[] = [], fallback: SseReply | ((req: SseRequest) => SseReply) = { text: 'ok' }): Promise<FakeSse> {
  const requests: SseRequest[] = [];
  const sockets = new Set<Socket>();
  const queue = [...replies];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (req.method !== 'POST' || !path.startsWith('/v1/messages') || path.startsWith('/v1/messages/count_tokens')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${req.method} ${path}` } }));
        return;
      }
      let body: SseRequest['body'] = {};
      try {
        body = JSON.parse(raw) as SseRequest['body'];
      } catch {
        // a body that is not JSON is recorded as {}; the reply is still scripted
      }
      const key = req.headers['x-api-key'];
      const r: SseRequest = { path, body, ...(typeof key === 'string' ? { apiKey: key } : {}) };
      requests.push(r);
      const reply = queue.shift() ?? (typeof fallback === 'function' ? fallback(r) : fallback);
      if (reply.status !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: reply.status === 400 ? 'invalid_request_error' : 'api_error', message: reply.text } }));
        return;
      }
      stream(res, body.model ?? 'claude-fake', requests.length, reply);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    prompts: () => requests.map((r) => textOf(r.body.messages?.filter((m) => m.role === 'user').at(-1)?.content)),
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}
