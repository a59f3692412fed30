// `graph.pipelines` and `graph.loops` (OpenExpertise 0.1, issue #10 §1) through validation: what
// they may name, every problem with its line and column, and the graph they make (a unit per group).
import { describe, expect, it } from 'vitest';
import { parseExperienceYaml } from '../../src/experience/load-experience.js';
import { validateExperience } from '../../src/experience/validate-experience.js';
import { formatProblem } from '../../src/util/errors.js';

const FILE = 'exp/experience.yaml';

function validate(groups: string, nodes = '', edges = '') {
  const yaml = `name: g
version: 1.0.0
state:
  schema:
    items: { type: array }
    n: { type: integer }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs, writes: [items] }
    - { id: s1, kind: tool, impl: tools/a.mjs }
    - { id: s2, kind: tool, impl: tools/a.mjs }
    - { id: body, kind: tool, impl: tools/a.mjs, writes: [n] }
${nodes}  edges:
    - { from: a, to: s1 }
${edges}${groups}`;
  const parsed = parseExperienceYaml(yaml, FILE);
  expect(parsed.problems).toEqual([]);
  const r = validateExperience(parsed.value, { file: FILE, dir: '/virtual/exp', locate: parsed.locate });
  return { ...r, lines: r.problems.map(formatProblem) };
}

describe('validation of pipelines and loops', () => {
  it('accepts OpenExpertise pipelines and loops, with their defaults, and makes each a unit of the graph', () => {
    const r = validate(`  pipelines:\n    - { id: p, items: $.items, stages: [s1, s2] }\n  loops:\n    - { id: l, body: body, until: "$.n > 3" }\n`);
    expect(r.lines).toEqual([]);
    expect(r.experience!.graph.pipelines).toEqual([{ id: 'p', items: '$.items', stages: ['s1', 's2'], concurrency: 1 }]);
    expect(r.experience!.graph.loops).toEqual([{ id: 'l', body: 'body', until: '$.n > 3', max_iters: 100 }]);
    expect(r.graph!.followers).toEqual(new Set(['s2']));
    expect(r.graph!.preds.get('s2' as never)).toEqual(['s1']);
    expect([...r.graph!.groups.keys()]).toEqual(['s1', 'body']);
  });

  it('leaves pipelines and loops out of a definition that has none, so old definitions keep their shape', () => {
    expect(Object.keys(validate('').experience!.graph)).toEqual(['nodes', 'edges']);
  });

  it('reports every problem with its position: unknown stage, a node in two groups, for_each on a member, a loop that cannot end, a bad items path', () => {
    const r = validate(
      `  pipelines:
    - { id: p, items: items, stages: [s1, s3] }
  loops:
    - { id: l, body: s1 }
    - { id: m, body: fe, max_iters: 2 }
`,
      `    - { id: fe, kind: tool, impl: tools/a.mjs, for_each: { source: $.items } }\n`,
    );
    expect(r.lines).toEqual([
      `${FILE}:17:23: pipeline "p": items must be a state path such as $.items, not "items"`,
      `${FILE}:17:43: pipeline "p": stage names no node: "s3" (did you mean "s1"?)`,
      `${FILE}:19:7: loop "l" must declare until, max_iters or both (OpenExpertise's rule: a loop needs a way to end)`,
      `${FILE}:19:22: loop "l": body: node "s1" is already in pipeline "p"; a node belongs to at most one pipeline or loop`,
      `${FILE}:20:22: loop "m": body: node "fe" has for_each; a pipeline stage or loop body runs once per item or iteration of its group instead`,
    ]);
  });

  it('checks a loop’s until like an edge condition', () => {
    expect(validate(`  loops:\n    - { id: l, body: body, until: "$.nope > 3" }\n`).lines).toEqual([
      `${FILE}:16:36: loop "l": until reads "nope", which is not declared in state.schema`,
    ]);
  });

  it('finds a cycle the group makes: an edge out of a later stage that leads back into an earlier one', () => {
    const r = validate(`  pipelines:\n    - { id: p, items: $.items, stages: [s1, s2] }\n`, `    - { id: x, kind: tool, impl: tools/a.mjs }\n`, `    - { from: s2, to: x }\n    - { from: x, to: s2 }\n`);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/cycle: /);
  });
});
