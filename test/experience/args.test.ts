import { describe, expect, it } from 'vitest';
import { resolveArgs } from '../../src/experience/args.js';
import type { InputDecl } from '../../src/experience/types.js';

const inputs: Record<string, InputDecl> = {
  repo: { type: 'string', default: '.' },
  strict: { type: 'boolean', default: false },
  level: { type: 'string', enum: ['low', 'high'] },
  count: { type: 'integer', default: 1 },
};

describe('resolveArgs', () => {
  it('applies defaults and keeps given values, in declaration order', () => {
    const r = resolveArgs(inputs, { level: 'high', repo: '/src' });
    expect(r.problems).toEqual([]);
    expect(r.args).toEqual({ repo: '/src', strict: false, level: 'high', count: 1 });
    expect(Object.keys(r.args)).toEqual(['repo', 'strict', 'level', 'count']);
  });

  it('passes any args through when no inputs are declared', () => {
    expect(resolveArgs({}, { anything: [1] })).toEqual({ args: { anything: [1] }, problems: [] });
  });

  it('reports every problem at once, naming the key and the value', () => {
    const r = resolveArgs(inputs, { strcit: true, strict: 'yes', count: 1.5, level: 'mid' });
    const messages = r.problems.map((p) => p.message);
    expect(r.problems.every((p) => p.file === '<args>')).toBe(true);
    expect(messages).toEqual([
      expect.stringMatching(/unknown arg "strcit" = true \(did you mean "strict"\?\)/),
      'arg "strict" must be a boolean, not "yes"',
      'arg "level" must be one of "low", "high", not "mid"',
      'arg "count" must be an integer, not 1.5',
    ]);
  });

  it('requires an input without a default', () => {
    const r = resolveArgs(inputs, {});
    expect(r.problems.map((p) => p.message)).toEqual(['missing required arg "level" (string)']);
  });
});
