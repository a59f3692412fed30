// Pipelines and loops (OpenExpertise 0.1, issue #10 §1) as one task of the ready queue, started
// through the group's leader (experience/topology.ts). Every unit — one stage of one item, one loop iteration —
// is a node iteration of its own: hashed, looked up in the memo, attempted and recorded like a
// for_each iteration, so a group is memoized per item or iteration and resumes mid-way. The views
// follow the determinism rule (SPEC §2.5): a stage sees what the earlier stages wrote for its item;
// a loop iteration sees what the earlier iterations wrote.
import { evalExpr, exprPaths, parseExpr, truthy } from '../experience/expr.js';
import type { Group } from '../experience/topology.js';
import { parseStatePath } from '../experience/path.js';
import type { LoopDef, NodeDef, PipelineDef } from '../experience/types.js';
import type { NodeInput } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import type { NodeId, RunId } from '../util/ids.js';
import { computeInputHash, type HashInputs } from './hash.js';
import { edgeInputsOf, resolveNodeArgs, viewPath } from './inputs.js';
import { decideForEachEnd, groupCachedEvent, startedEvent, type ForEachContext, type IterationOutcome, type UnitHash } from './node-decide.js';
import { completes, failUnprepared, fatalOr, NodePrepareError, prepareNode, runUnit, type Prepared, type TaskContext, type TaskResult } from './node-task.js';
import type { Outcome } from './schedule.js';
import type { View } from './views.js';

/** Runs a pipeline or a loop whose leader the scheduler started; every member ends with it. */
export async function runGroup(tc: TaskContext, group: Group): Promise<TaskResult> {
  return group.kind === 'pipeline' ? runPipeline(tc, group.def, group.members) : runLoop(tc, group.def);
}

/** The hash inputs of one unit of a member, over the unit's view. */
function unitInputs(tc: TaskContext, node: NodeDef, fixed: Prepared['fixed'], view: View, edges: { [pred: string]: Json }): HashInputs {
  return { ...fixed, args: resolveNodeArgs(node.args, view, tc.plan.args), state: view.pick(node.reads), edges };
}

/** The input bundle of one unit (SPEC §2.3 plus the group's names: `$pipeline`, `$iter`, `$loop`). */
function bundle(h: HashInputs, extra: { [k: string]: Json }): NodeInput {
  return { ...(structuredClone(h.args) as { [k: string]: Json }), _state: structuredClone(h.state), _edge_inputs: structuredClone(h.edges), ...structuredClone(extra) } as NodeInput;
}

/**
 * A pipeline: each item of `items` (read from the leader's view) flows through the stages in order,
 * at most `concurrency` items at once. Stage k of item i gets `$item`, `$index`, `$pipeline`, the view
 * of what stages 0…k−1 wrote for that item, and `_edge_inputs` = {stage k−1: its edge_output for the
 * item} (the first stage: its own predecessors' edge outputs). A unit that fails ends its item; under
 * its node's `on_error: skip` the other items go on, otherwise no new item starts. Each stage then
 * ends like a for_each node: its units' deltas merged by item index, edge outputs as an array.
 */
async function runPipeline(tc: TaskContext, def: PipelineDef, memberIds: readonly NodeId[]): Promise<TaskResult> {
  const stages = memberIds.map((id) => tc.plan.graph.nodes.get(id)!);
  const leader = stages[0]!;
  const entry = tc.views.viewOf(leader.id);
  const prepared: Prepared[] = [];
  let items: Json | undefined;
  try {
    for (const s of stages) prepared.push(await prepareNode(tc, s));
    items = viewPath(entry, parseStatePath(def.items) ?? []);
    if (!Array.isArray(items)) {
      const got = items === undefined ? 'nothing (the field is not set)' : items === null ? 'null' : typeof items;
      throw new NodePrepareError(`pipeline ${def.id}: items ${def.items} must be an array, got ${got}`);
    }
  } catch (e) {
    return everyMember(stages, await Promise.all(stages.map((s) => failUnprepared(tc, s, undefined, e))));
  }
  const list = items as Json[];
  const fixed = prepared.map((p) => p.fixed);
  const aggregate = stages.map((s, k) => computeInputHash(tc.hasher, { ...fixed[k]!, args: s.args, state: {}, edges: {}, items: list }));
  const members = stages.map((s, k) => new Member(tc, s, aggregate[k]!));
  const t0 = tc.clock.monotonic();
  // outcomes[k][i]: undefined = not run (stopped), 'absent' = the item ended at an earlier stage.
  const outcomes: Array<Array<IterationOutcome | 'absent'>> = stages.map(() => Array.from({ length: list.length }, () => undefined));
  let stopped = false;
  const runItem = async (i: number): Promise<void> => {
    let view = entry;
    let edges = edgeInputsOf(tc.plan, tc.state, leader.id);
    for (let k = 0; k < stages.length; k++) {
      const stage = stages[k]!;
      if (stopped || tc.control.request === 'cancel') return;
      const h = unitInputs(tc, stage, fixed[k]!, view, edges);
      const hash = computeInputHash(tc.hasher, { ...h, item: list[i]!, index: i });
      const key = { nodeId: stage.id, iteration: { index: i } };
      let next = view;
      const r = await runUnit(
        tc,
        stage,
        key,
        hash,
        stage.cache ? tc.memo?.hit(stage.id, 'item', hash.inputHash) : undefined,
        () => bundle(h, { $item: list[i]!, $index: i, $pipeline: def.id }),
        {
          missing: prepared[k]!.missing,
          check: (delta) => {
            next = tc.views.extend(view, delta, stage.id);
          },
          beforeAttempt: () => members[k]!.start(),
        },
      );
      if (!r) {
        const error = tc.state.nodes.get(stage.id)?.iterations.get(i)?.error;
        outcomes[k]![i] = { ok: false, ...(error ? { error } : {}) };
        for (let j = k + 1; j < stages.length; j++) outcomes[j]![i] = 'absent';
        if (stage.on_error.policy !== 'skip') stopped = true;
        return;
      }
      outcomes[k]![i] = { ok: true, output: r.output };
      if (r.restored) members[k]!.restored.push(r.restored);
      view = next;
      edges = { [stage.id]: r.output.edge_output };
    }
  };
  let cursor = 0;
  const lane = async (): Promise<void> => {
    while (cursor < list.length && !stopped && tc.control.request !== 'cancel') await runItem(cursor++);
  };
  await Promise.all(Array.from({ length: Math.min(def.concurrency, list.length) }, lane));
  // Each stage ends like a for_each node; views out add the stages' deltas in stage order.
  const durationMs = Math.round(tc.clock.monotonic() - t0);
  let out = entry;
  const results: Outcome[] = [];
  for (let k = 0; k < stages.length; k++) {
    const stage = stages[k]!;
    const units = outcomes[k]!.map((o) => (o === 'absent' ? ({ ok: true, output: { state_delta: {}, edge_output: null } } as const) : o));
    results.push(
      await members[k]!.end(units, {
        onError: stage.on_error,
        cancelling: tc.control.request === 'cancel' || stopped,
        durationMs,
        schema: tc.plan.experience.state.schema,
        check: (delta) => {
          out = tc.views.extend(out, delta, stage.id);
        },
        label: { name: 'PipelineError', prefix: `pipeline ${def.id}, stage ${stage.id}: `, unit: 'items' },
      }),
    );
  }
  return { outcome: results[0]!, out, members: memberIds.slice(1).map((id, k) => ({ id, outcome: results[k + 1]! })) };
}

/**
 * One member of a group as its own node: its node.started is appended before its first unit that
 * executes; at the end it completes (or fails) like a for_each node — or, when every unit was
 * restored, it is restored too (node.cached), so a fully cached resume executes nothing.
 */
class Member {
  private started = false;
  readonly restored: Array<{ fromRunId: RunId; durationMs: number }> = [];

  constructor(
    private readonly tc: TaskContext,
    private readonly node: NodeDef,
    private readonly hash: UnitHash,
  ) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.tc.emit(startedEvent({ nodeId: this.node.id }, this.hash, 1), false);
  }

  /** Ends the member over its units' outcomes; returns its outcome for the scheduler. */
  async end(units: readonly IterationOutcome[], ctx: ForEachContext): Promise<Outcome> {
    const step = decideForEachEnd(this.node.id, this.hash, units, ctx);
    if (step.kind === 'complete' && !this.started && this.restored.length > 0) {
      await this.tc.emit(groupCachedEvent(this.node.id, this.hash, step.event.output, this.restored), false);
      return 'cached';
    }
    if (step.kind === 'complete') {
      await this.start();
      if (await completes(this.tc, step.event, { nodeId: this.node.id }, this.hash, 1)) return 'completed';
      return fatalOr(this.node);
    }
    await this.tc.emit(step.event, true);
    return fatalOr(this.node);
  }
}

/** Gives every member the outcome of its own unprepared failure. */
function everyMember(stages: NodeDef[], results: TaskResult[]): TaskResult {
  return { outcome: results[0]!.outcome, members: stages.slice(1).map((s, k) => ({ id: s.id, outcome: results[k + 1]!.outcome })) };
}

/**
 * A loop: the body runs as iteration 0, 1, … while `until` (checked over the iteration's view before
 * each iteration) does not hold, at most `max_iters` times. Iteration i gets `$iter` = i and `$loop`,
 * and the view of what iterations 0…i−1 wrote. A failed iteration ends the loop: under the body's
 * `on_error: skip` the body completes with the iterations that succeeded, otherwise it fails.
 */
async function runLoop(tc: TaskContext, def: LoopDef): Promise<TaskResult> {
  const body = tc.plan.graph.nodes.get(def.body)!;
  const entry = tc.views.viewOf(body.id);
  let prepared: Prepared;
  try {
    prepared = await prepareNode(tc, body);
  } catch (e) {
    return failUnprepared(tc, body, undefined, e);
  }
  const fixed = prepared.fixed;
  const until = def.until === undefined ? undefined : parseExpr(def.until);
  const untilFields = until ? exprPaths(until).map((p) => p[0]!) : [];
  const edges = edgeInputsOf(tc.plan, tc.state, body.id);
  const aggregate: UnitHash = computeInputHash(tc.hasher, { ...fixed, args: body.args, state: {}, edges });
  const member = new Member(tc, body, aggregate);
  const t0 = tc.clock.monotonic();
  const outcomes: IterationOutcome[] = [];
  let view = entry;
  for (let i = 0; i < def.max_iters; i++) {
    if (tc.control.request === 'cancel') {
      outcomes.push(undefined);
      break;
    }
    if (until && truthy(evalExpr(until, view.pick(untilFields)))) break;
    const h = unitInputs(tc, body, fixed, view, edges);
    const hash = computeInputHash(tc.hasher, { ...h, iter: i });
    let next = view;
    const r = await runUnit(
      tc,
      body,
      { nodeId: body.id, iteration: { index: i } },
      hash,
      body.cache ? tc.memo?.hit(body.id, 'item', hash.inputHash) : undefined,
      () => bundle(h, { $iter: i, $loop: def.id }),
      {
        missing: prepared.missing,
        check: (delta) => {
          next = tc.views.extend(view, delta, body.id);
        },
        beforeAttempt: () => member.start(),
      },
    );
    if (!r) {
      const error = tc.state.nodes.get(body.id)?.iterations.get(i)?.error;
      outcomes.push({ ok: false, ...(error ? { error } : {}) });
      break;
    }
    outcomes.push({ ok: true, output: r.output });
    if (r.restored) member.restored.push(r.restored);
    view = next;
  }
  // Under `skip`, the iterations that succeeded stand; the failed one contributes nothing.
  const ended = body.on_error.policy === 'skip' ? outcomes.map((o) => (o && !o.ok ? ({ ok: true, output: { state_delta: {}, edge_output: null } } as const) : o)) : outcomes;
  let out: View | undefined;
  const outcome = await member.end(ended, {
    onError: { policy: 'fail_run' },
    cancelling: tc.control.request === 'cancel',
    durationMs: Math.round(tc.clock.monotonic() - t0),
    schema: tc.plan.experience.state.schema,
    check: (delta) => {
      out = tc.views.outWith(body.id, delta);
    },
    label: { name: 'LoopError', prefix: `loop ${def.id}: `, unit: 'iterations' },
  });
  return outcome === 'completed' || outcome === 'cached' ? { outcome, ...(out ? { out } : {}) } : { outcome };
}
