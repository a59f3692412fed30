// One node of an experience: its shape for its kind, defaults, the files it names, its state fields,
// arg references and prompt placeholders (SPEC §2.1, §2.2, §2.4). Pure: files are reached only through
// the injected `files`.
import { join, resolve } from 'node:path';
import type { Json } from '../util/canonical-json.js';
import { asNodeId } from '../util/ids.js';
import { fileGlobs, globSyntaxError } from './declared-inputs.js';
import { parseDuration } from './duration.js';
import { isMapping, issueFindings, show, type YamlPath } from './issues.js';
import { looksLikeRef, parseArgRef, parseStatePath } from './path.js';
import { NODE_KINDS, NODE_SCHEMAS } from './yaml-schema.js';
import { didYouMean } from './suggest.js';
import { TemplateError, templatePlaceholders } from './template.js';
import { unresolvedRefs } from './schema-refs.js';
import { schemaShapeProblems } from './schema-shape.js';
import type { InputDecl, NodeDef, NodeKind, StateField } from './types.js';

/** Where problems go: `at` a YAML path of the experience file, or `inFile` at an offset of another text file. */
export interface Sink {
  at(path: YamlPath, message: string, opts?: { key?: boolean; offset?: number }): void;
  inFile(file: string, text: string, offset: number, message: string): void;
}

/** Read access to the experience's files; absent when file checks are off (a definition from a log). */
export interface Files {
  /** True when the absolute path exists (file or directory). */
  exists(absPath: string): boolean;
  /** The text of a regular file, or undefined when the path is not a readable file. */
  readText(absPath: string): string | undefined;
  /** The files a `files:` glob matches under the absolute directory `dir` (declared-inputs.ts rules); absent skips that check. */
  glob?(dir: string, glob: string): string[];
}

/** What a node's checks need to know about the rest of the experience. */
export interface NodeScope {
  /** The experience file as the user named it (for messages) and the absolute experience directory. */
  file: string;
  dir: string;
  files?: Files;
  state: Record<string, StateField>;
  /** Declared inputs; when empty, `$args.x` may name anything (OpenExpertise files). */
  inputs: Record<string, InputDecl>;
  /** The ids of the top-level `phases`, when the file declares them: a node's `phase` must be one. */
  phases?: string[];
  /** Nodes that are pipeline stages: they get `$item`/`$index` as for_each nodes do. */
  pipelineStages?: ReadonlySet<string>;
}

const TOOL_EXT_RE = /\.(mjs|js|cjs)$/;
const PROMPT_PATH_EXT_RE = /\.(md|txt|prompt)$/i;

/**
 * SPEC §2.1: an agent's `prompt` is "a file path or inline text". It is a path when it has no
 * whitespace and no `{{`, and ends with .md/.txt/.prompt or contains a `/`; anything else is inline.
 */
export function promptIsPath(prompt: string): boolean {
  return !/\s/.test(prompt) && !prompt.includes('{{') && (PROMPT_PATH_EXT_RE.test(prompt) || prompt.includes('/'));
}

/** `node "x"` (or `graph.nodes[3]` when the id is unusable), the subject of a node's messages. */
export function nodeLabel(raw: unknown, index: number): string {
  const id = isMapping(raw) ? raw.id : undefined;
  return typeof id === 'string' && id !== '' ? `node ${JSON.stringify(id)}` : `graph.nodes[${index}]`;
}

/**
 * Checks the shape of one node for its kind and applies the defaults of SPEC §2.2 (`on_error`
 * `{policy: fail_run}`, `timeout` to ms, agent `prompt_file`). A node whose faults are all in optional
 * keys is salvaged without those keys (`ok` false), so the later rules can report its other problems too.
 * @returns the normalized node and whether it was well-formed, or undefined when nothing could be
 *   salvaged (problems were reported either way).
 */
export function parseNode(raw: unknown, index: number, scope: NodeScope, sink: Sink): { node: NodeDef; ok: boolean } | undefined {
  const base: YamlPath = ['graph', 'nodes', index];
  const label = nodeLabel(raw, index);
  if (!isMapping(raw)) {
    sink.at(base, `${label} must be a mapping with id and kind, not ${show(raw)}`);
    return undefined;
  }
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(NODE_KINDS as readonly string[]).includes(kind)) {
    const where = kind === undefined ? base : [...base, 'kind'];
    const what = kind === undefined ? 'has no kind' : `has unknown kind ${show(kind)}${typeof kind === 'string' ? didYouMean(kind, NODE_KINDS) : ''}`;
    sink.at(where, `${label} ${what}; kinds are ${NODE_KINDS.join(', ')}`);
    return undefined;
  }
  const schema = NODE_SCHEMAS[kind as NodeKind];
  let result = schema.safeParse(raw);
  let ok = true;
  if (!result.success) {
    ok = false;
    for (const f of issueFindings(result.error.issues, { schema, value: raw, base, label })) sink.at(f.path, f.message, { key: f.key });
    const bad = new Set(result.error.issues.flatMap((i) => (i.path.length === 0 ? (i.code === 'unrecognized_keys' ? i.keys : ['']) : [String(i.path[0])])));
    result = schema.safeParse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
    if (!result.success) return undefined;
  }
  const { on_error, timeout, request_timeout, ...rest } = result.data as typeof result.data & { timeout?: number | string; request_timeout?: number | string; prompt_file?: string };
  delete (rest as { prompt_file?: string }).prompt_file;
  const node = { ...rest, id: asNodeId(rest.id), on_error: on_error ?? { policy: 'fail_run' } } as NodeDef;
  if (node.kind === 'skill' && 'inputs' in node) ok = mergeSkillInputs(node, base, label, sink) && ok;
  if (timeout !== undefined) {
    const ms = parseDuration(timeout);
    if (ms === null || ms < 1) {
      sink.at([...base, 'timeout'], `${label}: timeout must be at least 1 ms, not ${show(timeout)}`);
      ok = false;
    } else node.timeout = ms;
  }
  if (request_timeout !== undefined) {
    const ms = parseDuration(request_timeout);
    if (ms === null || ms < 1) {
      sink.at([...base, 'request_timeout'], `${label}: request_timeout must be at least 1 ms, not ${show(request_timeout)}`);
      ok = false;
    } else (node as NodeDef & { request_timeout?: number }).request_timeout = ms;
  }
  const declared = checkDeclaredFiles(node, base, label, scope, sink);
  return { node, ok: checkFiles(node, index, scope, sink) && declared && ok };
}

/**
 * Issue #9 §2: each `files:` glob is valid glob syntax and, when files can be read, matches at least
 * one file unless it is marked optional. False on a problem.
 */
function checkDeclaredFiles(node: NodeDef, base: YamlPath, label: string, scope: NodeScope, sink: Sink): boolean {
  let ok = true;
  fileGlobs(node).forEach((g, i) => {
    const at: YamlPath = [...base, 'files', i, ...(typeof node.files![i] === 'string' ? [] : ['glob'])];
    const bad = globSyntaxError(g.glob);
    if (bad !== undefined) {
      sink.at(at, `${label}: files[${i}]: ${bad}`);
      ok = false;
      return;
    }
    if (g.optional || !scope.files?.glob) return;
    if (scope.files.glob(scope.dir, g.glob).length === 0) {
      const dirLabel = scope.file.includes('/') ? scope.file.slice(0, scope.file.lastIndexOf('/')) : '.';
      sink.at(at, `${label}: files[${i}] ${JSON.stringify(g.glob)} matches no file (globs are relative to ${dirLabel}/); if that is expected, write { glob: ${JSON.stringify(g.glob)}, optional: true }`);
      ok = false;
    }
  });
  return ok;
}

/** OpenExpertise's skill `inputs` become `args` (an input and an arg of one name is a problem). False on a problem. */
function mergeSkillInputs(node: NodeDef & { kind: 'skill' }, base: YamlPath, label: string, sink: Sink): boolean {
  const inputs = (node as { inputs?: Record<string, Json> }).inputs ?? {};
  delete (node as { inputs?: unknown }).inputs;
  let ok = true;
  for (const [k, v] of Object.entries(inputs)) {
    if (Object.hasOwn(node.args, k)) {
      sink.at([...base, 'inputs', k], `${label}: inputs.${k} is also in args; a skill's inputs are its args, so give it once`);
      ok = false;
    } else node.args[k] = v;
  }
  return ok;
}

/** impl / prompt / dataset files exist relative to the experience dir; sets an agent's `prompt_file`. False on a problem. */
function checkFiles(node: NodeDef, index: number, scope: NodeScope, sink: Sink): boolean {
  const base: YamlPath = ['graph', 'nodes', index];
  const label = `node ${JSON.stringify(node.id)}`;
  const dirLabel = scope.file.includes('/') ? scope.file.slice(0, scope.file.lastIndexOf('/')) : '.';
  const missing = (key: YamlPath, what: string, rel: string): false => {
    sink.at([...base, ...key], `${label}: ${what} ${JSON.stringify(rel)} not found (paths are relative to ${dirLabel}/)`);
    return false;
  };
  const exists = (rel: string): boolean => scope.files?.exists(resolve(scope.dir, rel)) ?? true;
  switch (node.kind) {
    case 'tool':
      if (!TOOL_EXT_RE.test(node.impl)) {
        sink.at([...base, 'impl'], `${label}: impl must be a JS module (.mjs, .js or .cjs), not ${show(node.impl)}`);
        return false;
      }
      return exists(node.impl) || missing(['impl'], 'impl file', node.impl);
    case 'skill':
      if (!/\.md$/i.test(node.impl)) {
        sink.at([...base, 'impl'], `${label}: impl must be a SKILL.md file, not ${show(node.impl)}`);
        return false;
      }
      return exists(node.impl) || missing(['impl'], 'SKILL.md', node.impl);
    case 'experience': {
      const target = /\.ya?ml$/.test(node.impl) ? node.impl : join(node.impl, 'experience.yaml');
      return exists(target) || missing(['impl'], 'child experience', target);
    }
    case 'dataset':
      return exists(node.source.uri) || missing(['source', 'uri'], 'dataset file', node.source.uri);
    case 'cli-agent':
    case 'agent':
      // A cli-agent's prompt is a file or inline text, as an agent's; its workdir must exist.
      if (node.kind === 'cli-agent' && node.workdir !== undefined && !exists(node.workdir)) return missing(['workdir'], 'workdir', node.workdir);
      if (!promptIsPath(node.prompt)) return true;
      if (!exists(node.prompt)) return missing(['prompt'], 'prompt file', node.prompt);
      node.prompt_file = node.prompt;
      return true;
    case 'gate':
      return true;
  }
}

/**
 * The per-node rules that need the state schema and inputs: `reads`/`writes` declared, a dataset's
 * single `writes`, `$.path` / `$args.x` args, `for_each.source`, prompt placeholders, a gate's default.
 */
export function checkNodeRefs(node: NodeDef, index: number, scope: NodeScope, sink: Sink): void {
  const base: YamlPath = ['graph', 'nodes', index];
  const label = `node ${JSON.stringify(node.id)}`;
  const fields = Object.keys(scope.state);
  const inputs = Object.keys(scope.inputs);
  for (const key of ['reads', 'writes'] as const) {
    node[key].forEach((f, j) => {
      if (!Object.hasOwn(scope.state, f)) sink.at([...base, key, j], `${label}: ${key} ${JSON.stringify(f)}, which is not declared in state.schema${didYouMean(f, fields)}`);
    });
  }
  if (node.kind === 'dataset' && node.writes.length !== 1) {
    sink.at([...base, 'writes'], `${label}: a dataset node writes exactly one state field, not ${node.writes.length}`);
  }
  for (const [k, v] of Object.entries(node.args)) checkArgRef(v, [...base, 'args', k], `${label}: args.${k}`, fields, inputs, sink);
  if (node.for_each) {
    const path = parseStatePath(node.for_each.source);
    const at: YamlPath = [...base, 'for_each', 'source'];
    if (path === null) sink.at(at, `${label}: for_each.source must be a state path such as $.items, not ${show(node.for_each.source)}`);
    else if (!Object.hasOwn(scope.state, path[0]!)) sink.at(at, `${label}: for_each.source reads ${JSON.stringify(path[0])}, which is not declared in state.schema${didYouMean(path[0]!, fields)}`);
  }
  if (node.phase !== undefined && scope.phases && !scope.phases.includes(node.phase)) {
    sink.at([...base, 'phase'], `${label}: phase ${JSON.stringify(node.phase)} is not declared in phases (${scope.phases.join(', ') || 'none'})${didYouMean(node.phase, scope.phases)}`);
  }
  if (node.kind === 'agent' || node.kind === 'cli-agent') checkPrompt(node, index, scope, sink);
  if (node.kind === 'agent') checkAgentOutput(node, base, label, sink);
  if (node.kind === 'cli-agent') checkCliAgentOutput(node, base, label, sink);
  if (node.kind === 'skill' && node.schema) checkDeltaSchema(node.schema, node.writes, base, label, sink);
  if (node.kind === 'gate' && node.default !== undefined && node.options && !node.options.includes(node.default)) {
    sink.at([...base, 'default'], `${label}: default ${show(node.default)} is not one of options ${node.options.join(', ')}`);
  }
}

/**
 * An arg value, and every string nested in it (the engine resolves refs element by element):
 * `$.a.b` must start with a state field; `$args.x` must name a declared input; any other string
 * starting with `$.` or `$args` is a malformed reference.
 */
function checkArgRef(v: Json, at: YamlPath, label: string, fields: string[], inputs: string[], sink: Sink): void {
  if (Array.isArray(v)) return v.forEach((x, i) => checkArgRef(x, [...at, i], `${label}[${i}]`, fields, inputs, sink));
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) checkArgRef(x, [...at, k], `${label}.${k}`, fields, inputs, sink);
    return;
  }
  if (typeof v !== 'string' || !looksLikeRef(v)) return;
  const path = parseStatePath(v);
  const arg = parseArgRef(v);
  if (path !== null) {
    if (!fields.includes(path[0]!)) sink.at(at, `${label} reads ${JSON.stringify(path[0])}, which is not declared in state.schema${didYouMean(path[0]!, fields)}`);
  } else if (arg !== null) {
    if (inputs.length > 0 && !inputs.includes(arg)) sink.at(at, `${label} names input ${JSON.stringify(arg)}, which is not declared in inputs${didYouMean(arg, inputs)}`);
  } else {
    sink.at(at, `${label} is not a valid reference: ${show(v)} (expected $.field.sub or $args.name)`);
  }
}

/**
 * Where an agent's answer goes (issue #4): without `schema`, the text goes to its `writes` field (at
 * most one; with none, the text is only its edge_output);
 * with `schema`, the validated object is the state delta, so the schema describes an object whose
 * properties are among `writes`.
 */
function checkAgentOutput(node: NodeDef & { kind: 'agent' }, base: YamlPath, label: string, sink: Sink): void {
  if (node.schema === undefined) {
    if (node.writes.length > 1) sink.at([...base, 'writes'], `${label}: an agent without a schema writes its text to at most one state field, not ${node.writes.length}`);
    return;
  }
  checkDeltaSchema(node.schema, node.writes, base, label, sink);
}

/** A schema whose object becomes the state delta: it describes an object whose properties are among `writes`. */
function checkDeltaSchema(schema: { [key: string]: Json }, writes: readonly string[], base: YamlPath, label: string, sink: Sink): void {
  const type = schema.type;
  if (type !== undefined && type !== 'object') sink.at([...base, 'schema', 'type'], `${label}: schema must describe an object (its properties become the state delta), not type ${show(type)}`);
  const props = schema.properties;
  if (props !== null && typeof props === 'object' && !Array.isArray(props)) {
    for (const key of Object.keys(props)) {
      if (!writes.includes(key)) sink.at([...base, 'schema', 'properties', key], `${label}: schema property ${JSON.stringify(key)} is not in writes [${writes.join(', ')}]`);
    }
  }
}

/**
 * Where a cli-agent's answer goes (issue #10 §2): `text` (the default without `schema`) to at most one
 * `writes` field; `json` (the default with `schema`) is an object that becomes the state delta, so a
 * schema describes an object whose properties are among `writes`, and its `$ref`s resolve.
 */
function checkCliAgentOutput(node: NodeDef & { kind: 'cli-agent' }, base: YamlPath, label: string, sink: Sink): void {
  const format = node.output_format ?? (node.schema ? 'json' : 'text');
  if (format === 'text') {
    if (node.schema) sink.at([...base, 'output_format'], `${label}: schema needs output_format json (the answer is checked as a JSON object), not text`);
    else if (node.writes.length > 1) sink.at([...base, 'writes'], `${label}: with output_format text the answer goes to at most one state field, not ${node.writes.length}; use output_format json for several`);
    return;
  }
  if (!node.schema) return;
  checkDeltaSchema(node.schema, node.writes, base, label, sink);
  checkSchemaKeywords(node.schema, base, label, sink);
}

/** A node `schema` that oe itself applies (@cfworker/json-schema): its keywords' values and its `$ref`s. */
function checkSchemaKeywords(schema: { [key: string]: Json }, base: YamlPath, label: string, sink: Sink): void {
  for (const bad of schemaShapeProblems(schema)) sink.at([...base, 'schema', ...bad.path], `${label}: schema: ${bad.message}`);
  for (const bad of unresolvedRefs(schema)) sink.at([...base, 'schema', ...bad.path], `${label}: schema $ref ${JSON.stringify(bad.ref)} ${bad.reason}`);
}

/** The declared type of what a bare `{{name}}` names (a literal node arg, or a `reads` field), when known. */
function placeholderType(node: NodeDef, path: readonly string[], scope: NodeScope): string | undefined {
  if (path.length !== 1) return undefined;
  const name = path[0]!;
  if (Object.hasOwn(node.args, name)) {
    const v = node.args[name]!;
    if (typeof v === 'string' && looksLikeRef(v)) return undefined;
    return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  }
  return scope.state[name]?.type;
}

/**
 * Placeholders of an agent's or cli-agent's prompt (inline, or the prompt file's text): a bare name
 * is a node arg or a `reads` field; `$item`/`$index` need for_each; `$args.x` a declared input; and
 * `length` cannot apply to a value declared as a number, boolean or null.
 */
function checkPrompt(node: NodeDef & { kind: 'agent' | 'cli-agent' }, index: number, scope: NodeScope, sink: Sink): void {
  const promptAt: YamlPath = ['graph', 'nodes', index, 'prompt'];
  const label = `node ${JSON.stringify(node.id)}`;
  let text = node.prompt;
  let report = (offset: number, message: string): void => sink.at(promptAt, message, { offset });
  if (promptIsPath(node.prompt)) {
    const content = node.prompt_file !== undefined ? scope.files?.readText(resolve(scope.dir, node.prompt_file)) : undefined;
    if (content === undefined) {
      if (node.prompt_file !== undefined && scope.files) sink.at(promptAt, `${label}: prompt ${show(node.prompt)} is not a readable file`);
      return;
    }
    const dirLabel = scope.file.includes('/') ? scope.file.slice(0, scope.file.lastIndexOf('/') + 1) : '';
    const promptLabel = `${dirLabel}${node.prompt}`;
    text = content;
    report = (offset, message) => sink.inFile(promptLabel, content, offset, message);
  }
  let placeholders;
  try {
    placeholders = templatePlaceholders(text);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    report(e.offset ?? 0, `${label}: prompt: ${e.message}`);
    return;
  }
  const inputs = Object.keys(scope.inputs);
  for (const p of placeholders) {
    const ph = `{{${p.expr}}}`;
    switch (p.kind) {
      case 'state': {
        const name = p.path[0]!;
        const args = Object.keys(node.args);
        if (!node.reads.includes(name) && !args.includes(name)) {
          const known = [...node.reads, ...args];
          report(p.offset, `${label}: prompt placeholder ${ph} is not in the node's reads (${node.reads.length ? node.reads.join(', ') : 'none'})${args.length ? ` or its args (${args.join(', ')})` : ''}${didYouMean(name, known)}`);
          break;
        }
        const first = p.filters[0];
        const type = placeholderType(node, p.path, scope);
        if (first?.name === 'length' && (type === 'number' || type === 'integer' || type === 'boolean' || type === 'null')) {
          report(first.offset, `${label}: prompt placeholder ${ph}: length needs a list, a mapping or a string, but ${JSON.stringify(name)} is ${type === 'integer' ? 'an integer' : `a ${type}`}`);
        }
        break;
      }
      case 'item':
      case 'index':
        if (!node.for_each && !scope.pipelineStages?.has(node.id)) report(p.offset, `${label}: prompt placeholder ${ph} needs for_each on the node (or the node a pipeline stage)`);
        break;
      case 'args':
        if (inputs.length > 0 && !inputs.includes(p.path[0]!)) report(p.offset, `${label}: prompt placeholder ${ph} names input ${JSON.stringify(p.path[0])}, which is not declared in inputs${didYouMean(p.path[0]!, inputs)}`);
        break;
    }
  }
}
