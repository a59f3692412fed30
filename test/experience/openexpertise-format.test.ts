// Issue #10 §1: the OpenExpertise 0.1 constructs oe validates — phases, JSON-Schema keys on state
// fields, state.store, node args in prompts, filters, cli-agent's schema — each problem with line:col.
// The experiences here are written for these tests in OpenExpertise's format.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experienceFromDefinition, parseExperienceYaml } from '../../src/experience/load-experience.js';
import { validateExperience, type Files } from '../../src/experience/validate-experience.js';
import { formatProblem } from '../../src/util/errors.js';

const FILE = 'oe10/experience.yaml';
const DIR = '/virtual/oe10';
const FILES = new Map([[resolve(DIR, 'tools/seed.mjs'), ''], [resolve(DIR, 'prompts/cluster.md'), 'There are {{raw_ideas|length}} ideas:\n{{raw_ideas | json}}\n{{ topic|lenght }}\n'], [resolve(DIR, 'work/x'), '']]);
const files: Files = { exists: (p) => FILES.has(p) || [...FILES.keys()].some((k) => k.startsWith(`${p}/`)), readText: (p) => FILES.get(p) };

function check(yaml: string) {
  const parsed = parseExperienceYaml(yaml, FILE);
  expect(parsed.problems).toEqual([]);
  const r = validateExperience(parsed.value, { file: FILE, dir: DIR, locate: parsed.locate, files });
  return { ...r, lines: r.problems.map(formatProblem) };
}

/** A brainstorming-like experience in OpenExpertise 0.1's format; `extra` lands under graph.nodes. */
const BRAINSTORM = `name: brainstorm
description: diverge, cluster, pick
version: 0.1.0

state:
  store: .openexpertise/state.sqlite
  schema:
    topic: { type: string }
    angles: { type: array, items: { type: object, required: [name] } }
    raw_ideas:
      type: array
      merge: array_append
      items: { $ref: '#/$defs/idea' }
      $defs:
        idea: { type: object, required: [idea], properties: { idea: { type: string }, score: { type: number, minimum: 0 } } }
    picks: { type: object, properties: { top: { type: array, maxItems: 3 } } }
    note: {}
    nothing: { type: "null" }

phases:
  - { id: seed, title: Seed the session }
  - { id: diverge }
  - { id: converge }

graph:
  nodes:
    - id: load_seed
      kind: tool
      phase: seed
      impl: ./tools/seed.mjs
      writes: [topic, angles]
    - id: diverge
      kind: cli-agent
      provider: claude-code
      phase: diverge
      prompt: |
        Topic: {{topic}} ({{angles|length}} angles), angle {{$item.name}}, depth {{depth}}
      args: { depth: 2 }
      for_each: { source: $.angles, concurrency: 3 }
      reads: [topic, angles]
      output_format: json
      schema:
        type: object
        required: [raw_ideas]
        properties:
          raw_ideas: { type: array, items: { type: object } }
      writes: [raw_ideas]
      timeout_ms: 180000
    - id: summarize
      kind: cli-agent
      provider: gemini
      phase: converge
      prompt: "Summarize {{raw_ideas|json}} about {{topic}}"
      reads: [raw_ideas]
      args: { topic: 'fixed topic' }
      workdir: work
      model: gemini-2.5-pro
      extra_args: ['--sandbox']
      writes: [note]
  edges:
    - { from: load_seed, to: diverge }
    - { from: diverge, to: summarize }
`;

describe('#10: OpenExpertise 0.1 experiences validate unchanged', () => {
  it('accepts phases, JSON-Schema keys, $ref, state.store, node args in prompts, filters and cli-agent schema', () => {
    const r = check(BRAINSTORM);
    expect(r.lines).toEqual([]);
    const e = r.experience!;
    expect(e.phases).toEqual([{ id: 'seed', title: 'Seed the session' }, { id: 'diverge' }, { id: 'converge' }]);
    expect(e.state.store).toBe('.openexpertise/state.sqlite');
    expect(e.state.schema['raw_ideas']).toMatchObject({ type: 'array', merge: 'array_append', items: { $ref: '#/$defs/idea' } });
    expect(e.state.schema['note']).toEqual({ type: 'any', merge: 'last_wins' });
    expect(e.state.schema['nothing']!.type).toBe('null');
    const diverge = e.graph.nodes[1]!;
    expect(diverge).toMatchObject({ kind: 'cli-agent', output_format: 'json', timeout_ms: 180000, phase: 'diverge' });
  });

  it('re-validates its own output (the definition recorded in run.started) to an equal experience', () => {
    const first = check(BRAINSTORM).experience!;
    const again = experienceFromDefinition(JSON.parse(JSON.stringify(first)), { file: '<definition>', dir: DIR, checkFiles: false });
    expect(again).toEqual(first);
  });

  it('a node phase must be declared in phases, with the closest one', () => {
    const r = check(BRAINSTORM.replace('phase: converge', 'phase: convrge'));
    expect(r.lines).toEqual(['oe10/experience.yaml:52:14: node "summarize": phase "convrge" is not declared in phases (seed, diverge, converge) (did you mean "converge"?)']);
  });

  it('without a phases list, phase is a free label', () => {
    const yaml = BRAINSTORM.replace(/phases:\n(  - .*\n)+/, '');
    expect(check(yaml).lines).toEqual([]);
  });

  it('duplicate and malformed phases are reported where they are', () => {
    const r = check(BRAINSTORM.replace('  - { id: converge }', '  - { id: converge }\n  - { id: seed }\n  - { title: no id }'));
    expect(r.lines).toEqual([
      'oe10/experience.yaml:24:11: phases[3]: duplicate phase id "seed" (first declared as phases[0])',
      'oe10/experience.yaml:25:5: phases[4]: missing required key "id"',
    ]);
  });

  it('a $ref that resolves to nothing, or leaves the schema, is an error at the $ref', () => {
    const r = check(BRAINSTORM.replace("items: { $ref: '#/$defs/idea' }", "items: { $ref: '#/$defs/ida' }").replace('picks: { type: object,', "picks: { $ref: 'https://example.com/picks.json', type: object,"));
    expect(r.lines).toEqual([
      'oe10/experience.yaml:13:22: state field "raw_ideas": $ref "#/$defs/ida" points at nothing in the schema',
      'oe10/experience.yaml:16:20: state field "picks": $ref "https://example.com/picks.json" oe resolves only references inside the same schema (#/$defs/…); it never fetches one',
    ]);
  });

  it('an unknown filter is an error at its line:col, inline and in a prompt file', () => {
    const yaml = BRAINSTORM.replace('{{raw_ideas|json}} about', '{{raw_ideas|jsn}} about').replace(
      '    - id: summarize',
      `    - id: cluster
      kind: agent
      prompt: prompts/cluster.md
      reads: [raw_ideas, topic]
    - id: summarize`,
    );
    expect(check(yaml).lines).toEqual([
      'oe10/experience.yaml:57:38: node "summarize": prompt: unknown filter "jsn" in {{raw_ideas|jsn}}; filters are length, json (did you mean "json"?)',
      'oe10/prompts/cluster.md:3:10: node "cluster": prompt: unknown filter "lenght" in {{topic|lenght}}; filters are length, json (did you mean "length"?)',
    ]);
  });

  it('length of a field declared as a number or null is a validation error', () => {
    const yaml = BRAINSTORM.replace('reads: [raw_ideas]\n      args', 'reads: [raw_ideas, nothing]\n      args').replace('about {{topic}}', 'about {{topic}} {{nothing|length}}');
    expect(check(yaml).lines).toEqual(['oe10/experience.yaml:53:71: node "summarize": prompt placeholder {{nothing|length}}: length needs a list, a mapping or a string, but "nothing" is a null']);
  });

  it('a placeholder that is neither a read nor an arg names both lists', () => {
    const r = check(BRAINSTORM.replace('depth {{depth}}', 'depth {{dept}}'));
    expect(r.lines).toEqual([`oe10/experience.yaml:37:82: node "diverge": prompt placeholder {{dept}} is not in the node's reads (topic, angles) or its args (depth) (did you mean "depth"?)`]);
  });

  it('cli-agent: text output goes to one field; schema needs json and describes writes; workdir exists', () => {
    const yaml = BRAINSTORM.replace('      output_format: json\n', '      output_format: text\n')
      .replace('raw_ideas: { type: array, items: { type: object } }', 'raw_ideas: { type: array, items: { type: object } }\n          extra: { type: string }')
      .replace('workdir: work', 'workdir: nowhere')
      .replace('writes: [note]', 'writes: [note, picks]');
    expect(check(yaml).lines).toEqual([
      'oe10/experience.yaml:41:22: node "diverge": schema needs output_format json (the answer is checked as a JSON object), not text',
      'oe10/experience.yaml:57:16: node "summarize": workdir "nowhere" not found (paths are relative to oe10/)',
      'oe10/experience.yaml:60:15: node "summarize": with output_format text the answer goes to at most one state field, not 2; use output_format json for several',
    ]);
    const several = check(BRAINSTORM.replace('writes: [note]', 'writes: [note, picks]'));
    expect(several.lines).toEqual(['oe10/experience.yaml:59:15: node "summarize": with output_format text the answer goes to at most one state field, not 2; use output_format json for several']);
    const props = check(BRAINSTORM.replace('raw_ideas: { type: array, items: { type: object } }', 'raw_ideas: { type: array }\n          ideas: { type: array }'));
    expect(props.lines).toEqual(['oe10/experience.yaml:47:18: node "diverge": schema property "ideas" is not in writes [raw_ideas]']);
  });

  it('an unknown key in state is still an error, with store among the allowed ones', () => {
    expect(check(BRAINSTORM.replace('  store: .openexpertise', '  stor: .openexpertise')).lines).toEqual(['oe10/experience.yaml:6:3: unknown key "stor" in state (did you mean "store"?)']);
  });

  it('graph.pipelines and graph.loops validate (test/experience/validate-groups.test.ts has their rules)', () => {
    const yaml = BRAINSTORM.replace('  edges:\n', '  loops:\n    - { id: l, body: summarize, max_iters: 3 }\n  edges:\n');
    expect(check(yaml).lines).toEqual([]);
  });

  it('a JSON-Schema keyword with a value JSON Schema does not allow is an error at the keyword (run could not apply it)', () => {
    const yaml = BRAINSTORM.replace('angles: { type: array, items: { type: object, required: [name] } }', "angles: { type: array, items: object, allOf: {}, minItems: -1 }")
      .replace('note: {}', "note: { pattern: '[', enum: ab }")
      .replace('required: [raw_ideas]', 'required: raw_ideas');
    expect(check(yaml).lines).toEqual([
      'oe10/experience.yaml:9:35: state field "angles": items must be a schema (a mapping or true/false), not "object"',
      'oe10/experience.yaml:9:50: state field "angles": allOf must be a non-empty list of schemas, not {}',
      'oe10/experience.yaml:9:64: state field "angles": minItems must be a whole number, 0 or more, not -1',
      'oe10/experience.yaml:17:22: state field "note": pattern "[" is not a regular expression: Invalid regular expression: /[/u: Unterminated character class',
      'oe10/experience.yaml:17:33: state field "note": enum must be a list of values, not "ab"',
      'oe10/experience.yaml:44:19: node "diverge": schema: required must be a list of property names, not "raw_ideas"',
    ]);
  });
});
