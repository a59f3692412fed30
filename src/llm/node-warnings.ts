// Validation warnings for LLM nodes (issue #15 §6): settings the model table says a model rejects
// or caps. Pure: the caller prints them (cli/llm-warnings.ts). A warning never stops a run; what it
// names is left out of, or capped in, the request (prompt-layout.ts, models.ts).
import type { Experience } from '../experience/types.js';
import type { Json } from '../util/canonical-json.js';
import { modelInfo } from './models.js';

/** One warning: the node, the YAML path of the offending field, and what oe does about it. */
export interface LlmWarning {
  nodeId: string;
  path: Array<string | number>;
  message: string;
}

/**
 * The warnings of every agent and skill node, given the run's provider and default model. Knows only
 * the models in models.ts: an unknown model gets no warning. `strictProblem` tells whether a schema
 * can be sent as a strict tool (structured.ts `outputTool`), returning the reason when not.
 */
export function llmWarnings(
  experience: Experience,
  llm: { provider: string; defaultModel: string },
  strictProblem: (schema: { [k: string]: Json }) => string | undefined = () => undefined,
): LlmWarning[] {
  const out: LlmWarning[] = [];
  experience.graph.nodes.forEach((node, i) => {
    if (node.kind !== 'agent' && node.kind !== 'skill') return;
    const model = node.model ?? llm.defaultModel;
    const at = (key: string) => ['graph', 'nodes', i, key];
    const warn = (key: string, message: string) => out.push({ nodeId: node.id, path: at(key), message: `node ${JSON.stringify(node.id)}: ${message}` });
    if (llm.provider === 'openai') {
      if (node.prompt_cache !== undefined && node.prompt_cache !== false) warn('prompt_cache', 'prompt_cache has no effect with --llm openai (OpenAI caches long prompt prefixes by itself)');
      return;
    }
    const info = modelInfo(model);
    if (info) {
      if (node.temperature !== undefined && !info.samplingParams) {
        warn('temperature', `model ${model} rejects a non-default temperature (a 400 on every request); oe leaves temperature out of its requests`);
      }
      if (node.effort !== undefined && !info.effort.includes(node.effort)) {
        warn('effort', info.effort.length === 0
          ? `model ${model} does not take effort; oe leaves it out of its requests`
          : `model ${model} takes effort ${info.effort.join(', ')}, not ${node.effort}; oe leaves it out of its requests`);
      }
      if (node.max_tokens !== undefined && node.max_tokens > info.maxOutputTokens) {
        warn('max_tokens', `max_tokens ${node.max_tokens} is above model ${model}'s maximum output of ${info.maxOutputTokens}; oe sends ${info.maxOutputTokens}`);
      }
    }
    if (node.kind === 'agent' && node.schema) {
      const why = strictProblem(node.schema);
      if (why) warn('schema', `the schema cannot be used for strict tool use (${why}); oe sends it as a plain tool and checks the answer itself`);
    }
  });
  return out;
}
