// `graph.pipelines` and `graph.loops` (OpenExpertise 0.1, issue #10 §1): their shape, the nodes they
// name, and the rules that make them one unit in the ready queue — a node belongs to at most one
// group, a member has no for_each of its own, a pipeline's `items` is a state path, a loop's `until`
// an expression over declared fields. Pure: problems go to the sink.
import { parseStatePath } from './path.js';
import { isMapping, issueFindings, show, type YamlPath } from './issues.js';
import { LoopSchema, PipelineSchema } from './yaml-schema.js';
import { didYouMean } from './suggest.js';
import type { LoopDef, NodeDef, PipelineDef } from './types.js';
import type { NodeId } from '../util/ids.js';
import type { Sink } from './validate-node.js';
import type { z } from 'zod';

/** What group validation needs to know of the rest of the file. */
export interface GroupScope {
  /** Nodes that parsed, by id. */
  nodes: ReadonlyMap<string, NodeDef>;
  /** Every node id in the file, parsed or not (so a bad node is not reported twice). */
  ids: ReadonlySet<string>;
  /** Declared state fields. */
  fields: readonly string[];
  /** The top-level phases' ids, when declared. */
  phases?: readonly string[];
  /** Checks a `when`-grammar expression; returns false after reporting a problem. */
  checkExpr(src: string, at: YamlPath, label: string): boolean;
}

/** The groups that validated (`ok` false when any problem was found). */
export interface Groups {
  pipelines?: PipelineDef[];
  loops?: LoopDef[];
  ok: boolean;
}

/** The stage ids a raw `graph.pipelines` names (before validation): they get `$item`/`$index`. */
export function rawPipelineStages(raw: unknown): Set<string> {
  const out = new Set<string>();
  if (!Array.isArray(raw)) return out;
  for (const p of raw) if (isMapping(p) && Array.isArray(p.stages)) for (const s of p.stages) if (typeof s === 'string') out.add(s);
  return out;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, base: YamlPath, sink: Sink, label: string): z.output<S> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const f of issueFindings(r.error.issues, { schema, value, base, label })) sink.at(f.path, f.message, { key: f.key });
  return undefined;
}

/**
 * Validates `graph.pipelines` and `graph.loops`, reporting every problem with its location.
 * @returns the groups with defaults (absent keys stay absent, so old definitions keep their shape).
 */
export function checkGroups(rawPipelines: unknown, rawLoops: unknown, scope: GroupScope, sink: Sink): Groups {
  let ok = true;
  const owner = new Map<string, string>();
  const groupIds = new Set<string>();
  const claim = (id: string, group: string, at: YamlPath, label: string): boolean => {
    if (!scope.ids.has(id)) {
      sink.at(at, `${label} names no node: ${JSON.stringify(id)}${didYouMean(id, scope.ids)}`);
      return false;
    }
    const other = owner.get(id);
    if (other !== undefined) {
      sink.at(at, `${label}: node ${JSON.stringify(id)} is already in ${other}; a node belongs to at most one pipeline or loop`);
      return false;
    }
    owner.set(id, group);
    const node = scope.nodes.get(id);
    if (node?.for_each) {
      sink.at(at, `${label}: node ${JSON.stringify(id)} has for_each; a pipeline stage or loop body runs once per item or iteration of its group instead`);
      return false;
    }
    return node !== undefined;
  };
  const checkId = (id: string, at: YamlPath, what: string): boolean => {
    if (groupIds.has(id)) {
      sink.at(at, `${what} ${JSON.stringify(id)}: another pipeline or loop has the same id`);
      return false;
    }
    groupIds.add(id);
    return true;
  };
  const checkPhase = (phase: string | undefined, at: YamlPath, what: string): boolean => {
    if (phase === undefined || scope.phases === undefined || scope.phases.includes(phase)) return true;
    sink.at(at, `${what}: phase ${JSON.stringify(phase)} is not one of the declared phases (${scope.phases.join(', ')})${didYouMean(phase, scope.phases)}`);
    return false;
  };

  let pipelines: PipelineDef[] | undefined;
  if (rawPipelines !== undefined && rawPipelines !== null) {
    if (!Array.isArray(rawPipelines)) {
      sink.at(['graph', 'pipelines'], `graph.pipelines must be a list, not ${show(rawPipelines)}`);
      ok = false;
    } else {
      pipelines = [];
      rawPipelines.forEach((raw, index) => {
        const base: YamlPath = ['graph', 'pipelines', index];
        const p = parse(PipelineSchema, raw, base, sink, `graph.pipelines[${index}]`);
        if (!p) return void (ok = false);
        const label = `pipeline ${JSON.stringify(p.id)}`;
        let good = checkId(p.id, [...base, 'id'], 'pipeline');
        p.stages.forEach((s, i) => (good = claim(s, label, [...base, 'stages', i], `${label}: stage`) && good));
        const path = parseStatePath(p.items);
        if (path === null) {
          sink.at([...base, 'items'], `${label}: items must be a state path such as $.items, not ${show(p.items)}`);
          good = false;
        } else if (!scope.fields.includes(path[0]!)) {
          sink.at([...base, 'items'], `${label}: items reads ${JSON.stringify(path[0])}, which is not declared in state.schema${didYouMean(path[0]!, scope.fields)}`);
          good = false;
        }
        good = checkPhase(p.phase, [...base, 'phase'], label) && good;
        if (!good) return void (ok = false);
        pipelines!.push({ id: p.id, items: p.items, stages: p.stages as NodeId[], concurrency: p.concurrency, ...(p.phase !== undefined ? { phase: p.phase } : {}) });
      });
    }
  }

  let loops: LoopDef[] | undefined;
  if (rawLoops !== undefined && rawLoops !== null) {
    if (!Array.isArray(rawLoops)) {
      sink.at(['graph', 'loops'], `graph.loops must be a list, not ${show(rawLoops)}`);
      ok = false;
    } else {
      loops = [];
      rawLoops.forEach((raw, index) => {
        const base: YamlPath = ['graph', 'loops', index];
        const declaredMax = isMapping(raw) && raw.max_iters !== undefined;
        const l = parse(LoopSchema, raw, base, sink, `graph.loops[${index}]`);
        if (!l) return void (ok = false);
        const label = `loop ${JSON.stringify(l.id)}`;
        let good = checkId(l.id, [...base, 'id'], 'loop');
        good = claim(l.body, label, [...base, 'body'], `${label}: body`) && good;
        if (l.until === undefined && !declaredMax) {
          sink.at(base, `${label} must declare until, max_iters or both (OpenExpertise's rule: a loop needs a way to end)`);
          good = false;
        }
        if (l.until !== undefined) good = scope.checkExpr(l.until, [...base, 'until'], label) && good;
        good = checkPhase(l.phase, [...base, 'phase'], label) && good;
        if (!good) return void (ok = false);
        loops!.push({
          id: l.id,
          body: l.body as NodeId,
          ...(l.until !== undefined ? { until: l.until } : {}),
          max_iters: l.max_iters,
          ...(l.budget !== undefined ? { budget: l.budget } : {}),
          ...(l.phase !== undefined ? { phase: l.phase } : {}),
        });
      });
    }
  }
  return { ...(pipelines ? { pipelines } : {}), ...(loops ? { loops } : {}), ok };
}
