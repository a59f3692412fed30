// STYLE §3.10 / issue #4 §5: the SDK loads only when a node really calls the API. Runs the built
// modules (dist/, made by `npm test`'s pretest build) in a child process with a resolve hook that
// reports every import of @anthropic-ai/sdk or openai (issue #10 §5: the OpenAI SDK loads lazily too).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runner } from '../../src/nodes/agent.js';
import { FakeAnthropic, textReply } from '../helpers/fake-anthropic.js';
import { agentNode, nodeContext } from './context.js';

const DIST = resolve(import.meta.dirname, '../../dist');
const input = { _state: { name: 'Ada' }, _edge_inputs: {} };

/** Runs `body` (an ES module body) with the hook; returns stderr lines that report SDK imports. */
function sdkImports(body: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'oe-lazy-'));
  const hook = `export async function resolve(s, c, next) { if (s.includes('@anthropic-ai/sdk') || s === 'openai' || s.startsWith('openai/')) process.stderr.write('SDK-LOADED ' + s + '\\n'); return next(s, c); }`;
  const script = join(dir, 'probe.mjs');
  writeFileSync(script, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));\n${body}\n`);
  const res = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`probe failed (${res.status}): ${res.stderr}`);
  return res.stderr.split('\n').filter((l) => l.startsWith('SDK-LOADED'));
}

const mod = (p: string) => JSON.stringify(pathToFileURL(join(DIST, p)).href);

describe.skipIf(!existsSync(join(DIST, 'nodes/agent.js')))('lazy SDK import', () => {
  let fake: FakeAnthropic;
  let recordDir: string;
  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    recordDir = mkdtempSync(join(tmpdir(), 'oe-lazy-rec-'));
    fake.enqueue(textReply('Hello, Ada!'));
    await runner.run(agentNode(), input, nodeContext({ apiKey: 'k', baseURL: fake.baseURL, recordDir }));
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('importing the agent and skill runners and asking model() does not load the SDK', () => {
    const lines = sdkImports(`
      const a = await import(${mod('nodes/agent.js')});
      const s = await import(${mod('nodes/skill.js')});
      a.runner.model({}, { llm: { defaultModel: 'm' } });
      s.runner.model({}, { llm: { defaultModel: 'm' } });`);
    expect(lines).toEqual([]);
  });

  it('a node answered from --replay does not load the SDK', () => {
    const lines = sdkImports(`
      const a = await import(${mod('nodes/agent.js')});
      const log = { debug() {}, info() {}, warn() {}, error() {} };
      const out = await a.runner.run(
        { id: 'review', kind: 'agent', prompt: 'Say hello to {{name}}.', reads: ['name'], writes: ['greeting'], args: {}, on_error: { policy: 'fail_run' }, cache: true },
        ${JSON.stringify(input)},
        { nodeId: 'review', signal: new AbortController().signal, log, experienceDir: '.', args: {}, attempt: 1, onRetry() {},
          llm: { provider: 'anthropic', defaultModel: 'claude-sonnet-5-5', replayDir: ${JSON.stringify(recordDir)} } });
      if (out.state_delta.greeting !== 'Hello, Ada!') throw new Error('unexpected ' + JSON.stringify(out));`);
    expect(lines).toEqual([]);
  });

  it('a node that calls the API does load it (the probe works)', () => {
    const lines = sdkImports(`
      const a = await import(${mod('nodes/agent.js')});
      const log = { debug() {}, info() {}, warn() {}, error() {} };
      await a.runner.run(
        { id: 'review', kind: 'agent', prompt: 'Hi', reads: [], writes: ['greeting'], args: {}, on_error: { policy: 'fail_run' }, cache: true },
        { _state: {}, _edge_inputs: {} },
        { nodeId: 'review', signal: new AbortController().signal, log, experienceDir: '.', args: {}, attempt: 1, onRetry() {},
          llm: { provider: 'anthropic', defaultModel: 'claude-sonnet-5-5', apiKey: 'k', baseURL: 'http://127.0.0.1:9', maxRetries: 0 } }).catch(() => {});`);
    expect(lines.length).toBeGreaterThan(0);
  });
});
