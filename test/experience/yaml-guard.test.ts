// The YAML limits of issue #12 §4, at their edges: what is exactly at a limit parses, one more is a
// problem with file:line:col. (The corpus in test/corpus/ has the hostile cases end to end.)
import { describe, expect, it } from 'vitest';
import { parseExperienceYaml } from '../../src/experience/load-experience.js';
import { MAX_YAML_ALIAS_NODES, MAX_YAML_BYTES, MAX_YAML_DEPTH } from '../../src/util/limits.js';

const FILE = 'exp/experience.yaml';
const problemsOf = (text: string): string[] => parseExperienceYaml(text, FILE).problems.map((p) => `${p.line ?? '-'}:${p.col ?? '-'}: ${p.message}`);

/** `depth` nested block mappings: `k:` / `  k:` / … ending in a scalar. */
const blockNest = (depth: number): string => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k${i}:${i === depth - 1 ? ' 1' : ''}`).join('\n') + '\n';
/** A root mapping holding `depth - 1` nested flow sequences. */
const flowNest = (depth: number): string => `a: ${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}\n`;

describe('YAML nesting depth', () => {
  it(`accepts collections nested exactly ${MAX_YAML_DEPTH} deep, block or flow`, () => {
    expect(problemsOf(blockNest(MAX_YAML_DEPTH))).toEqual([]);
    expect(problemsOf(flowNest(MAX_YAML_DEPTH))).toEqual([]);
  });

  it('refuses one level more, at the collection that passes the limit', () => {
    expect(problemsOf(blockNest(MAX_YAML_DEPTH + 1))).toEqual([`${MAX_YAML_DEPTH + 1}:${2 * MAX_YAML_DEPTH + 1}: YAML: collections nest more than ${MAX_YAML_DEPTH} levels deep (the limit)`]);
    expect(problemsOf(flowNest(MAX_YAML_DEPTH + 1))).toEqual([expect.stringMatching(/^1:\d+: YAML: collections nest more than 100 levels deep/)]);
  });

  it('stops 1 MB of [ early, with one problem', () => {
    const problems = problemsOf(`name: ${'['.repeat(1_000_000)}`);
    expect(problems).toEqual([expect.stringMatching(/^1:\d+: YAML: collections nest more than 100 levels deep/)]);
  });
});

describe('YAML aliases', () => {
  /** An anchor of `n` scalars and `copies` aliases to it. */
  const aliased = (n: number, copies: number): string =>
    `base: &b [${Array.from({ length: n - 1 }, () => 'x').join(', ')}]\ncopies:\n${Array.from({ length: copies }, () => '  - *b').join('\n')}\n`;

  it(`accepts aliases that expand to exactly ${MAX_YAML_ALIAS_NODES} nodes`, () => {
    // the anchored sequence is n nodes (itself and n-1 items)
    const r = parseExperienceYaml(aliased(100, MAX_YAML_ALIAS_NODES / 100), FILE);
    expect(r.problems).toEqual([]);
    expect((r.value as { copies: unknown[] }).copies).toHaveLength(MAX_YAML_ALIAS_NODES / 100);
  });

  it('refuses one node more, at the alias that passes the limit', () => {
    const copies = MAX_YAML_ALIAS_NODES / 100 + 1;
    expect(problemsOf(aliased(100, copies))).toEqual([`${copies + 2}:5: YAML: aliases expand to more than ${MAX_YAML_ALIAS_NODES} nodes (the limit; an alias bomb?)`]);
  });

  it('refuses a billion laughs without expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => (i === 1 ? '*a' : `*l${i - 1}`)).join(', ')}]`);
    expect(problemsOf(levels.join('\n') + '\n')).toEqual([expect.stringMatching(/^5:\d+: YAML: aliases expand to more than 10000 nodes/)]);
  });

  it('refuses an alias to nothing and an alias inside its own anchor', () => {
    expect(problemsOf('name: *nothing\n')).toEqual(['1:7: YAML: alias *nothing names no anchor (&nothing must be defined before it)']);
    expect(problemsOf('a: &a [1, *a]\n')).toEqual(['1:11: YAML: alias *a is inside the value it names (a cycle)']);
  });
});

describe('YAML size and characters', () => {
  it(`refuses text over ${MAX_YAML_BYTES} bytes before parsing it`, () => {
    expect(problemsOf(`name: "${'x'.repeat(MAX_YAML_BYTES)}"\n`)).toEqual([expect.stringMatching(/^-:-: the file is 16\.0 MiB; an experience\.yaml may be at most 16 MiB/)]);
  });

  it('refuses a NUL character in a string value or key, escaped or raw', () => {
    expect(problemsOf('name: "ba\\u0000se"\n')).toEqual(['1:7: YAML: a string holds a NUL character (U+0000), which no name, path or prompt may contain']);
    expect(problemsOf('na\u0000me: x\n')).toEqual(['1:1: YAML: a string holds a NUL character (U+0000), which no name, path or prompt may contain']);
    expect(problemsOf('name: x # a comment with \u0000\n')).toEqual(['1:26: YAML: a NUL character (U+0000) in the file; an experience is text']);
  });

  it('reports an unclosed quote where it opens, not at the end of the file', () => {
    expect(problemsOf('name: "base\nversion: 1.0.0\nstate: {}\n')).toEqual(['1:7: YAML: the string opened by this " is never closed (missing closing ")']);
    expect(problemsOf("name: ok\nversion: '1.0\n\n\n")).toEqual(["2:10: YAML: the string opened by this ' is never closed (missing closing ')"]);
  });

  it('refuses a mapping key that is a collection instead of printing a Node warning', () => {
    expect(problemsOf('? [a, b]\n: 1\n')).toEqual(['1:3: YAML: a mapping key must be a string, not a sequence']);
  });

  it('refuses a second document', () => {
    expect(problemsOf('a: 1\n---\nb: 2\n')).toEqual([expect.stringMatching(/^2:1: YAML: a second document \(---\)/)]);
  });
});
