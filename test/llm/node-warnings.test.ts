// Validation warnings for LLM nodes (issue #15 §6), pure: given an experience and the run's model.
import { describe, expect, it } from 'vitest';
import { llmWarnings } from '../../src/llm/node-warnings.js';
import { strictProblem } from '../../src/llm/strict-schema.js';
import type { Experience } from '../../src/experience/types.js';
import { agentNode, skillNode } from './context.js';

const exp = (...nodes: unknown[]) => ({ name: 'x', version: '1.0.0', state: { schema: {} }, graph: { nodes, edges: [] }, runtime: { concurrency: 1 } }) as unknown as Experience;
const anthropic = { provider: 'anthropic', defaultModel: 'claude-sonnet-5-5' };

describe('llmWarnings', () => {
  it('warns about a temperature, an effort level and a max_tokens the model table says the model rejects or caps', () => {
    const w = llmWarnings(exp(agentNode({ temperature: 0 }), skillNode({ model: 'claude-opus-4-6', effort: 'xhigh', max_tokens: 200_000 }), agentNode({ id: 'ok' as never, model: 'claude-haiku-4-5', temperature: 0.5 })), anthropic);
    expect(w.map((x) => [x.nodeId, x.path.at(-1)])).toEqual([['review', 'temperature'], ['summarize', 'effort'], ['summarize', 'max_tokens']]);
    expect(w[1]!.message).toBe('node "summarize": model claude-opus-4-6 takes effort low, medium, high, max, not xhigh; oe leaves it out of its requests');
    expect(w[2]!.message).toMatch(/max_tokens 200000 is above model claude-opus-4-6's maximum output of 128000; oe sends 128000/);
  });

  it('says nothing about models the table does not know', () => {
    expect(llmWarnings(exp(agentNode({ model: 'claude-next-9', temperature: 0, effort: 'max' })), anthropic)).toEqual([]);
  });

  it('warns when a schema cannot be a strict tool, naming the SDK transform\'s reason', async () => {
    const check = await strictProblem();
    const w = llmWarnings(exp(agentNode({ schema: { type: 'object', properties: { a: { description: 'no type' } } } })), anthropic, check);
    expect(w).toEqual([expect.objectContaining({ path: ['graph', 'nodes', 0, 'schema'], message: expect.stringMatching(/cannot be used for strict tool use \(JSON schema must have a type defined.*\); oe sends it as a plain tool/) })]);
  });

  it('with --llm openai, warns only that prompt_cache has no effect', () => {
    const w = llmWarnings(exp(agentNode({ prompt_cache: true, temperature: 0 })), { provider: 'openai', defaultModel: 'gpt-6.1-sol' });
    expect(w.map((x) => x.path.at(-1))).toEqual(['prompt_cache']);
  });
});
