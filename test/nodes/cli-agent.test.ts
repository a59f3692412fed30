// Issue #10 §2: the pure parts of cli-agent nodes — command lines and reading answers.
import { describe, expect, it } from 'vitest';
import { cliCommand } from '../../src/nodes/cli-agent-command.js';
import { answerJson, answerResult, cliAnswer } from '../../src/nodes/cli-agent-output.js';
import { secretsOf } from '../../src/nodes/cli-agent.js';

describe('cliCommand', () => {
  it.each([
    ['claude-code', { model: 'claude-sonnet-4-6', extra_args: ['--allowed-tools', 'Read'] }, ['claude', ['-p', 'hi', '--output-format', 'json', '--model', 'claude-sonnet-4-6', '--allowed-tools', 'Read']]],
    ['codex', {}, ['codex', ['exec', '--skip-git-repo-check', 'hi']]],
    ['gemini', { model: 'gemini-2.5-pro' }, ['gemini', ['--yolo', '--prompt', 'hi', '--model', 'gemini-2.5-pro']]],
  ] as const)('%s: the documented non-interactive shape', (provider, opts, [cmd, args]) => {
    expect(cliCommand({ provider, ...opts }, 'hi')).toEqual({ cmd, args });
  });
});

describe('reading answers', () => {
  const result = { type: 'result', subtype: 'success', is_error: false, result: 'Hello', total_cost_usd: 0.0123, usage: { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 2, cache_creation_input_tokens: 0 }, modelUsage: { 'claude-sonnet-4-6': {} } };

  it("claude's result object gives the answer, the usage and the cost", () => {
    expect(cliAnswer('claude-code', JSON.stringify(result), 'claude-code')).toEqual({
      text: 'Hello',
      usage: { inputTokens: 10, outputTokens: 4, cacheReadTokens: 2, model: 'claude-sonnet-4-6', costUsd: 0.0123 },
    });
    expect(cliAnswer('claude-code', JSON.stringify([{ type: 'system' }, result]), 'x').text).toBe('Hello');
  });

  it('a claude error result or a stdout that is not a result object is an error', () => {
    expect(() => cliAnswer('claude-code', JSON.stringify({ ...result, is_error: true, subtype: 'error_max_turns', result: 'too many turns' }), 'x')).toThrow('claude reported an error (error_max_turns): too many turns');
    expect(() => cliAnswer('claude-code', 'Hello', 'x')).toThrow(expect.objectContaining({ name: 'CliOutputError', retryable: false }));
  });

  it('codex and gemini answer on stdout', () => {
    expect(cliAnswer('gemini', 'Ship it.\n', 'x')).toEqual({ text: 'Ship it.' });
  });

  it('text goes to the one writes field; json (or a schema) makes the object the state delta', () => {
    expect(answerResult({ writes: ['summary'] }, ' s \n')).toEqual({ state_delta: { summary: 's' }, edge_output: 's' });
    expect(answerResult({ writes: [] }, 'x')).toEqual({ state_delta: {}, edge_output: 'x' });
    expect(answerResult({ writes: ['a'], schema: { type: 'object', required: ['a'] } }, '```json\n{"a": 1}\n```')).toEqual({ state_delta: { a: 1 }, edge_output: { a: 1 } });
    expect(() => answerResult({ writes: ['a'], output_format: 'json', schema: { type: 'object', properties: { a: { type: 'string' } } } }, '{"a": 1}')).toThrow(
      'the JSON answer does not match the node\'s schema: $.a: Instance type "number" is invalid. Expected "string".',
    );
  });

  it('a JSON answer must be an object', () => {
    expect(() => answerJson('[1]')).toThrow('the JSON answer must be an object (its keys become the state delta), not an array');
    expect(() => answerJson('nope')).toThrow(/^the answer is not JSON/);
  });

  it('secrets are the values of *_KEY, *_TOKEN and *_SECRET variables of 8 characters or more', () => {
    expect(secretsOf({ ANTHROPIC_API_KEY: 'sk-123456789', GH_TOKEN: 'short', MY_SECRET: 'abcdefghij', PATH: '/usr/bin:/bin:/x' })).toEqual(['sk-123456789', 'abcdefghij']);
  });
});
