// What a node's definition gives its input hash (issue #9 §3): its files by role, and a definition
// part without their paths or what only steers execution.
import { describe, expect, it } from 'vitest';
import { definitionPart } from '../../src/engine/node-files.js';
import { inlineTemplates, namedFiles } from '../../src/experience/named-files.js';
import { parseExperienceYaml } from '../../src/experience/load-experience.js';
import { validateExperience } from '../../src/experience/validate-experience.js';
import type { NodeDef } from '../../src/experience/types.js';

function nodes(yaml: string): NodeDef[] {
  const parsed = parseExperienceYaml(`name: n\nversion: 1.0.0\nstate:\n  schema:\n    out: {}\n    items: { type: array }\ngraph:\n  nodes:\n${yaml}`, 'e.yaml');
  const { experience, problems } = validateExperience(parsed.value, { file: 'e.yaml', dir: '/x', locate: parsed.locate });
  expect(problems).toEqual([]);
  return experience!.graph.nodes;
}

describe('namedFiles', () => {
  it('names each kind\'s files by role', () => {
    const [tool, skill, agent, inline, data] = nodes(`    - { id: t, kind: tool, impl: tools/t.mjs }
    - { id: s, kind: skill, impl: skills/SKILL.md }
    - { id: a, kind: agent, prompt: prompts/a.md }
    - { id: i, kind: agent, prompt: "Say {{$args.x}}" }
    - { id: d, kind: dataset, source: { type: file, uri: data/d.csv, format: csv }, writes: [out] }
`);
    expect(namedFiles(tool!)).toEqual([{ role: 'impl', path: 'tools/t.mjs', read: 'module' }]);
    expect(namedFiles(skill!)).toEqual([{ role: 'impl', path: 'skills/SKILL.md', read: 'skill' }]);
    expect(namedFiles(agent!)).toEqual([{ role: 'prompt', path: 'prompts/a.md', read: 'template' }]);
    expect(namedFiles(inline!)).toEqual([]);
    expect(inlineTemplates(inline!)).toEqual(['Say {{$args.x}}']);
    expect(namedFiles(data!)).toEqual([{ role: 'source', path: 'data/d.csv', read: 'data' }]);
  });
});

describe('definitionPart', () => {
  it('leaves out file paths, files/env declarations and what only steers execution', () => {
    const [a] = nodes(`    - id: t
      kind: tool
      impl: tools/t.mjs
      args: { k: 1 }
      timeout: 30s
      on_error: { policy: retry, attempts: 5 }
      cache: false
      files: [data/*.json]
      env: [API_REGION]
      for_each: { source: $.items, concurrency: 4 }
`);
    const [b] = nodes(`    - id: t
      kind: tool
      impl: ../elsewhere/t.mjs
      args: { k: 1 }
      for_each: { source: $.items }
`);
    expect(definitionPart(a!)).toEqual({ id: 't', kind: 'tool', args: { k: 1 }, reads: [], writes: [], for_each: { source: '$.items' } });
    expect(definitionPart(b!)).toEqual(definitionPart(a!));
    expect(a!.impl).toBe('tools/t.mjs'); // the node itself is not changed
  });

  it('keeps an inline prompt (it is content) and drops a prompt file\'s path', () => {
    const [file, inline, data] = nodes(`    - { id: a, kind: agent, prompt: prompts/a.md, model: m }
    - { id: b, kind: agent, prompt: "Hello there", model: m }
    - { id: d, kind: dataset, source: { type: file, uri: data/d.csv, format: csv }, writes: [out] }
`);
    expect(definitionPart(file!)).toEqual({ id: 'a', kind: 'agent', model: 'm', args: {}, reads: [], writes: [] });
    expect(definitionPart(inline!)).toMatchObject({ prompt: 'Hello there' });
    expect(definitionPart(data!)).toMatchObject({ source: { type: 'file', format: 'csv' } });
  });
});
