// Per-node LLM knobs shared by agent and skill nodes, read defensively until types.ts declares them.
import type { NodeDef } from '../experience/types.js';
import type { NodeContext } from '../nodes/runner.js';
import type { CallContext } from './complete.js';

/**
 * The call context of one node attempt. The node's optional `max_retries` (retries per request,
 * integer ≥ 0) and `request_timeout` (ms per HTTP attempt, integer ≥ 1) win over the run's settings.
 */
export function callContext(node: NodeDef, ctx: NodeContext): CallContext {
  const knobs = node as { max_retries?: unknown; request_timeout?: unknown };
  const int = (v: unknown, min: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min ? v : undefined);
  return {
    llm: ctx.llm,
    signal: ctx.signal,
    log: ctx.log,
    onRetry: (info) => ctx.onRetry(info),
    nodeId: ctx.iteration ? `${ctx.nodeId}[${ctx.iteration.index}]` : ctx.nodeId,
    maxRetries: int(knobs.max_retries, 0),
    requestTimeoutMs: int(knobs.request_timeout, 1),
  };
}
