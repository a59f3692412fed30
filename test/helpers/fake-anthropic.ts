// A real HTTP server on 127.0.0.1 standing in for the Anthropic Messages API (issue #4 tests). Each
// request is answered by the next scripted reply (or the fallback), and recorded with its headers.
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
    if (!apiKey) reply = errorReply(401, 'authentication_error', 'x-api-key or Authorization: Bearer header is required');
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
