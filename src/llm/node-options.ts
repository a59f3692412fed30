// Per-node LLM knobs shared by agent and skill nodes (issue #4, #15): request retries and timeout,
// `effort`, `prompt_cache`, and the max_tokens the model table gives.
import type { AgentNode, SkillNode } from '../experience/types.js';
import type { NodeContext } from '../nodes/runner.js';
import type { CallContext } from './complete.js';
import { effectiveMaxTokens } from './models.js';
import type { BaseRequest, PromptCache } from './prompt-layout.js';

/**
 * The call context of one node attempt. The node's optional `max_retries` (retries per request,
 * integer ≥ 0) and `request_timeout` (ms per HTTP attempt, integer ≥ 1) win over the run's settings.
 */
export function callContext(node: AgentNode | SkillNode, ctx: NodeContext): CallContext {
  return {
    llm: ctx.llm,
    signal: ctx.signal,
    log: ctx.log,
    onRetry: (info) => ctx.onRetry(info),
    nodeId: ctx.iteration ? `${ctx.nodeId}[${ctx.iteration.index}]` : ctx.nodeId,
    ...(node.max_retries !== undefined ? { maxRetries: node.max_retries } : {}),
    ...(node.request_timeout !== undefined ? { requestTimeoutMs: node.request_timeout } : {}),
  };
}

/** `prompt_cache: true | "5m" | "1h"` as a PromptCache; undefined when the node does not ask for one. */
export function promptCacheOf(node: AgentNode | SkillNode): PromptCache | undefined {
  const v = node.prompt_cache;
  if (v === undefined || v === false) return undefined;
  return { ttl: v === '1h' ? '1h' : '5m' };
}

/** The request fields every agent and skill node sets the same way: model, max_tokens, sampling, effort, cache. */
export function baseFields(node: AgentNode | SkillNode, ctx: NodeContext): Omit<BaseRequest, 'user' | 'system'> {
  const model = node.model ?? ctx.llm.defaultModel;
  const cache = promptCacheOf(node);
  return {
    model,
    max_tokens: ctx.llm.provider === 'openai' ? (node.max_tokens ?? 0) : effectiveMaxTokens(model, node.max_tokens),
    ...(node.temperature !== undefined ? { temperature: node.temperature } : {}),
    ...(node.effort !== undefined ? { effort: node.effort } : {}),
    ...(cache ? { cache } : {}),
  };
}
