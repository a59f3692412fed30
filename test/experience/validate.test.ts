import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experienceFromDefinition, parseExperienceYaml } from '../../src/experience/load-experience.js';
import { validateExperience, type Files } from '../../src/experience/validate-experience.js';
import { ValidationError, formatProblem, type Problem } from '../../src/util/errors.js';

const FILE = 'exp/experience.yaml';
const DIR = '/virtual/exp';

/** In-memory files, by path relative to the experience dir (a directory is a key ending in "/"). */
function fakeFiles(files: Record<string, string>): Files {
  const abs = new Map(Object.entries(files).map(([k, v]) => [resolve(DIR, k), v]));
  return {
    exists: (p) => abs.has(p) || [...abs.keys()].some((k) => k.startsWith(`${p}/`)),
    readText: (p) => abs.get(p),
  };
}

const DEFAULT_FILES = { 'tools/a.mjs': '', 'tools/b.mjs': '', 'prompts/review.md': 'Review {{licenses}} #{{$index}}\n', 'data/rows.csv': 'a\n1\n', 'skills/s/SKILL.md': '# s', 'child/experience.yaml': '' };

function validate(yaml: string, files: Record<string, string> = DEFAULT_FILES) {
  const parsed = parseExperienceYaml(yaml, FILE);
  if (parsed.problems.length > 0) return { problems: parsed.problems, experience: undefined };
  return validateExperience(parsed.value, { file: FILE, dir: DIR, locate: parsed.locate, files: fakeFiles(files) });
}

const lines = (problems: Problem[]): string[] => problems.map(formatProblem);

/** A small valid experience; `nodes`/`edges` replace the graph's parts (YAML, indented 4). */
function exp(nodes: string, edges = '', head = ''): string {
  return `name: t
version: 1.0.0
${head}state:
  schema:
    licenses: { type: array }
    findings: { type: array, merge: array_append }
    decision: { type: object, merge: set_once }
    flag: { type: boolean }
graph:
  nodes:
${nodes}
  edges:
${edges || '    []'}
`;
}

describe('validateExperience: a valid file', () => {
  const yaml = exp(
    `    - id: scan
      kind: tool
      impl: tools/a.mjs
      args: { root: $args.repo, prior: $.licenses, n: 3 }
      writes: [licenses]
    - id: review
      kind: agent
      prompt: prompts/review.md
      reads: [licenses]
      writes: [findings]
      for_each: { source: $.licenses }
      on_error: { policy: retry }
      timeout: 30s`,
    `    - { from: scan, to: review, when: "length($.licenses) > 0" }`,
    `inputs:\n  repo: { type: string, default: "." }\n`,
  );

  it('normalizes with the defaults of SPEC §2.2', () => {
    const r = validate(yaml);
    expect(r.problems).toEqual([]);
    expect(r.experience).toEqual({
      name: 't',
      version: '1.0.0',
      inputs: { repo: { type: 'string', default: '.' } },
      state: {
        schema: {
          licenses: { type: 'array', merge: 'last_wins' },
          findings: { type: 'array', merge: 'array_append' },
          decision: { type: 'object', merge: 'set_once' },
          flag: { type: 'boolean', merge: 'last_wins' },
        },
      },
      graph: {
        nodes: [
          { id: 'scan', kind: 'tool', impl: 'tools/a.mjs', args: { root: '$args.repo', prior: '$.licenses', n: 3 }, reads: [], writes: ['licenses'], cache: true, on_error: { policy: 'fail_run' } },
          {
            id: 'review',
            kind: 'agent',
            prompt: 'prompts/review.md',
            prompt_file: 'prompts/review.md',
            args: {},
            reads: ['licenses'],
            writes: ['findings'],
            cache: true,
            for_each: { source: '$.licenses', concurrency: 1 },
            on_error: { policy: 'retry', attempts: 3, backoff: 'exponential', base_ms: 200 },
            timeout: 30_000,
          },
        ],
        edges: [{ from: 'scan', to: 'review', when: 'length($.licenses) > 0' }],
      },
      runtime: { concurrency: 1 },
    });
  });

  it('experienceFromDefinition accepts its own output unchanged (idempotent), through JSON', () => {
    const first = validate(yaml).experience!;
    const again = experienceFromDefinition(JSON.parse(JSON.stringify(first)), { file: '<definition>', dir: DIR, checkFiles: false });
    expect(again).toEqual(first);
    expect(experienceFromDefinition(JSON.parse(JSON.stringify(again)), { file: '<definition>', dir: DIR, checkFiles: false })).toEqual(first);
  });

  it('experienceFromDefinition throws a ValidationError without positions', () => {
    const bad = { ...validate(yaml).experience!, version: 'one' };
    let caught: unknown;
    try {
      experienceFromDefinition(bad, { file: '<definition>', dir: DIR, checkFiles: false });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).problems).toEqual([{ file: '<definition>', message: expect.stringContaining('version must be') }]);
  });

  it('treats text with spaces, newlines or {{ as an inline prompt', () => {
    const r = validate(exp(`    - id: a\n      kind: agent\n      prompt: "Summarize the licenses/notes: {{licenses}}"\n      reads: [licenses]`));
    expect(r.problems).toEqual([]);
    expect(r.experience!.graph.nodes[0]).not.toHaveProperty('prompt_file');
  });
});

describe('validateExperience: each rule, with file:line:col', () => {
  it('reports YAML syntax errors with line and column', () => {
    expect(lines(validate('name: x\ngraph:\n  nodes: [\n  - a\n').problems)[0]).toMatch(/^exp\/experience\.yaml:\d+:\d+: YAML: /);
  });

  it('treats duplicate keys as errors', () => {
    expect(lines(validate('name: a\nname: b\n').problems)).toEqual(['exp/experience.yaml:2:1: YAML: Map keys must be unique']);
  });

  it('reports an unknown top-level key at the key, with did-you-mean', () => {
    const r = validate(exp('    - { id: a, kind: tool, impl: tools/a.mjs }') + 'runtme: {}\n');
    expect(lines(r.problems)).toEqual(['exp/experience.yaml:14:1: unknown top-level key "runtme" (did you mean "runtime"?)']);
  });

  it('requires a non-empty name and a semver version', () => {
    const r = validate(exp('    - { id: a, kind: tool, impl: tools/a.mjs }').replace('name: t', 'name: ""').replace('1.0.0', '"1.0"'));
    expect(lines(r.problems)).toEqual(['exp/experience.yaml:1:7: name must not be empty', 'exp/experience.yaml:2:10: version must be semver MAJOR.MINOR.PATCH, e.g. 1.0.0, not "1.0"']);
  });

  it('checks state fields: types, merge, and array_append on arrays only', () => {
    const r = validate('name: t\nversion: 1.0.0\nstate:\n  schema:\n    a: { type: text }\n    b: { type: string, merge: array_append }\ngraph: { nodes: [] }\n');
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:5:16: state field "a": type must be one of string, number, integer, boolean, array, object, null, any, not "text"',
      'exp/experience.yaml:6:31: state field "b": merge array_append needs type array or any, not string',
    ]);
  });

  it('reports an unknown kind at its value, listing the kinds with did-you-mean', () => {
    const r = validate(exp('    - id: a\n      kind: tol\n      impl: tools/a.mjs'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:12:13: node "a" has unknown kind "tol" (did you mean "tool"?); kinds are tool, agent, skill, dataset, cli-agent, experience, gate',
    ]);
  });

  it('reports an unknown node key at the key with did-you-mean, and still checks the rest of the node', () => {
    const r = validate(exp('    - id: a\n      kind: tool\n      impl: tools/a.mjs\n      wirtes: [licenses]\n      reads: [nope]'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:14:7: node "a": unknown key "wirtes" (did you mean "writes"?)',
      'exp/experience.yaml:15:15: node "a": reads "nope", which is not declared in state.schema',
    ]);
  });

  it('reports a missing required key at the node', () => {
    expect(lines(validate(exp('    - id: a\n      kind: tool')).problems)).toEqual(['exp/experience.yaml:11:7: node "a": missing required key "impl"']);
  });

  it('checks node ids and points at a duplicate', () => {
    const r = validate(exp('    - { id: 1a, kind: tool, impl: tools/a.mjs }\n    - { id: b, kind: tool, impl: tools/a.mjs }\n    - { id: b, kind: tool, impl: tools/b.mjs }'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:11:13: node "1a": id must match ^[A-Za-z_][A-Za-z0-9_]*$, not "1a"',
      'exp/experience.yaml:13:13: duplicate node id "b" (first declared as graph.nodes[1])',
    ]);
  });

  it('checks on_error, for_each and timeout', () => {
    const r = validate(
      exp('    - id: a\n      kind: tool\n      impl: tools/a.mjs\n      on_error: { policy: retry, attempts: 40, attemps: 2 }\n      for_each: { source: licenses }\n      timeout: 5 parsecs'),
    );
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:14:44: node "a": on_error.attempts must be at most 20, not 40',
      'exp/experience.yaml:14:48: node "a": unknown key "attemps" in on_error (did you mean "attempts"?)',
      'exp/experience.yaml:15:27: node "a": for_each.source must be a state path such as $.items, not "licenses"',
      'exp/experience.yaml:16:16: node "a": timeout must be a number of ms or a duration such as "500ms", "30s", "5m", not "5 parsecs"',
    ]);
  });

  it('requires impl, prompt and dataset files to exist relative to the experience dir', () => {
    const r = validate(
      exp(`    - { id: t, kind: tool, impl: tools/missing.mjs }
    - { id: p, kind: tool, impl: tools/a.py }
    - { id: s, kind: skill, impl: skills/none/SKILL.md }
    - { id: e, kind: experience, impl: kid }
    - { id: k, kind: skill, impl: skills/s }
    - { id: g, kind: agent, prompt: prompts/none.md }
    - id: d
      kind: dataset
      source: { type: file, uri: data/none.csv, format: csv }
      writes: [licenses]`),
    );
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:11:34: node "t": impl file "tools/missing.mjs" not found (paths are relative to exp/)',
      'exp/experience.yaml:12:34: node "p": impl must be a JS module (.mjs, .js or .cjs), not "tools/a.py"',
      'exp/experience.yaml:13:35: node "s": SKILL.md "skills/none/SKILL.md" not found (paths are relative to exp/)',
      'exp/experience.yaml:14:40: node "e": child experience "kid/experience.yaml" not found (paths are relative to exp/)',
      'exp/experience.yaml:15:35: node "k": impl must be a SKILL.md file, not "skills/s"',
      'exp/experience.yaml:16:37: node "g": prompt file "prompts/none.md" not found (paths are relative to exp/)',
      'exp/experience.yaml:19:34: node "d": dataset file "data/none.csv" not found (paths are relative to exp/)',
    ]);
  });

  it('accepts a child experience directory, a SKILL.md and a dataset file that exist', () => {
    const r = validate(
      exp(`    - { id: s, kind: skill, impl: skills/s/SKILL.md }
    - { id: e, kind: experience, impl: child }
    - { id: d, kind: dataset, source: { type: file, uri: data/rows.csv, format: csv }, writes: [licenses] }`),
    );
    expect(r.problems).toEqual([]);
  });

  it('requires a dataset to write exactly one field, in a known format', () => {
    const r = validate(exp('    - { id: d, kind: dataset, source: { type: file, uri: data/rows.csv, format: xls }, writes: [] }'));
    expect(lines(r.problems)).toEqual(['exp/experience.yaml:11:81: node "d": source.format must be one of json, jsonl, csv, not "xls"']);
    const r2 = validate(exp('    - { id: d, kind: dataset, source: { type: file, uri: data/rows.csv, format: csv }, writes: [] }'));
    expect(lines(r2.problems)).toEqual(['exp/experience.yaml:11:96: node "d": a dataset node writes exactly one state field, not 0']);
  });

  it('checks prompt placeholders against reads, for_each and inputs, inline and in prompt files', () => {
    const r = validate(
      exp(
        `    - id: a
      kind: agent
      prompt: "Hi {{licences}} {{$item.x}} {{$args.rpo}} {{$args.repo}}"
      reads: [licenses]
    - id: b
      kind: agent
      prompt: prompts/review.md
    - id: c
      kind: cli-agent
      provider: codex
      prompt: |
        first line
        then {{flag}}`,
        '',
        'inputs:\n  repo: { type: string }\n',
      ),
    );
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:15:19: node "a": prompt placeholder {{licences}} is not in the node\'s reads (licenses) (did you mean "licenses"?)',
      'exp/experience.yaml:15:32: node "a": prompt placeholder {{$item.x}} needs for_each on the node (or the node a pipeline stage)',
      'exp/experience.yaml:15:44: node "a": prompt placeholder {{$args.rpo}} names input "rpo", which is not declared in inputs (did you mean "repo"?)',
      'exp/experience.yaml:25:14: node "c": prompt placeholder {{flag}} is not in the node\'s reads (none)',
      'exp/prompts/review.md:1:8: node "b": prompt placeholder {{licenses}} is not in the node\'s reads (none)',
      'exp/prompts/review.md:1:22: node "b": prompt placeholder {{$index}} needs for_each on the node (or the node a pipeline stage)',
    ]);
  });

  it('reports a {{ without }} in a prompt', () => {
    const r = validate(exp('    - { id: a, kind: agent, prompt: "Hi {{x" }'));
    expect(lines(r.problems)).toEqual(['exp/experience.yaml:11:41: node "a": prompt: "{{" without a closing "}}"']);
  });

  it('requires reads and writes to be declared in state.schema', () => {
    const r = validate(exp('    - { id: a, kind: tool, impl: tools/a.mjs, reads: [licenses, flg], writes: [decison] }'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:11:65: node "a": reads "flg", which is not declared in state.schema (did you mean "flag"?)',
      'exp/experience.yaml:11:80: node "a": writes "decison", which is not declared in state.schema (did you mean "decision"?)',
    ]);
  });

  it('checks $.path and $args.x args', () => {
    const r = validate(exp('    - { id: a, kind: tool, impl: tools/a.mjs, args: { x: $.nope, y: $args.nope, z: "$.bad path", w: "$ literal", v: [{ u: $.nested }] } }', '', 'inputs:\n  repo: { type: string }\n'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:13:58: node "a": args.x reads "nope", which is not declared in state.schema',
      'exp/experience.yaml:13:69: node "a": args.y names input "nope", which is not declared in inputs',
      'exp/experience.yaml:13:84: node "a": args.z is not a valid reference: "$.bad path" (expected $.field.sub or $args.name)',
      'exp/experience.yaml:13:123: node "a": args.v[0].u reads "nested", which is not declared in state.schema',
    ]);
  });

  it('requires two writers of a set_once field to be ordered', () => {
    const nodes = '    - { id: a, kind: tool, impl: tools/a.mjs, writes: [decision] }\n    - { id: b, kind: tool, impl: tools/b.mjs, writes: [decision] }';
    expect(lines(validate(exp(nodes)).problems)).toEqual([
      'exp/experience.yaml:12:7: nodes "a" and "b" both write set_once field "decision" but neither runs before the other; add an edge to order them',
    ]);
    expect(validate(exp(nodes, '    - { from: a, to: b }')).problems).toEqual([]);
  });

  it('checks that edges name existing nodes, are not duplicated, and form no cycle', () => {
    const nodes = ['a', 'b', 'c'].map((id) => `    - { id: ${id}, kind: tool, impl: tools/a.mjs }`).join('\n');
    const r = validate(exp(nodes, '    - { from: a, to: bb }\n    - { from: a, to: b }\n    - { from: b, to: c }\n    - { from: c, to: a }\n    - { from: a, to: b }'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:15:22: edge a → bb: to names no node: "bb" (did you mean "b"?)',
      'exp/experience.yaml:18:7: cycle: a → b → c → a',
      'exp/experience.yaml:19:7: edge a → b: duplicate edge (also graph.edges[1])',
    ]);
  });

  it('points at the column of a when syntax error, and at undeclared paths in when', () => {
    const nodes = '    - { id: a, kind: tool, impl: tools/a.mjs }\n    - { id: b, kind: tool, impl: tools/a.mjs }';
    const r = validate(exp(nodes, '    - { from: a, to: b, when: "$.flag = true" }\n    - from: b\n      to: a\n      when: $.flag && $.nope > 1'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:14:39: edge a → b: when: unexpected character "=" (use == to compare) (at character 8 of "$.flag = true")',
      'exp/experience.yaml:15:7: cycle: a → b → a',
      'exp/experience.yaml:17:23: edge b → a: when reads "nope", which is not declared in state.schema',
    ]);
  });

  it('checks a gate default against its options', () => {
    const r = validate(exp('    - { id: g, kind: gate, message: Ship?, options: [yes, no], default: maybe }'));
    expect(lines(r.problems)).toEqual(['exp/experience.yaml:11:73: node "g": default "maybe" is not one of options yes, no']);
  });

  it('checks inputs: default and enum against the type', () => {
    const r = validate(exp('    []', '', 'inputs:\n  n: { type: integer, default: x, enum: [1, "two"] }\n  bad-na me: { type: string }\n'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:4:32: input "n": default must be an integer, not "x"',
      'exp/experience.yaml:4:45: input "n": enum value must be an integer, not "two"',
      'exp/experience.yaml:5:3: input "bad-na me": an input name must match ^[A-Za-z_][A-Za-z0-9_-]*$',
    ]);
  });

  it('reports every problem at once, sorted by position', () => {
    const yaml = `name: t
version: 1.0.0
grpah: {}
state:
  schema:
    a: { type: array }
graph:
  nodes:
    - { id: x, kind: tol, impl: tools/a.mjs }
    - { id: y, kind: tool, impl: tools/none.mjs, reads: [b], wirtes: [a] }
    - { id: y, kind: tool, impl: tools/a.mjs }
    - { id: z, kind: tool, impl: tools/a.mjs }
  edges:
    - { from: y, to: w }
    - { from: y, to: z }
    - { from: z, to: y }
`;
    const r = validate(yaml);
    expect(r.experience).toBeUndefined();
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:3:1: unknown top-level key "grpah" (did you mean "graph"?)',
      'exp/experience.yaml:9:22: node "x" has unknown kind "tol" (did you mean "tool"?); kinds are tool, agent, skill, dataset, cli-agent, experience, gate',
      'exp/experience.yaml:10:34: node "y": impl file "tools/none.mjs" not found (paths are relative to exp/)',
      'exp/experience.yaml:10:58: node "y": reads "b", which is not declared in state.schema',
      'exp/experience.yaml:10:62: node "y": unknown key "wirtes" (did you mean "writes"?)',
      'exp/experience.yaml:11:13: duplicate node id "y" (first declared as graph.nodes[1])',
      'exp/experience.yaml:14:22: edge y → w: to names no node: "w"',
      'exp/experience.yaml:16:7: cycle: y → z → y',
    ]);
  });

  it('rejects a file that is not a mapping, and reports missing sections', () => {
    expect(lines(validate('- a\n').problems)).toEqual(['exp/experience.yaml:1:1: an experience must be a mapping with name, version, state and graph, not ["a"]']);
    expect(lines(validate('name: t\n').problems)).toEqual([
      'exp/experience.yaml:1:1: missing required key "version"',
      'exp/experience.yaml:1:1: missing required key "state" (state.schema declares every field nodes read or write)',
      'exp/experience.yaml:1:1: missing required key "graph"',
    ]);
  });

  it('names the on_error policies with did-you-mean, and a node without kind', () => {
    const r = validate(exp('    - { id: a, kind: tool, impl: tools/a.mjs, on_error: { policy: retyr } }\n    - { id: b, impl: tools/a.mjs }'));
    expect(lines(r.problems)).toEqual([
      'exp/experience.yaml:11:67: node "a": on_error.policy must be one of fail_run, skip, retry, not "retyr" (did you mean "retry"?)',
      'exp/experience.yaml:12:7: node "b" has no kind; kinds are tool, agent, skill, dataset, cli-agent, experience, gate',
    ]);
  });

  it('lets $args.x name anything when no inputs are declared (OpenExpertise files)', () => {
    const r = validate(exp('    - { id: a, kind: tool, impl: tools/a.mjs, args: { x: $args.anything } }\n    - { id: b, kind: agent, prompt: "Use {{$args.whatever}}" }'));
    expect(r.problems).toEqual([]);
  });

  it('skips file checks when no files are given (a recorded definition)', () => {
    const parsed = parseExperienceYaml(exp('    - { id: a, kind: agent, prompt: prompts/x.md }'), FILE);
    const r = validateExperience(parsed.value, { file: FILE, dir: DIR, locate: parsed.locate });
    expect(r.problems).toEqual([]);
    expect(r.experience!.graph.nodes[0]).toMatchObject({ prompt_file: 'prompts/x.md' });
  });
});

describe('validateExperience: LLM node outputs and knobs (issue #4)', () => {
  it('refuses an agent without a schema that writes more than one field', () => {
    const r = validate(exp(`    - id: a\n      kind: agent\n      prompt: "Say hi"\n      writes: [licenses, findings]`));
    expect(lines(r.problems)).toEqual([expect.stringMatching(/^exp\/experience\.yaml:\d+:\d+: node "a": an agent without a schema writes its text to at most one state field, not 2$/)]);
  });

  it('refuses a schema property that is not in writes, and a schema that is not an object', () => {
    const props = validate(exp(`    - id: a\n      kind: agent\n      prompt: "Find"\n      writes: [findings]\n      schema: { type: object, properties: { findings: { type: array }, extra: { type: string } } }`));
    expect(lines(props.problems)).toEqual([expect.stringContaining('node "a": schema property "extra" is not in writes [findings]')]);
    const notObject = validate(exp(`    - id: a\n      kind: agent\n      prompt: "Find"\n      writes: [findings]\n      schema: { type: array }`));
    expect(lines(notObject.problems)).toEqual([expect.stringContaining('schema must describe an object')]);
  });

  it('accepts max_retries and request_timeout on agent and skill nodes, normalizing the timeout to ms', () => {
    const r = validate(exp(`    - id: a\n      kind: agent\n      prompt: "Hi"\n      max_retries: 5\n      request_timeout: 30s`));
    expect(r.problems).toEqual([]);
    expect(r.experience!.graph.nodes[0]).toMatchObject({ max_retries: 5, request_timeout: 30_000 });
    const bad = validate(exp(`    - id: a\n      kind: agent\n      prompt: "Hi"\n      request_timeout: soon`));
    expect(lines(bad.problems)[0]).toContain('timeout must be a number of ms or a duration');
  });
});
