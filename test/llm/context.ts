// Builds the NodeContext an LLM runner gets from the engine, for tests that call runner.run directly.
import type { LlmSettings, NodeContext } from '../../src/nodes/runner.js';
import type { NodeId, RunId } from '../../src/util/ids.js';
import type { AgentNode, SkillNode } from '../../src/experience/types.js';

/** A retry as the runner reported it through ctx.onRetry. */
export interface RetryInfo {
  status: number | null;
  waitMs: number;
  reason: string;
}

/** A context plus what the runner reported into it. */
export interface TestContext extends NodeContext {
  retries: RetryInfo[];
  logs: Array<{ level: string; obj: unknown; msg?: string }>;
}

/** A NodeContext with the given LLM settings (defaults: no key, default model) and a fresh signal. */
export function nodeContext(llm: Partial<LlmSettings> = {}, over: Partial<NodeContext> = {}): TestContext {
  const retries: RetryInfo[] = [];
  const logs: TestContext['logs'] = [];
  const log = (level: string) => (obj: object | string, msg?: string) => void logs.push({ level, obj, msg });
  return {
    runId: '0192f3a4-0000-7000-8000-000000000000' as RunId,
    nodeId: 'review' as NodeId,
    signal: new AbortController().signal,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    experienceDir: process.cwd(),
    args: {},
    attempt: 1,
    llm: { provider: 'anthropic', defaultModel: 'claude-sonnet-5-5', ...llm },
    onRetry: (info) => void retries.push(info),
    retries,
    logs,
    ...over,
  };
}

/** An agent node after validation defaults. */
export function agentNode(over: Partial<AgentNode> = {}): AgentNode {
  return {
    id: 'review' as NodeId,
    kind: 'agent',
    prompt: 'Say hello to {{name}}.',
    reads: ['name'],
    writes: ['greeting'],
    args: {},
    on_error: { policy: 'fail_run' },
    cache: true,
    ...over,
  };
}

/** A skill node after validation defaults. */
export function skillNode(over: Partial<SkillNode> = {}): SkillNode {
  return {
    id: 'summarize' as NodeId,
    kind: 'skill',
    impl: 'SKILL.md',
    reads: ['notes'],
    writes: ['summary'],
    args: {},
    on_error: { policy: 'fail_run' },
    cache: true,
    ...over,
  };
}
