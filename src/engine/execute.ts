// One attempt of one node in this process (STYLE §3.9): runs the node kind's runner under a timeout
// and the run's cancel signal, and turns whatever happens into data — a checked output or an error
// record. No exception escapes. Also the classification of thrown values every executor shares.
import type { NodeDef, StateField } from '../experience/types.js';
import type { ErrorRecord, Usage } from '../log/events.js';
import type { NodeContext, NodeInput, NodeRunner } from '../nodes/runner.js';
import type { AttemptResult } from './executor.js';
import { checkResult } from './node-result.js';

/** A node exceeded its `timeout`. */
export class NodeTimeoutError extends Error {
  constructor(nodeId: string, ms: number) {
    super(`node ${nodeId} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Classifies a thrown value by what it says of itself, never by class (it may come from a user's
 * module, STYLE §3.9): `retryable: false` on the error means retrying cannot help (a missing API
 * key, a missing recording, a 400); anything else may succeed on another attempt. An error that
 * carries a `usage` object (an LLM node that paid for requests before failing) hands it on.
 */
export function classifyError(e: unknown): { error: ErrorRecord; retryable: boolean; usage?: Usage } {
  const fields = (e !== null && typeof e === 'object' ? e : {}) as { retryable?: unknown; usage?: unknown };
  const usage = fields.usage as Usage | undefined;
  const hasUsage = usage !== undefined && usage !== null && typeof usage === 'object' && typeof usage.inputTokens === 'number' && typeof usage.model === 'string';
  return { error: errorRecord(e), retryable: fields.retryable !== false, ...(hasUsage ? { usage } : {}) };
}

/** Turns anything thrown into the `{name, message}` recorded in node.failed (never a stack). */
export function errorRecord(e: unknown): ErrorRecord {
  if (e instanceof Error) return { name: e.name || 'Error', message: e.message };
  return { name: 'Error', message: typeof e === 'string' ? e : `non-Error value thrown: ${safeString(e)}` };
}

/** The usage an aborted attempt's own error carried, if any (the abort reason carries none). */
function usageOf(e: unknown): { usage?: Usage } {
  const { usage } = classifyError(e);
  return usage ? { usage } : {};
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Runs one attempt in this process. The attempt's AbortSignal fires on `timeoutMs` (with a
 * NodeTimeoutError) or when `cancel` aborts; the attempt then fails at once even if the runner
 * ignores its signal (its promise is left to settle on its own).
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
    if (controller.signal.aborted) return { ok: false, ...classifyError(controller.signal.reason), ...usageOf(e) };
    return { ok: false, ...classifyError(e) };
  } finally {
    clearTimeout(timer);
    opts.cancel.removeEventListener('abort', onCancel);
    if (onAbort) controller.signal.removeEventListener('abort', onAbort);
  }
}
