// The bad-experience corpus (issue #12 §2): broken YAML of every kind, schema errors, graph errors,
// limits, and paths that are not experiences. Each case is a file (its experience.yaml and the files
// beside it) with the exact exit code of `oe validate` / `oe run` and a fragment of the message.
// Messages name the file as `exp/experience.yaml` (the runner puts the experience in `exp/`).

/** One bad experience. */
export interface ExperienceCase {
  name: string;
  /** The experience.yaml (text or bytes); omitted when `setup` makes the path itself. */
  yaml?: string | Buffer;
  /** More files, relative to the experience directory. */
  files?: Record<string, string>;
  /** The path given to oe, relative to the workspace (default `exp`). */
  path?: string;
  /** Makes something that is not an experience at `exp` (a directory, a pipe). */
  setup?: 'dir-without-yaml' | 'yaml-is-dir' | 'fifo' | 'device';
  /** Exit code: 2 for a validation problem, 1 for no experience there. */
  code: 1 | 2;
  /** Text the message must contain (the formatted problems, or the error). */
  message: string | RegExp;
  /** Also run through bin/oe (`validate` and `run`): cases where the process itself matters. */
  spawn?: true;
}

const F = 'exp/experience.yaml';
/** The top of a valid experience whose state has one field `a`. */
const HEAD = 'name: corpus\nversion: 1.0.0\nstate:\n  schema:\n    a: { type: number }\ngraph:\n  nodes:\n';
/** A valid node line. */
const NODE = '    - { id: a, kind: tool, impl: tools/t.mjs, writes: [a] }\n';
/** A node line with more fields. */
const node = (more: string, id = 'a'): string => `    - { id: ${id}, kind: tool, impl: tools/t.mjs, ${more} }\n`;
/** A valid experience with its nodes replaced. */
const withNodes = (...lines: string[]): string => HEAD + lines.join('');
/** A valid experience plus edges. */
const withEdges = (nodes: string[], edges: string[]): string => HEAD + nodes.join('') + '  edges:\n' + edges.map((e) => `    - ${e}\n`).join('');
const abc = [node('writes: [a]'), node('', 'b'), node('', 'c')];

/** Nine levels of nine aliases: 9^9 nodes once expanded ("billion laughs"). */
function billionLaughs(): string {
  const lines = ['name: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
  for (let i = 1; i <= 8; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => (i === 1 ? '*a' : `*l${i - 1}`)).join(', ')}]`);
  return lines.join('\n') + '\nversion: 1.0.0\n';
}

const yaml: ExperienceCase[] = [
  { name: '#12: an unclosed double quote on line 1 is reported on line 1', yaml: 'name: "corpus\nversion: 1.0.0\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:1:7: YAML: the string opened by this " is never closed`, spawn: true },
  { name: 'an unclosed single quote is reported where it opens', yaml: "name: corpus\nversion: '1.0.0\nstate: { schema: {} }\n", code: 2, message: `${F}:2:10: YAML: the string opened by this ' is never closed` },
  { name: 'an unclosed flow sequence', yaml: HEAD + '    - { id: a, kind: tool, impl: tools/t.mjs, writes: [a }\n', code: 2, message: /exp\/experience\.yaml:8:\d+: YAML: / },
  { name: 'an unclosed flow mapping', yaml: HEAD + '    - { id: a, kind: tool\n', code: 2, message: /exp\/experience\.yaml:\d+:\d+: YAML: .*Flow map/ },
  { name: 'a tab used as indentation', yaml: 'name: corpus\nversion: 1.0.0\nstate:\n\tschema: {}\n', code: 2, message: `${F}:4:1: YAML: Tabs are not allowed as indentation` },
  { name: 'a key indented less than its siblings', yaml: 'name: corpus\nstate:\n    schema: {}\n  x: 1\n', code: 2, message: /exp\/experience\.yaml:4:\d+: YAML: / },
  { name: 'a duplicate top-level key', yaml: 'name: corpus\nname: again\nversion: 1.0.0\n', code: 2, message: `${F}:2:1: YAML: Map keys must be unique` },
  { name: 'a duplicate key inside a node', yaml: withNodes('    - { id: a, id: b, kind: tool, impl: tools/t.mjs }\n'), code: 2, message: `${F}:8:16: YAML: Map keys must be unique` },
  { name: '#12: an alias to nothing is a problem at the alias, not an internal error', yaml: 'name: *nothing\nversion: 1.0.0\n', code: 2, message: `${F}:1:7: YAML: alias *nothing names no anchor`, spawn: true },
  { name: 'an alias used before its anchor', yaml: 'name: *later\nversion: &later 1.0.0\n', code: 2, message: `${F}:1:7: YAML: alias *later names no anchor (&later must be defined before it)` },
  { name: '#12: a billion-laughs alias bomb is refused at the alias that passes the limit', yaml: billionLaughs(), code: 2, message: /exp\/experience\.yaml:5:\d+: YAML: aliases expand to more than 10000 nodes/, spawn: true },
  { name: 'an alias inside the value it names (a cycle)', yaml: 'name: corpus\nversion: 1.0.0\nx: &loop [1, *loop]\n', code: 2, message: `${F}:3:14: YAML: alias *loop is inside the value it names (a cycle)` },
  { name: 'a wide alias fan (2,000 copies of a 10-node anchor)', yaml: `name: corpus\nbase: &b [1, 2, 3, 4, 5, 6, 7, 8, 9]\ncopies: [${Array.from({ length: 2000 }, () => '*b').join(', ')}]\n`, code: 2, message: /exp\/experience\.yaml:3:\d+: YAML: aliases expand to more than 10000 nodes/ },
  { name: '#12: 1 MB of [ is refused at once, not in 7.8 s and 1 GB', yaml: `name: ${'['.repeat(1_000_000)}`, code: 2, message: /exp\/experience\.yaml:1:\d+: YAML: collections nest more than 100 levels deep/, spawn: true },
  { name: '1 MB of { is refused at once', yaml: `name: ${'{a: '.repeat(250_000)}`, code: 2, message: /exp\/experience\.yaml:1:\d+: YAML: collections nest more than 100 levels deep/ },
  { name: 'block mappings nested 150 deep', yaml: Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n', code: 2, message: /exp\/experience\.yaml:10[1-3]:\d+: YAML: collections nest more than 100 levels deep/ },
  { name: 'compact sequences nested 150 deep on one line', yaml: `name: x\nv:\n  ${'- '.repeat(150)}x\n`, code: 2, message: /exp\/experience\.yaml:3:\d+: YAML: collections nest more than 100 levels deep/ },
  { name: '#12: a 20 MB file is refused by its size, before it is read', yaml: `name: corpus\ndescription: "${'x'.repeat(20 * 1024 * 1024)}"\n`, code: 2, message: `${F}: the file is 20.0 MiB; an experience.yaml may be at most 16 MiB`, spawn: true },
  { name: 'a file one byte over 16 MiB', yaml: `name: corpus\n# ${'p'.repeat(16 * 1024 * 1024 - 15)}\n`, code: 2, message: 'an experience.yaml may be at most 16 MiB' },
  { name: '#12: a NUL character in a value (escaped) is refused', yaml: 'name: "ba\\u0000se"\nversion: 1.0.0\n', code: 2, message: `${F}:1:7: YAML: a string holds a NUL character (U+0000)`, spawn: true },
  { name: 'a NUL escape \\0 in a node id', yaml: withNodes('    - { id: "a\\0", kind: tool, impl: tools/t.mjs }\n'), code: 2, message: `${F}:8:13: YAML: a string holds a NUL character` },
  { name: 'a raw NUL byte in a plain value', yaml: 'name: ba\u0000se\nversion: 1.0.0\n', code: 2, message: `${F}:1:7: YAML: a string holds a NUL character` },
  { name: 'a raw NUL byte in a comment', yaml: 'name: corpus # \u0000\nversion: 1.0.0\n', code: 2, message: `${F}:1:16: YAML: a NUL character (U+0000) in the file` },
  { name: 'a byte that is not UTF-8', yaml: Buffer.concat([Buffer.from('name: corpus\nversion: 1.0.0\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]), code: 2, message: `${F}:3:17: not UTF-8 text (byte 0xe9); save the file as UTF-8` },
  { name: 'a UTF-16 file', yaml: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name: corpus\n', 'utf16le')]), code: 2, message: `${F}:1:1: the file is UTF-16; save it as UTF-8` },
  { name: 'two documents in one file', yaml: 'name: corpus\n---\nname: other\n', code: 2, message: `${F}:2:1: YAML: a second document (---) in the file` },
  { name: 'an empty file', yaml: '', code: 2, message: `${F}:1:1: an experience must be a mapping with name, version, state and graph, not null` },
  { name: 'a file of comments only', yaml: '# nothing here\n# at all\n', code: 2, message: `${F}:1:1: an experience must be a mapping with name, version, state and graph, not null` },
  { name: 'a scalar at the top level', yaml: 'hello\n', code: 2, message: `${F}:1:1: an experience must be a mapping with name, version, state and graph, not "hello"` },
  { name: 'a sequence at the top level', yaml: '- name: corpus\n', code: 2, message: `${F}:1:1: an experience must be a mapping with name, version, state and graph, not [{"name":"corpus"}]` },
  { name: 'a nested mapping on one line (a: b: c)', yaml: 'name: corpus\nversion: a: b\n', code: 2, message: `${F}:2:10: YAML: Nested mappings are not allowed in compact mappings` },
  { name: 'a stray closing bracket', yaml: 'name: corpus\ngraph: { nodes: [] }]\n', code: 2, message: /exp\/experience\.yaml:2:\d+: YAML: / },
  { name: 'an unknown tag', yaml: 'name: !secret corpus\nversion: 1.0.0\n', code: 2, message: `${F}:1:7: YAML: Unresolved tag: !secret` },
  { name: 'a YAML 2.0 directive', yaml: '%YAML 2.0\n---\nname: corpus\n', code: 2, message: `${F}:1:7: YAML: Unsupported YAML version 2.0` },
  { name: 'a mapping used as a key', yaml: 'name: corpus\n? { a: 1 }\n: value\n', code: 2, message: `${F}:2:3: YAML: a mapping key must be a string, not a mapping` },
  { name: 'a sequence used as a key', yaml: 'name: corpus\n[a, b]: value\n', code: 2, message: `${F}:2:1: YAML: a mapping key must be a string, not a sequence` },
  { name: 'a block scalar header with junk', yaml: 'name: corpus\ndescription: |0\n  text\n', code: 2, message: `${F}:2:15: YAML: Block scalar header includes extra characters` },
  { name: 'a key without a value at the end', yaml: 'name: corpus\nversion\n', code: 2, message: /exp\/experience\.yaml:2:\d+: YAML: / },
  { name: 'a sequence item where a mapping goes on', yaml: 'name: corpus\n- x\n', code: 2, message: /exp\/experience\.yaml:2:1: YAML: / },
  { name: 'an invalid escape in a double-quoted string', yaml: 'name: "cor\\qpus"\n', code: 2, message: /exp\/experience\.yaml:1:\d+: YAML: Invalid escape sequence/ },
  { name: 'a document end marker followed by content', yaml: 'name: corpus\n...\nversion: 1.0.0\n', code: 2, message: /exp\/experience\.yaml:3:\d+: YAML: / },
  { name: 'a merge key (YAML 1.1) is an unknown key, not a merge', yaml: withNodes('    - &t { id: a, kind: tool, impl: tools/t.mjs }\n    - { <<: *t, id: b }\n'), code: 2, message: `${F}:9:7: node "b" has no kind` },
];

const schema: ExperienceCase[] = [
  { name: 'no name', yaml: 'version: 1.0.0\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:1:1: missing required key "name"` },
  { name: 'an empty name', yaml: 'name: ""\nversion: 1.0.0\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:1:7: name must not be empty` },
  { name: 'a name that is a number', yaml: 'name: 42\nversion: 1.0.0\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:1:7: name must be a string, not 42` },
  { name: 'no version', yaml: 'name: corpus\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:1:1: missing required key "version"` },
  { name: 'a version that is not semver', yaml: 'name: corpus\nversion: "1.0"\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:2:10: version must be semver MAJOR.MINOR.PATCH, e.g. 1.0.0, not "1.0"` },
  { name: 'a version that is a YAML number', yaml: 'name: corpus\nversion: 1.0\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:2:10: version must be a semver string MAJOR.MINOR.PATCH such as "1.0.0" (quote it in YAML), not 1` },
  { name: 'an unknown top-level key with a did-you-mean', yaml: HEAD.replace('name:', 'nmae: x\nname:') + NODE, code: 2, message: `${F}:1:1: unknown top-level key "nmae" (did you mean "name"?)` },
  { name: 'a state field of an unknown type', yaml: HEAD.replace('{ type: number }', '{ type: strnig }') + NODE, code: 2, message: `${F}:5:16: state field "a": type must be one of string, number, integer, boolean, array, object, null, any, not "strnig" (did you mean "string"?)` },
  { name: 'a state field with an unknown merge', yaml: HEAD.replace('{ type: number }', '{ type: number, merge: sum }') + NODE, code: 2, message: `${F}:5:31: state field "a": merge must be one of last_wins, set_once, array_append, not "sum"` },
  { name: 'graph.nodes that is not a list', yaml: 'name: corpus\nversion: 1.0.0\nstate: { schema: {} }\ngraph: { nodes: 7 }\n', code: 2, message: `${F}:4:17: graph.nodes must be a list, not 7` },
  { name: 'a node that is not a mapping', yaml: withNodes('    - just-a-string\n'), code: 2, message: `${F}:8:7: graph.nodes[0] must be a mapping with id and kind, not "just-a-string"` },
  { name: 'a node without an id', yaml: withNodes('    - { kind: tool, impl: tools/t.mjs }\n'), code: 2, message: `${F}:8:7: graph.nodes[0]: missing required key "id"` },
  { name: 'a node id with a dash', yaml: withNodes('    - { id: a-b, kind: tool, impl: tools/t.mjs }\n'), code: 2, message: `${F}:8:13: node "a-b": id must match ^[A-Za-z_][A-Za-z0-9_]*$, not "a-b"` },
  { name: 'a node id starting with a digit', yaml: withNodes('    - { id: 1a, kind: tool, impl: tools/t.mjs }\n'), code: 2, message: `${F}:8:13: node "1a": id must match` },
  { name: 'a duplicate node id', yaml: withNodes(NODE, NODE), code: 2, message: `${F}:9:13: duplicate node id "a" (first declared as graph.nodes[0])` },
  { name: 'an unknown kind with a did-you-mean', yaml: withNodes('    - { id: a, kind: toool, impl: tools/t.mjs }\n'), code: 2, message: `${F}:8:22: node "a" has unknown kind "toool" (did you mean "tool"?)` },
  { name: 'a node without a kind', yaml: withNodes('    - { id: a, impl: tools/t.mjs }\n'), code: 2, message: `${F}:8:7: node "a" has no kind; kinds are tool, agent, skill, dataset, cli-agent, experience, gate` },
  { name: 'a tool without impl', yaml: withNodes('    - { id: a, kind: tool }\n'), code: 2, message: `${F}:8:7: node "a": missing required key "impl"` },
  { name: 'a tool whose impl does not exist', yaml: withNodes('    - { id: a, kind: tool, impl: tools/missing.mjs }\n'), code: 2, message: '"tools/missing.mjs" not found', spawn: true },
  { name: 'a tool whose impl is not a JS module', yaml: withNodes('    - { id: a, kind: tool, impl: tools/t.py }\n'), files: { 'tools/t.py': 'print(1)\n' }, code: 2, message: `${F}:8:34: node "a": impl must be a JS module (.mjs, .js or .cjs), not "tools/t.py"` },
  { name: 'a tool whose impl is a directory', yaml: withNodes('    - { id: a, kind: tool, impl: tools }\n'), code: 2, message: `${F}:8:34: node "a": impl must be a JS module (.mjs, .js or .cjs), not "tools"` },
  { name: 'an agent without a prompt', yaml: withNodes('    - { id: a, kind: agent }\n'), code: 2, message: `${F}:8:7: node "a": missing required key "prompt"` },
  { name: 'an agent whose prompt file does not exist', yaml: withNodes('    - { id: a, kind: agent, prompt: prompts/missing.md }\n'), code: 2, message: `${F}:8:37: node "a": prompt file "prompts/missing.md" not found (paths are relative to exp/)` },
  { name: 'an inline prompt with a malformed placeholder', yaml: withNodes('    - { id: a, kind: agent, prompt: "review {{a b}} now" }\n'), code: 2, message: `${F}:8:45: node "a": prompt: bad placeholder {{a b}}` },
  { name: 'an inline prompt with an unclosed placeholder', yaml: withNodes('    - { id: a, kind: agent, prompt: "review {{a now" }\n'), code: 2, message: `${F}:8:45: node "a": prompt: "{{" without a closing "}}"` },
  { name: 'a dataset without a source', yaml: withNodes('    - { id: a, kind: dataset, writes: [a] }\n'), code: 2, message: `${F}:8:7: node "a": missing required key "source"` },
  { name: 'a dataset of an unknown format', yaml: withNodes('    - { id: a, kind: dataset, writes: [a], source: { type: file, uri: d.xml, format: xml } }\n'), files: { 'd.xml': '<a/>' }, code: 2, message: `${F}:8:86: node "a": source.format must be one of json, jsonl, csv, not "xml"` },
  { name: 'a dataset whose file does not exist', yaml: withNodes('    - { id: a, kind: dataset, writes: [a], source: { type: file, uri: missing.csv, format: csv } }\n'), code: 2, message: `${F}:8:71: node "a": dataset file "missing.csv" not found` },
  { name: 'a cli-agent with an unknown provider', yaml: withNodes('    - { id: a, kind: cli-agent, provider: hal9000, prompt: "hi" }\n'), code: 2, message: `${F}:8:43: node "a": provider must be one of claude-code, codex, gemini, not "hal9000"` },
  { name: 'an unknown node key with a did-you-mean', yaml: withNodes(node('wrtes: [a]')), code: 2, message: `${F}:8:47: node "a": unknown key "wrtes" (did you mean "writes"?)` },
  { name: 'reads of an undeclared field', yaml: withNodes(node('reads: [zz]')), code: 2, message: 'reads "zz", which is not declared in state.schema' },
  { name: 'writes of an undeclared field', yaml: withNodes(node('writes: [zz]')), code: 2, message: 'writes "zz", which is not declared in state.schema' },
  { name: 'reads that is not a list', yaml: withNodes(node('reads: a')), code: 2, message: `${F}:8:54: node "a": reads must be a list, not "a"` },
  { name: 'an unknown on_error policy', yaml: withNodes(node('on_error: { policy: pray }')), code: 2, message: `${F}:8:67: node "a": on_error.policy must be one of fail_run, skip, retry, not "pray"` },
  { name: 'retry attempts of 0', yaml: withNodes(node('on_error: { policy: retry, attempts: 0 }')), code: 2, message: `${F}:8:84: node "a": on_error.attempts must be at least 1, not 0` },
  { name: 'retry attempts of 21', yaml: withNodes(node('on_error: { policy: retry, attempts: 21 }')), code: 2, message: `${F}:8:84: node "a": on_error.attempts must be at most 20, not 21` },
  { name: 'an unknown backoff', yaml: withNodes(node('on_error: { policy: retry, attempts: 3, backoff: random }')), code: 2, message: `${F}:8:96: node "a": on_error.backoff must be one of linear, exponential, not "random"` },
  { name: 'a negative base_ms', yaml: withNodes(node('on_error: { policy: retry, attempts: 3, base_ms: -5 }')), code: 2, message: `${F}:8:96: node "a": on_error.base_ms must be at least 0, not -5` },
  { name: 'a timeout in parsecs', yaml: withNodes(node('timeout: 5 parsecs')), code: 2, message: `${F}:8:56: node "a": timeout must be a number of ms or a duration such as "500ms", "30s", "5m", not "5 parsecs"` },
  { name: 'a negative timeout', yaml: withNodes(node('timeout: -1')), code: 2, message: `${F}:8:56: node "a": timeout must be at least 1, not -1` },
  { name: 'a for_each source that is not a state path', yaml: withNodes(node('for_each: { source: items }')), code: 2, message: `${F}:8:67: node "a": for_each.source must be a state path such as $.items, not "items"` },
  { name: 'a for_each concurrency of 0', yaml: withNodes(node('for_each: { source: $.a, concurrency: 0 }')), code: 2, message: `${F}:8:85: node "a": for_each.concurrency must be at least 1, not 0` },
  { name: 'cache that is not a boolean', yaml: withNodes(node('cache: "yes"')), code: 2, message: `${F}:8:54: node "a": cache must be true or false, not "yes"` },
  { name: 'args that are a list', yaml: withNodes(node('args: [1, 2]')), code: 2, message: `${F}:8:53: node "a": args must be a mapping, not [1,2]` },
  { name: 'an arg with a malformed state path', yaml: withNodes(node('args: { x: "$.a..b" }')), code: 2, message: `${F}:8:58: node "a": args.x is not a valid reference: "$.a..b"` },
  { name: 'an arg naming an undeclared input', yaml: 'name: corpus\nversion: 1.0.0\ninputs:\n  repo: { type: string }\nstate: { schema: {} }\ngraph:\n  nodes:\n    - { id: a, kind: tool, impl: tools/t.mjs, args: { x: $args.rpeo } }\n', code: 2, message: `${F}:8:58: node "a": args.x names input "rpeo", which is not declared in inputs (did you mean "repo"?)` },
  { name: 'a runtime concurrency of 0', yaml: withNodes(NODE) + 'runtime: { concurrency: 0 }\n', code: 2, message: `${F}:9:25: runtime: concurrency must be at least 1, not 0` },
  { name: 'an unknown runtime key', yaml: withNodes(NODE) + 'runtime: { concurency: 2 }\n', code: 2, message: `${F}:9:12: runtime: unknown key "concurency" (did you mean "concurrency"?)` },
  { name: 'an input of an unknown type', yaml: 'name: corpus\nversion: 1.0.0\ninputs:\n  repo: { type: path }\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:4:17: input "repo": type must be one of string, number, integer, boolean, array, object, null, any, not "path"` },
  { name: 'an input whose default has the wrong type', yaml: 'name: corpus\nversion: 1.0.0\ninputs:\n  strict: { type: boolean, default: "yes" }\nstate: { schema: {} }\ngraph: { nodes: [] }\n', code: 2, message: `${F}:4:37: input "strict": default must be a boolean, not "yes"` },
  { name: 'two set_once writers that are not ordered', yaml: HEAD.replace('{ type: number }', '{ type: number, merge: set_once }') + node('writes: [a]') + node('writes: [a]', 'b'), code: 2, message: `${F}:9:7: nodes "a" and "b" both write set_once field "a" but neither runs before the other` },
  { name: 'a gate without a message', yaml: withNodes('    - { id: a, kind: gate }\n'), code: 2, message: `${F}:8:7: node "a": missing required key "message"` },
];

const graph: ExperienceCase[] = [
  { name: 'an edge from a missing node', yaml: withEdges([NODE], ['{ from: ghost, to: a }']), code: 2, message: `${F}:10:15: edge ghost → a: from names no node: "ghost"` },
  { name: 'an edge to a missing node', yaml: withEdges([NODE], ['{ from: a, to: nowhere }']), code: 2, message: `${F}:10:22: edge a → nowhere: to names no node: "nowhere"` },
  { name: 'an edge from a node to itself', yaml: withEdges([NODE], ['{ from: a, to: a }']), code: 2, message: `${F}:10:7: cycle: a → a` },
  { name: 'a cycle of two', yaml: withEdges(abc, ['{ from: a, to: b }', '{ from: b, to: a }']), code: 2, message: /cycle: (a → b → a|b → a → b)/ },
  { name: 'a cycle of three, named in order', yaml: withEdges(abc, ['{ from: a, to: b }', '{ from: b, to: c }', '{ from: c, to: a }']), code: 2, message: /cycle: a → b → c → a/ },
  { name: 'an edge that is not a mapping', yaml: withEdges([NODE], ['a -> b']), code: 2, message: `${F}:10:7: graph.edges[0]: value must be a mapping, not "a -> b"` },
  { name: 'an edge without to', yaml: withEdges([NODE], ['{ from: a }']), code: 2, message: `${F}:10:7: graph.edges[0]: missing required key "to"` },
  { name: 'an edge with an unknown key', yaml: withEdges(abc, ['{ from: a, to: b, wehn: "$.a" }']), code: 2, message: `${F}:12:25: graph.edges[0]: unknown key "wehn" (did you mean "when"?)` },
  { name: 'a when that ends early', yaml: withEdges(abc, ['{ from: a, to: b, when: "length($.a) >" }']), code: 2, message: `${F}:12:45: edge a → b: when: unexpected end of expression (at character 14 of "length($.a) >")` },
  { name: 'a when calling an unknown function', yaml: withEdges(abc, ['{ from: a, to: b, when: "len($.a) > 0" }']), code: 2, message: `${F}:12:32: edge a → b: when: unknown name "len"` },
  { name: 'a when with = instead of ==', yaml: withEdges(abc, ['{ from: a, to: b, when: "$.a = 1" }']), code: 2, message: `${F}:12:36: edge a → b: when: unexpected character "=" (use == to compare)` },
  { name: 'a when with an unterminated string', yaml: withEdges(abc, [`{ from: a, to: b, when: "$.a == 'x" }`]), code: 2, message: `${F}:12:39: edge a → b: when: unterminated string` },
  { name: 'a 100 kB unknown key is quoted short', yaml: HEAD + NODE + `? ${'k'.repeat(100_000)}\n: 1\n`, code: 2, message: /:9:3: unknown top-level key "k{60}…" \(100000 characters\); allowed keys/ },
  { name: 'a when with trailing text', yaml: withEdges(abc, ['{ from: a, to: b, when: "$.a 1" }']), code: 2, message: 'expected an operator or the end' },
  { name: 'a when reading an undeclared field', yaml: withEdges(abc, ['{ from: a, to: b, when: "$.zz > 0" }']), code: 2, message: `${F}:12:32: edge a → b: when reads "zz", which is not declared in state.schema` },
  { name: '#12: a when nested 100,000 deep is a problem, not a stack overflow', yaml: withEdges(abc, [`{ from: a, to: b, when: "${'('.repeat(100_000)}$.a${')'.repeat(100_000)}" }`]), code: 2, message: /when: the expression nests more than 100 levels deep \(at character 101 of "\({80}…" \(200003 characters\)\)/, spawn: true },
  { name: 'a when of 100,000 !', yaml: withEdges(abc, [`{ from: a, to: b, when: "${'!'.repeat(100_000)}$.a" }`]), code: 2, message: 'the expression nests more than 100 levels deep' },
];

const notFound: ExperienceCase[] = [
  { name: 'a path that does not exist', path: 'elsewhere', code: 1, message: 'no experience at elsewhere: no such file or directory', spawn: true },
  { name: 'a directory without experience.yaml', setup: 'dir-without-yaml', code: 1, message: 'no experience at exp: the directory has no experience.yaml' },
  { name: 'an experience.yaml that is a directory', setup: 'yaml-is-dir', code: 1, message: 'no experience at exp: its experience.yaml is a directory' },
  { name: 'a named pipe (reading it would hang)', setup: 'fifo', code: 1, message: 'no experience at exp: is not a regular file', spawn: true },
  { name: 'a device such as /dev/zero (reading it never ends)', setup: 'device', code: 1, message: 'is not a regular file' },
  { name: 'a path through a file', path: 'exp/experience.yaml/deeper', yaml: 'name: corpus\n', code: 1, message: 'no such file or directory' },
];

/** Every experience case. */
export const EXPERIENCE_CASES: ExperienceCase[] = [...yaml, ...schema, ...graph, ...notFound];
