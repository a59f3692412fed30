// The worker thread a tool attempt runs in (executors/tool-pool.ts is the other side). One attempt
// at a time: the tool's default export is called through the tool runner (nodes/tool.ts) inside an
// AsyncLocalStorage scope naming the attempt, so an error thrown by its stray async work is
// reported against the attempt that started it, and `process.exit()` is reported before the
// thread ends. While an attempt runs, the port is unref'd: a tool promise that can never settle
// lets the thread's event loop empty, and the thread exits — which the pool reports as such.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { errorRecord, classifyError } from '../engine/execute.js';
import { jsonOutput } from '../engine/output-json.js';
import type { ToolNode } from '../experience/types.js';
import type { NodeLogger } from '../nodes/runner.js';
import { runner } from '../nodes/tool.js';
import type { FromWorker, ToWorker } from './tool-protocol.js';

const port = parentPort!;
const scope = new AsyncLocalStorage<number>();
const controllers = new Map<number, AbortController>();
const post = (m: FromWorker): void => port.postMessage(m);

const realExit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  post({ t: 'exit', id: scope.getStore() ?? null, code: typeof code === 'number' ? code : Number(code ?? process.exitCode ?? 0) || 0 });
  realExit(code as number);
}) as typeof process.exit;
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (e: unknown) => post({ t: 'stray', id: scope.getStore() ?? null, error: errorRecord(e), kind: event }));
}

/** `ctx.log` in the thread: pino's call shapes (`(msg, ...args)`, `(obj, msg?, ...args)`, printf-style), sent to the main thread. */
function logger(id: number): NodeLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: unknown, ...rest: unknown[]): void => {
      if (typeof obj === 'string') {
        post({ t: 'log', id, level, msg: format(obj, ...rest) });
        return;
      }
      const fields = obj instanceof Error ? { err: { name: obj.name, message: obj.message } } : obj !== null && typeof obj === 'object' ? cloneable(obj) : { value: String(obj) };
      const [msg, ...args] = rest;
      post({ t: 'log', id, level, obj: fields, msg: typeof msg === 'string' ? format(msg, ...args) : '' });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as NodeLogger;
}

/** A log object as plain JSON (functions and cycles cannot cross a thread). */
function cloneable(obj: object): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  } catch {
    return { unserializable: String(obj) };
  }
}

async function run(m: Extract<ToWorker, { t: 'run' }>): Promise<void> {
  const controller = new AbortController();
  controllers.set(m.id, controller);
  port.unref();
  try {
    const raw = await scope.run(m.id, () =>
      runner.run(m.node as ToolNode, m.input, {
        ...m.ctx,
        signal: controller.signal,
        log: logger(m.id),
        llm: { provider: 'none', defaultModel: '' },
        onRetry: () => {},
      }),
    );
    const result = { ok: true as const, ...jsonOutput(m.node.id, raw) };
    // One macrotask first: an unhandled rejection the tool left in its last tick is reported (as the
    // attempt's failure) before its result.
    await new Promise((r) => setImmediate(r));
    post({ t: 'done', id: m.id, result });
  } catch (e) {
    post({ t: 'done', id: m.id, result: { ok: false, ...classifyError(e) } });
  } finally {
    controllers.delete(m.id);
    port.ref();
  }
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'run') void run(m);
  else if (m.t === 'abort') {
    const reason = Object.assign(new Error(m.reason.message), { name: m.reason.name });
    controllers.get(m.id)?.abort(reason);
  }
});
post({ t: 'ready' });
