// One attempt of one node (STYLE §3.9): runs the node kind's runner under a timeout and the run's
// cancel signal, and turns whatever happens into data — a checked output or an error record. No
// exception escapes.
import type { NodeDef, StateField } from '../experience/types.js';
import type { ErrorRecord, NodeOutput, Usage } from '../log/events.js';
import type { NodeContext, NodeInput, NodeRunner } from '../nodes/runner.js';
import { checkResult } from './output.js';

/** A node exceeded its `timeout`. */
export class NodeTimeoutError extends Error {
  constructor(nodeId: string, ms: number) {
    super(`node ${nodeId} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** The outcome of one attempt. */
export type AttemptResult =
  | { ok: true; output: NodeOutput; usage?: Usage }
  | { ok: false; error: ErrorRecord };

/** Turns anything thrown into the `{name, message}` recorded in node.failed (never a stack). */
export function errorRecord(e: unknown): ErrorRecord {
  if (e instanceof Error) return { name: e.name || 'Error', message: e.message };
  return { name: 'Error', message: typeof e === 'string' ? e : `non-Error value thrown: ${safeString(e)}` };
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Runs one attempt. The attempt's AbortSignal fires on `timeoutMs` (with a NodeTimeoutError) or when
 * `cancel` aborts; the attempt then fails at once even if the runner ignores its signal (its promise
 * is left to settle on its own).
 * @param ctx the node context without `signal` (this function makes it).
 */
export async function executeAttempt(
  runner: NodeRunner,
  node: NodeDef,
  input: NodeInput,
  ctx: Omit<NodeContext, 'signal'>,
  opts: { timeoutMs?: number; cancel: AbortSignal; schema: Readonly<Record<string, StateField>> },
): Promise<AttemptResult> {
  const controller = new AbortController();
  const onCancel = (): void => controller.abort(opts.cancel.reason);
  if (opts.cancel.aborted) onCancel();
  else opts.cancel.addEventListener('abort', onCancel, { once: true });
  const timer =
    opts.timeoutMs !== undefined ? setTimeout(() => controller.abort(new NodeTimeoutError(node.id, opts.timeoutMs!)), opts.timeoutMs) : undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(controller.signal.reason);
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const raw = await Promise.race([runner.run(node, input, { ...ctx, signal: controller.signal }), aborted]);
    if (controller.signal.aborted) throw controller.signal.reason;
    const { output, usage } = checkResult(node, raw, opts.schema);
    return usage ? { ok: true, output, usage } : { ok: true, output };
  } catch (e) {
    return { ok: false, error: errorRecord(controller.signal.aborted ? controller.signal.reason : e) };
  } finally {
    clearTimeout(timer);
    opts.cancel.removeEventListener('abort', onCancel);
    if (onAbort) controller.signal.removeEventListener('abort', onAbort);
  }
}
