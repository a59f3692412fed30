// Raw parsed YAML → a typed Experience plus every Problem at once (SPEC §2.4, STYLE §3.7). Pure: the
// caller passes where things are (`locate`) and, optionally, read access to files.
import type { z } from 'zod';
import type { Problem } from '../util/errors.js';
import type { NodeId } from '../util/ids.js';
import { checkInputValue } from './args.js';
import { ExprSyntaxError, exprPathRefs, parseExpr } from './expr.js';
import { buildGraph, GraphCycleError, isAncestor, type Graph } from './topology.js';
import { isMapping, issueFindings, show, type YamlPath } from './issues.js';
import { ExperienceSchema, EdgeSchema, FIELD_NAME_RE, InputDeclSchema, PhaseSchema, StateFieldSchema, TOP_LEVEL_KEYS } from './yaml-schema.js';
import { unresolvedRefs } from './schema-refs.js';
import { schemaShapeProblems } from './schema-shape.js';
import { didYouMean } from './suggest.js';
import type { EdgeDef, Experience, InputDecl, NodeDef, Phase, StateField } from './types.js';
import type { Json } from '../util/canonical-json.js';
import { checkGroups, rawPipelineStages, type Groups } from './validate-groups.js';
import { checkNodeRefs, parseNode, type Files, type NodeScope, type Sink } from './validate-node.js';

/** The keys of `graph`. */
const GRAPH_KEYS = ['nodes', 'edges', 'pipelines', 'loops'];
import { quote } from '../util/quote.js';

export type { Files } from './validate-node.js';
export type { YamlPath } from './issues.js';

/** A 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

/**
 * Finds where the YAML node at `path` is: its value, or its key with `key`; `offset` is a 0-based
 * character offset inside a scalar value. Falls back to the nearest enclosing node that exists.
 * Returns undefined when there is no source (a definition read from a run log).
 */
export type Locate = (path: YamlPath, at?: { key?: boolean; offset?: number }) => Position | undefined;

/** What validation needs besides the parsed YAML. */
export interface ValidateContext {
  /** The experience file as the user named it; the `file` of its problems. */
  file: string;
  /** Absolute experience directory; impl, prompt and dataset paths resolve against it. */
  dir: string;
  locate: Locate;
  /** Read access to files; absent skips the file-existence and prompt-file checks. */
  files?: Files;
}

/** 1-based line and column of a 0-based offset in `text`. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/**
 * Validates a parsed experience.yaml (or a recorded definition) and normalizes it to `Experience`
 * (SPEC §2, defaults of §2.2). Every rule runs, so every problem is reported at once; problems are
 * sorted by file position. `experience` is set only when there are no problems. Idempotent:
 * validating a returned experience returns an equal one.
 */
export function validateExperience(raw: unknown, ctx: ValidateContext): { experience?: Experience; graph?: Graph; problems: Problem[] } {
  const problems: Problem[] = [];
  const sink: Sink = {
    at: (path, message, opts) => problems.push({ file: ctx.file, ...ctx.locate(path, opts), message }),
    inFile: (file, text, offset, message) => problems.push({ file, ...positionAt(text, offset), message }),
  };
  const checked = check(raw, ctx, sink);
  problems.sort((a, b) => Number(a.file !== ctx.file) - Number(b.file !== ctx.file) || a.file.localeCompare(b.file) || (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0));
  return problems.length === 0 && checked ? { ...checked, problems } : { problems };
}

/** Every rule, in file order; returns the experience (and its graph, built once here) when the shape
 *  allowed building one. */
function check(raw: unknown, ctx: ValidateContext, sink: Sink): { experience: Experience; graph: Graph } | undefined {
  if (!isMapping(raw)) {
    sink.at([], `an experience must be a mapping with name, version, state and graph, not ${show(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      sink.at([key], `unknown top-level key ${quote(key)}${didYouMean(key, TOP_LEVEL_KEYS) || `; allowed keys: ${TOP_LEVEL_KEYS.join(', ')}`}`, { key: true });
    }
  }
  const shape = ExperienceSchema.shape;
  const name = piece(shape.name, raw.name, ['name'], sink);
  const version = piece(shape.version, raw.version, ['version'], sink);
  const description = piece(shape.description, raw.description, ['description'], sink);
  const runtime = piece(shape.runtime, raw.runtime, ['runtime'], sink, 'runtime');
  const inputs = checkInputs(raw.inputs, sink);
  const phases = checkPhases(raw.phases, sink);
  const state = checkState(raw.state, sink);
  const graph = raw.graph;
  const rawNodes = isMapping(graph) ? graph.nodes : undefined;
  const rawEdges = isMapping(graph) ? graph.edges : undefined;
  if (!isMapping(graph)) sink.at(graph === undefined ? [] : ['graph'], graph === undefined ? 'missing required key "graph"' : `graph must be a mapping with nodes and edges, not ${show(graph)}`);
  else {
    for (const key of Object.keys(graph)) {
      if (GRAPH_KEYS.includes(key)) continue;
      sink.at(['graph', key], `unknown key ${JSON.stringify(key)} in graph${didYouMean(key, GRAPH_KEYS)}`, { key: true });
    }
    if (!Array.isArray(rawNodes)) sink.at(rawNodes === undefined ? ['graph'] : ['graph', 'nodes'], rawNodes === undefined ? 'graph: missing required key "nodes"' : `graph.nodes must be a list, not ${show(rawNodes)}`);
    if (rawEdges !== undefined && rawEdges !== null && !Array.isArray(rawEdges)) sink.at(['graph', 'edges'], `graph.edges must be a list, not ${show(rawEdges)}`);
  }
  const scope: NodeScope = {
    file: ctx.file,
    dir: ctx.dir,
    files: ctx.files,
    state: state?.decls ?? {},
    inputs: inputs.decls,
    ...(phases.list ? { phases: phases.list.map((p) => p.id) } : {}),
    pipelineStages: rawPipelineStages(isMapping(graph) ? graph.pipelines : undefined),
  };
  const nodes = checkNodes(Array.isArray(rawNodes) ? rawNodes : [], scope, sink, state !== undefined);
  const edges = checkEdges(Array.isArray(rawEdges) ? rawEdges : [], nodes, scope, sink, state !== undefined);
  const fields = Object.keys(scope.state);
  const groups = checkGroups(isMapping(graph) ? graph.pipelines : undefined, isMapping(graph) ? graph.loops : undefined, {
    nodes: new Map(nodes.known.map((n) => [n.node.id as string, n.node])),
    ids: nodes.ids,
    fields,
    ...(scope.phases ? { phases: scope.phases } : {}),
    checkExpr: (src, at, label) => checkWhen(src, at, label, fields, sink, state !== undefined, 'until'),
  }, sink);
  const complete = nodes.valid.length === (Array.isArray(rawNodes) ? rawNodes.length : -1) && edges.valid.length === (Array.isArray(rawEdges) ? rawEdges.length : 0) && groups.ok;
  const built = checkGraph(nodes.known, edges.graph, scope, sink, groups);
  if (!complete || !built || name === undefined || version === undefined || runtime === undefined || !inputs.ok || !state?.ok || !phases.ok) return undefined;
  const experience: Experience = {
    name,
    version,
    ...(description !== undefined ? { description } : {}),
    inputs: inputs.decls,
    ...(phases.list ? { phases: phases.list } : {}),
    state: { schema: state.decls, ...(state.store !== undefined ? { store: state.store } : {}) },
    graph: {
      nodes: nodes.valid.map((n) => n.node),
      edges: edges.valid.map((e) => e.edge),
      ...(groups.pipelines ? { pipelines: groups.pipelines } : {}),
      ...(groups.loops ? { loops: groups.loops } : {}),
    },
    runtime,
  };
  return { experience, graph: built };
}

/** Parses one part of the file with its schema, reporting its issues; undefined when it failed. */
function piece<S extends z.ZodType>(schema: S, value: unknown, base: YamlPath, sink: Sink, label = ''): z.output<S> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const name = base.length === 1 && label === '' ? String(base[0]) : undefined;
  for (const f of issueFindings(r.error.issues, { schema, value, base, label, name })) sink.at(f.path, f.message, { key: f.key });
  return undefined;
}

/** What a section check found: the declarations (a malformed one as a permissive stand-in, so later
 *  rules do not report its name as undeclared), and whether all were well-formed. */
interface Section<T> {
  decls: Record<string, T>;
  ok: boolean;
}

/** `inputs`: each declaration's shape, and its default and enum against its type. */
function checkInputs(raw: unknown, sink: Sink): Section<InputDecl> {
  if (raw === undefined || raw === null) return { decls: {}, ok: true };
  if (!isMapping(raw)) {
    sink.at(['inputs'], `inputs must be a mapping of input names to declarations, not ${show(raw)}`);
    return { decls: {}, ok: false };
  }
  const out: Record<string, InputDecl> = {};
  let ok = true;
  for (const [name, decl] of Object.entries(raw)) {
    const label = `input ${JSON.stringify(name)}`;
    if (!FIELD_NAME_RE.test(name)) {
      sink.at(['inputs', name], `${label}: an input name must match ${FIELD_NAME_RE.source}`, { key: true });
      ok = false;
    }
    const d = piece(InputDeclSchema, decl, ['inputs', name], sink, label);
    if (d === undefined) {
      out[name] = { type: 'any' };
      ok = false;
      continue;
    }
    d.enum?.forEach((e, i) => {
      const bad = checkInputValue({ type: d.type }, e);
      if (bad !== undefined) sink.at(['inputs', name, 'enum', i], `${label}: enum value ${bad}`);
      ok &&= bad === undefined;
    });
    if (d.default !== undefined) {
      const bad = checkInputValue(d, d.default);
      if (bad !== undefined) sink.at(['inputs', name, 'default'], `${label}: default ${bad}`);
      ok &&= bad === undefined;
    }
    out[name] = d as InputDecl;
  }
  return { decls: out, ok };
}

/** `phases`: each entry's shape, and unique ids. `list` is absent when the file has no `phases`. */
function checkPhases(raw: unknown, sink: Sink): { list?: Phase[]; ok: boolean } {
  if (raw === undefined || raw === null) return { ok: true };
  if (!Array.isArray(raw)) {
    sink.at(['phases'], `phases must be a list of {id, title}, not ${show(raw)}`);
    return { list: [], ok: false };
  }
  const list: Phase[] = [];
  const first = new Map<string, number>();
  let ok = true;
  raw.forEach((r, i) => {
    const p = piece(PhaseSchema, r, ['phases', i], sink, `phases[${i}]`);
    if (p === undefined) {
      ok = false;
      return;
    }
    const prev = first.get(p.id);
    if (prev !== undefined) {
      sink.at(['phases', i, 'id'], `phases[${i}]: duplicate phase id ${JSON.stringify(p.id)} (first declared as phases[${prev}])`);
      ok = false;
      return;
    }
    first.set(p.id, i);
    list.push(p.title !== undefined ? { id: p.id, title: p.title } : { id: p.id });
  });
  return { list, ok };
}

/** `state.schema`: each field's shape and `$ref`s; `array_append` needs type array or any. `state.store` is accepted. */
function checkState(raw: unknown, sink: Sink): (Section<StateField> & { store?: string }) | undefined {
  if (!isMapping(raw)) {
    sink.at(raw === undefined ? [] : ['state'], raw === undefined ? 'missing required key "state" (state.schema declares every field nodes read or write)' : `state must be a mapping with schema, not ${show(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) if (key !== 'schema' && key !== 'store') sink.at(['state', key], `unknown key ${JSON.stringify(key)} in state${didYouMean(key, ['schema', 'store'])}`, { key: true });
  let store: string | undefined;
  if (raw.store !== undefined && raw.store !== null) {
    if (typeof raw.store !== 'string') sink.at(['state', 'store'], `state.store must be a string (a path; oe accepts it and keeps no store), not ${show(raw.store)}`);
    else store = raw.store;
  }
  const withStore = <T extends object>(section: T): T & { store?: string } => (store !== undefined ? { ...section, store } : section);
  const schema = raw.schema;
  if (schema === null) return withStore({ decls: {}, ok: true });
  if (schema === undefined) {
    sink.at(['state'], 'state: missing required key "schema"');
    return undefined;
  }
  if (!isMapping(schema)) {
    sink.at(['state', 'schema'], `state.schema must be a mapping of field names to {type, merge}, not ${show(schema)}`);
    return undefined;
  }
  const out: Record<string, StateField> = {};
  let ok = true;
  for (const [name, decl] of Object.entries(schema)) {
    const label = `state field ${JSON.stringify(name)}`;
    if (!FIELD_NAME_RE.test(name)) {
      sink.at(['state', 'schema', name], `${label}: a field name must match ${FIELD_NAME_RE.source}`, { key: true });
      ok = false;
    }
    const f = piece(StateFieldSchema, decl, ['state', 'schema', name], sink, label);
    if (f === undefined) {
      out[name] = { type: 'any', merge: 'last_wins' };
      ok = false;
      continue;
    }
    if (f.merge === 'array_append' && f.type !== 'array' && f.type !== 'any') {
      sink.at(['state', 'schema', name, 'merge'], `${label}: merge array_append needs type array or any, not ${f.type}`);
      ok = false;
    }
    for (const bad of schemaShapeProblems(decl as Json, ['type', 'merge'])) {
      sink.at(['state', 'schema', name, ...bad.path], `${label}: ${bad.message}`);
      ok = false;
    }
    for (const bad of unresolvedRefs(decl as Json)) {
      sink.at(['state', 'schema', name, ...bad.path], `${label}: $ref ${JSON.stringify(bad.ref)} ${bad.reason}`);
      ok = false;
    }
    out[name] = f as StateField;
  }
  return withStore({ decls: out, ok });
}

/** Every node's shape and refs, and unique ids. `valid`: well-formed nodes; `known`: those plus salvaged
 *  ones (for the graph rules); `ids`: every id named, even by a malformed node. */
function checkNodes(
  raw: unknown[],
  scope: NodeScope,
  sink: Sink,
  stateKnown: boolean,
): { valid: Array<{ node: NodeDef; index: number }>; known: Array<{ node: NodeDef; index: number }>; ids: Set<string> } {
  const valid: Array<{ node: NodeDef; index: number }> = [];
  const known: Array<{ node: NodeDef; index: number }> = [];
  const first = new Map<string, number>();
  raw.forEach((r, index) => {
    const id = isMapping(r) ? r.id : undefined;
    let duplicate = false;
    if (typeof id === 'string') {
      const prev = first.get(id);
      if (prev !== undefined) {
        duplicate = true;
        sink.at(['graph', 'nodes', index, 'id'], `duplicate node id ${JSON.stringify(id)} (first declared as graph.nodes[${prev}])`);
      } else first.set(id, index);
    }
    const parsed = parseNode(r, index, scope, sink);
    if (parsed === undefined) return;
    if (stateKnown) checkNodeRefs(parsed.node, index, scope, sink);
    if (duplicate) return;
    known.push({ node: parsed.node, index });
    if (parsed.ok) valid.push({ node: parsed.node, index });
  });
  return { valid, known, ids: new Set(first.keys()) };
}

/** Edges: shape, endpoints that exist, no duplicates, `when` syntax and the state fields it reads. */
function checkEdges(
  raw: unknown[],
  nodes: { known: Array<{ node: NodeDef }>; ids: Set<string> },
  scope: NodeScope,
  sink: Sink,
  stateKnown: boolean,
): { valid: Array<{ edge: EdgeDef; index: number }>; graph: Array<{ edge: EdgeDef; index: number }> } {
  const valid: Array<{ edge: EdgeDef; index: number }> = [];
  const graph: Array<{ edge: EdgeDef; index: number }> = [];
  const seen = new Map<string, number>();
  const parsedIds = new Set(nodes.known.map((n) => n.node.id as string));
  const fields = Object.keys(scope.state);
  raw.forEach((r, index) => {
    const base: YamlPath = ['graph', 'edges', index];
    const e = piece(EdgeSchema, r, base, sink, `graph.edges[${index}]`);
    if (e === undefined) return;
    const label = `edge ${e.from} → ${e.to}`;
    let ok = true;
    for (const end of ['from', 'to'] as const) {
      if (!nodes.ids.has(e[end])) {
        sink.at([...base, end], `${label}: ${end} names no node: ${JSON.stringify(e[end])}${didYouMean(e[end], nodes.ids)}`);
        ok = false;
      } else if (!parsedIds.has(e[end])) ok = false;
    }
    const edge: EdgeDef = { from: e.from as NodeId, to: e.to as NodeId, ...(e.when !== undefined ? { when: e.when } : {}) };
    const key = `${e.from}\u0000${e.to}`;
    const prev = seen.get(key);
    if (prev !== undefined) {
      sink.at(base, `${label}: duplicate edge (also graph.edges[${prev}])`);
      ok = false;
    } else {
      seen.set(key, index);
      // The graph rules see every edge between parsed nodes, even one whose `when` is wrong.
      if (ok) graph.push({ edge, index });
    }
    if (e.when !== undefined) ok = checkWhen(e.when, [...base, 'when'], label, fields, sink, stateKnown) && ok;
    if (ok) valid.push({ edge, index });
  });
  return { valid, graph };
}

/** A `when` parses, and every `$.path` in it starts with a declared state field (SPEC §2.5). */
function checkWhen(src: string, at: YamlPath, label: string, fields: string[], sink: Sink, stateKnown: boolean, keyword = 'when'): boolean {
  try {
    const expr = parseExpr(src);
    let ok = true;
    if (stateKnown) {
      for (const ref of exprPathRefs(expr)) {
        if (!fields.includes(ref.path[0]!)) {
          sink.at(at, `${label}: ${keyword} reads ${JSON.stringify(ref.path[0])}, which is not declared in state.schema${didYouMean(ref.path[0]!, fields)}`, { offset: ref.offset });
          ok = false;
        }
      }
    }
    return ok;
  } catch (e) {
    if (!(e instanceof ExprSyntaxError)) throw e;
    sink.at(at, `${label}: ${keyword}: ${e.message} (at character ${e.offset + 1} of ${quote(src, 80)})`, { offset: e.offset });
    return false;
  }
}

/**
 * Whole-graph rules over the nodes and edges that parsed: cycles (each named in order, a → b → a,
 * via buildGraph's GraphCycleError and findCycles' Tarjan SCCs), then — on an acyclic graph — two writers of one `set_once` field
 * must be ordered (one an ancestor of the other). Returns the graph of the nodes and edges that
 * parsed, or undefined when there is a cycle.
 */
function checkGraph(valid: Array<{ node: NodeDef; index: number }>, edges: Array<{ edge: EdgeDef; index: number }>, scope: NodeScope, sink: Sink, groups: Groups): Graph | undefined {
  const nodes = valid.map((v) => v.node);
  let graph: Graph;
  try {
    graph = buildGraph({ graph: { nodes, edges: edges.map((e) => e.edge), ...(groups.pipelines ? { pipelines: groups.pipelines } : {}), ...(groups.loops ? { loops: groups.loops } : {}) } });
  } catch (e) {
    if (!(e instanceof GraphCycleError)) throw e;
    for (const cycle of e.cycles) {
      const closing = edges.find((x) => x.edge.from === cycle[cycle.length - 1] && x.edge.to === cycle[0]);
      sink.at(closing ? ['graph', 'edges', closing.index] : ['graph', 'edges'], `cycle: ${[...cycle, cycle[0]!].join(' → ')}`);
    }
    return undefined;
  }
  const writers = new Map<string, NodeDef[]>();
  for (const n of nodes) {
    for (const f of new Set(n.writes)) {
      if (scope.state[f]?.merge !== 'set_once') continue;
      const list = writers.get(f);
      if (list) list.push(n);
      else writers.set(f, [n]);
    }
  }
  for (const [field, ws] of writers) {
    for (let i = 0; i < ws.length; i++) {
      for (let j = i + 1; j < ws.length; j++) {
        const a = ws[i]!;
        const b = ws[j]!;
        if (isAncestor(graph, a.id, b.id) || isAncestor(graph, b.id, a.id)) continue;
        const index = valid[nodes.indexOf(b)]!.index;
        sink.at(['graph', 'nodes', index], `nodes ${JSON.stringify(a.id)} and ${JSON.stringify(b.id)} both write set_once field ${JSON.stringify(field)} but neither runs before the other; add an edge to order them`);
      }
    }
  }
  return graph;
}
