// Carries out one node of the plan (the shell of node-decide.ts): reads its inputs and hash parts (node-prep.ts),
// asks the pure decisions what to do, hands attempts to the executor, waits out retry backoffs, and
// appends the events the decisions built. for_each nodes fan out here with their own concurrency.
// Nothing thrown escapes but a log that cannot be written (STYLE §3.9).
import { fileGlobs } from '../experience/declared-inputs.js';
import { parseStatePath } from '../experience/path.js';
import type { NodeDef } from '../experience/types.js';
import { EventTooLargeError } from '../log/event-size.js';
import type { EventPayload, NodeCompletedPayload, NodeOutput, OeEvent, RunOptions } from '../log/events.js';
import type { RunState } from '../log/fold.js';
import type { LlmSettings, NodeInput, NodeLogger, NodeRunner } from '../nodes/runner.js';
import { runnerFor } from '../nodes/registry.js';
import { canonicalJson, type Json } from '../util/canonical-json.js';
import { sleep, type Clock } from '../util/clock.js';
import { asInputHash, uuidv7Source, type NodeId, type RunId } from '../util/ids.js';
import { runChild, type ChildContext } from './child-run.js';
import type { RunParams } from './run-loop.js';
import type { RunControl } from './run-control.js';
import type { Executor } from './executor.js';
import { computeInputHash, type HashInputs, type Hasher } from './hash.js';
import { inputBundle, nodeInputs, viewPath, type NodeInputs, type Plan } from './inputs.js';
import type { Memo } from './memo.js';
import { definitionPart } from './node-files.js';
import { gatherParts, NodePrepareError, type PrepCache } from './node-prep.js';
export { NodePrepareError } from './node-prep.js';
import { applyStandIns, withoutStandIns } from './stand-ins.js';
import {
  backoffInterrupted,
  cachedEvent,
  decideAttempt,
  decideForEachEnd,
  decideStart,
  outputRefused,
  retryingEvent,
  startedEvent,
  unpreparedFailure,
  type IterationOutcome,
  type UnitHash,
  type UnitKey,
} from './node-decide.js';
import type { Outcome } from './schedule.js';
import type { RunViews, View } from './views.js';

/** What a node task needs from the run. */
export interface TaskContext {
  plan: Plan;
  /** The run's folded state (read when the task starts, for the predecessors' edge outputs). */
  state: RunState;
  views: RunViews;
  runId: RunId;
  experienceDir: string;
  options: RunOptions;
  llm: LlmSettings;
  hasher: Hasher;
  clock: Clock;
  control: RunControl;
  executor: Executor;
  memo?: Memo;
  /** The environment the nodes see; declared `env:` parts are read from it (issue #9 §2). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Appends an event and folds it. With `durable`, resolves once it is fsynced (group commit);
   * without, at once — a restore needs no fsync of its own: any later fsync covers it.
   */
  emit(payload: EventPayload, durable: boolean): Promise<OeEvent>;
  nodeLogger(nodeId: string, iteration?: number): NodeLogger;
  /** What is read once per run: file hashes, each tool's code and packages (node-prep.ts). */
  prep: PrepCache;
  /** What an `experience` node's nested run takes from this run (child-run.ts). */
  child: ChildContext;
  /** Asks a person for a gate's verdict (RunParams.askGate). */
  askGate?: RunParams['askGate'];
}

/** How a node task ended: its outcome for the scheduler, and the view it leaves its successors. */
export interface TaskResult {
  outcome: Outcome;
  /** The node's view out (its view with its delta); absent when it contributes nothing. */
  out?: View;
  /** For a group's leader: the outcome of each other member, in order (they share `out`). */
  members?: Array<{ id: NodeId; outcome: Outcome }>;
}

/**
 * What preparing a node reads before its inputs (node-prep.ts): the parts of its hash that do not
 * depend on its inputs, whether it sees its for_each index, and the files it needs that are gone.
 */
export interface Prepared {
  fixed: StaticParts;
  seesIndex: boolean;
  /** Files (or globs) it needs that are gone: it can be restored, not executed (issue #9 §4). */
  missing: string[];
}

/** A failed node's outcome for the scheduler: fatal unless its policy is `on_error: skip`. */
export const fatalOr = (node: NodeDef): Outcome => (node.on_error.policy === 'skip' ? 'failed' : 'fatal');

/**
 * Runs one node to a final event: node.cached, node.completed or node.failed (willRetry false).
 * Resolves when that event is durable (a completion) or written (a restore). Never rejects unless the
 * log itself cannot be written.
 */
export async function runNodeTask(tc: TaskContext, node: NodeDef): Promise<TaskResult> {
  const group = tc.plan.graph.groups.get(node.id);
  if (group) {
    const { runGroup } = await import('./group-task.js');
    return runGroup(tc, group);
  }
  let base: HashInputs | undefined;
  let prepared: Prepared;
  let inputs: NodeInputs;
  try {
    prepared = await prepareNode(tc, node);
    inputs = nodeInputs(tc.plan, tc.state, node, tc.views.viewOf(node.id));
    base = { ...prepared.fixed, args: inputs.args, state: inputs.state, edges: inputs.edges };
  } catch (e) {
    return failUnprepared(tc, node, base, e);
  }
  if (node.kind === 'gate') {
    const { runGate } = await import('./gate-task.js');
    return runGate(tc, node, inputs, base);
  }
  return node.for_each ? runForEach(tc, node, inputs, base, prepared) : runSingle(tc, node, inputs, base, prepared);
}

/** The parts of a node's hash that do not depend on its inputs (issue #9): its definition, files, code, packages, declared files and env, model. */
export type StaticParts = Pick<HashInputs, 'definition' | 'files' | 'modules' | 'declared' | 'env' | 'packages' | 'model'>;

/**
 * Reads what a node's hash needs besides its inputs (node-prep.ts, each file once per run). When the
 * definition comes from a prior log (`--no-reload`, or the file is gone), a gone file takes the part
 * the nearest run of the chain recorded for it (stand-ins.ts, issue #9 §4).
 * @throws {NodePrepareError} when a file exists but cannot be read.
 */
export async function prepareNode(tc: TaskContext, node: NodeDef): Promise<Prepared> {
  const runner = await runnerFor(node);
  const { gathered, env } = await gatherParts(tc, node);
  const globs = fileGlobs(node);
  const parts = tc.options.definitionSource === 'log' ? applyStandIns(gathered, tc.memo?.recorded(node.id), globs) : withoutStandIns(gathered, globs);
  const fixed: StaticParts = {
    definition: definitionPart(node),
    files: parts.files,
    modules: parts.modules,
    declared: parts.declared,
    env,
    packages: parts.packages,
    ...(await modelOf(runner, node, tc)),
  };
  return { fixed, seesIndex: parts.seesIndex, missing: parts.missing };
}

async function modelOf(runner: NodeRunner, node: NodeDef, tc: TaskContext): Promise<{ model?: string }> {
  const model = await runner.model?.(node, { experienceDir: tc.experienceDir, llm: tc.llm });
  return model === undefined ? {} : { model };
}

/** Records a failure that happened before the node could start (its hash may be partial). */
export async function failUnprepared(tc: TaskContext, node: NodeDef, base: HashInputs | undefined, e: unknown): Promise<TaskResult> {
  const inputHash = base
    ? computeInputHash(tc.hasher, base).inputHash
    : asInputHash(tc.hasher.string(canonicalJson({ node: node as unknown as Json, unprepared: true })));
  await tc.emit(unpreparedFailure(node.id, inputHash, e), true);
  return { outcome: fatalOr(node) };
}

/** A node without for_each: one unit; its delta is checked against its view before it completes. */
async function runSingle(tc: TaskContext, node: NodeDef, inputs: NodeInputs, base: HashInputs, p: Prepared): Promise<TaskResult> {
  const hash = computeInputHash(tc.hasher, base);
  const hit = tc.memo?.hit(node.id, 'node', hash.inputHash);
  let out: View | undefined;
  const check = (delta: NodeOutput['state_delta']): void => {
    out = tc.views.outWith(node.id, delta);
  };
  const ok = await runUnit(tc, node, { nodeId: node.id }, hash, hit, () => inputBundle(inputs), { missing: p.missing, check });
  return ok ? { outcome: ok.restored ? 'cached' : 'completed', ...(out ? { out } : {}) } : { outcome: fatalOr(node) };
}

/** How a unit ended well: its output, and — when it was restored — where from and what it saved (ms). */
export interface UnitEnd {
  output: NodeOutput;
  restored?: { fromRunId: RunId; durationMs: number };
}

/**
 * One unit: restore it, or attempt it until it completes or its policy gives up. `input` builds the
 * input bundle of an attempt (a fresh copy each time); `check` raises a set_once conflict of the
 * delta against the unit's view (single nodes, pipeline stages, loop iterations); `beforeAttempt`
 * runs once before the first attempt (a group member's own node.started).
 * @returns the output, or null when the unit ended failed.
 */
export async function runUnit(
  tc: TaskContext,
  node: NodeDef,
  k: UnitKey,
  hash: UnitHash,
  hit: ReturnType<Memo['get']>,
  input: () => NodeInput,
  opts: {
    /** Files it needs that are gone: unless restored, the unit fails naming them (issue #9 §4). */
    missing?: readonly string[];
    check?: (delta: NodeOutput['state_delta']) => void;
    beforeAttempt?: () => Promise<void>;
  } = {},
): Promise<UnitEnd | null> {
  const { check, beforeAttempt } = opts;
  // An experience node runs its child every time, as a resume of the last one: the child's own memo
  // restores what did not change (child-run.ts), so the parent's memo never answers for it.
  const nested = node.kind === 'experience' ? node : undefined;
  const start = decideStart(k, hash, node.cache && !nested, hit, opts.missing);
  if (start.kind === 'fail') {
    await tc.emit(start.event, true);
    return null;
  }
  if (start.kind === 'restore') {
    try {
      check?.(start.event.output.state_delta);
    } catch (e) {
      await tc.emit(unpreparedFailure(node.id, hash.inputHash, e), true);
      return null;
    }
    await tc.emit(start.event, false);
    return { output: start.event.output, restored: { fromRunId: start.event.fromRunId, durationMs: start.event.savedDurationMs ?? 0 } };
  }
  const log = tc.nodeLogger(node.id, k.iteration?.index);
  await beforeAttempt?.();
  for (let attempt = 1; ; attempt++) {
    const childRunId = nested ? uuidv7Source(tc.clock.now)() : undefined;
    await tc.emit(startedEvent(k, hash, attempt, childRunId), false);
    const t0 = tc.clock.monotonic();
    const result = nested
      ? await runChild(tc.child, nested, tc.experienceDir, tc.plan.experience.state.schema, childRunId!, k.iteration?.index, input())
      : await tc.executor.attempt(
      {
        runId: tc.runId,
        node,
        ...(k.iteration ? { iteration: k.iteration } : {}),
        attempt,
        input: input(),
        experienceDir: tc.experienceDir,
        args: tc.plan.args,
        schema: tc.plan.experience.state.schema,
        ...(node.timeout !== undefined ? { timeoutMs: node.timeout } : {}),
        inputHash: hash.inputHash,
        hashParts: hash.hashParts,
      },
      { log, onRetry: (info) => void tc.emit(retryingEvent(k, attempt, info), false) },
      tc.control.signal,
    );
    let conflict: unknown;
    if (result.ok && check) {
      try {
        check(result.output.state_delta);
      } catch (e) {
        conflict = e;
      }
    }
    const step = decideAttempt(k, hash, attempt, result, {
      onError: node.on_error,
      cancelling: tc.control.request === 'cancel',
      durationMs: Math.round(tc.clock.monotonic() - t0),
      ...(conflict !== undefined ? { conflict } : {}),
    });
    if (step.kind === 'complete') {
      if (!(await completes(tc, step.event, k, hash, attempt))) return null;
      return { output: step.event.output };
    }
    await tc.emit(step.event, true);
    if (step.kind === 'fail') return null;
    try {
      await sleep(step.waitMs, tc.control.signal);
    } catch (e) {
      // Cancelled during the backoff: the retry announced above will not happen; say so.
      await tc.emit(backoffInterrupted(k, hash, attempt, e), true);
      return null;
    }
  }
}

/**
 * A for_each node: its own (aggregate) hash covers the whole source array, so an unchanged fan-out is
 * restored whole — its iterations, then the node itself, so that this log resumed in turn after one
 * item changed still restores the others one by one (issue #3: every log is self-contained).
 * Otherwise the iterations the memo holds are restored (in one batch, no fsync of their own), the
 * others run, at most `for_each.concurrency` at once, and decideForEachEnd completes or fails the node.
 */
async function runForEach(tc: TaskContext, node: NodeDef, inputs: NodeInputs, base: HashInputs, p: Prepared): Promise<TaskResult> {
  const fe = node.for_each!;
  const items = viewPath(inputs.view, parseStatePath(fe.source) ?? []);
  if (!Array.isArray(items)) {
    const got = items === undefined ? 'nothing (the field is not set)' : items === null ? 'null' : typeof items;
    return failUnprepared(tc, node, base, new NodePrepareError(`for_each.source ${fe.source} must be an array, got ${got}`));
  }
  const hash = computeInputHash(tc.hasher, { ...base, items });
  // Issue #9 §5: an item is keyed by its content; its index joins only where the node can see it.
  const units = items.map((item, index) => ({ item, index, hash: computeInputHash(tc.hasher, { ...base, item, ...(p.seesIndex ? { index } : {}) }) }));
  const memoOf = (h: UnitHash): ReturnType<Memo['get']> => tc.memo?.hit(node.id, 'item', h.inputHash);
  const hit = node.cache ? tc.memo?.hit(node.id, 'node', hash.inputHash) : undefined;
  if (hit) {
    let out: View;
    try {
      out = tc.views.outWith(node.id, hit.output.state_delta);
    } catch (e) {
      return failUnprepared(tc, node, base, e);
    }
    for (const u of units) {
      const h = memoOf(u.hash);
      if (h) void tc.emit(cachedEvent({ nodeId: node.id, iteration: { index: u.index } }, u.hash, h), false);
    }
    await tc.emit(cachedEvent({ nodeId: node.id }, hash, hit), false);
    return { outcome: 'cached', out };
  }
  await tc.emit(startedEvent({ nodeId: node.id }, hash, 1), false);
  const t0 = tc.clock.monotonic();
  const outcomes: IterationOutcome[] = Array.from({ length: items.length }, () => undefined);
  const todo: number[] = [];
  for (const u of units) {
    const h = node.cache ? memoOf(u.hash) : undefined;
    if (h) {
      outcomes[u.index] = { ok: true, output: h.output };
      void tc.emit(cachedEvent({ nodeId: node.id, iteration: { index: u.index } }, u.hash, h), false);
    } else todo.push(u.index);
  }
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length && tc.control.request !== 'cancel') {
      const u = units[todo[next++]!]!;
      const k = { nodeId: node.id, iteration: { index: u.index } };
      const r = await runUnit(tc, node, k, u.hash, undefined, () => inputBundle(inputs, { item: u.item, index: u.index }), { missing: p.missing });
      outcomes[u.index] = r ? { ok: true, output: r.output } : { ok: false, ...errorOf(tc, node, u.index) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(fe.concurrency, todo.length) }, lane));
  let out: View | undefined;
  const step = decideForEachEnd(node.id, hash, outcomes, {
    onError: node.on_error,
    cancelling: tc.control.request === 'cancel',
    durationMs: Math.round(tc.clock.monotonic() - t0),
    schema: tc.plan.experience.state.schema,
    check: (delta) => {
      out = tc.views.outWith(node.id, delta);
    },
  });
  if (step.kind === 'complete') {
    if (!(await completes(tc, step.event, { nodeId: node.id }, hash, 1))) return { outcome: fatalOr(node) };
    return { outcome: 'completed', ...(out ? { out } : {}) };
  }
  await tc.emit(step.event, true);
  return { outcome: fatalOr(node) };
}

/**
 * Appends a completion and waits until it is durable. When the log refuses it as too large (nothing
 * was written), the unit's final node.failed says why instead. Returns whether it completed.
 */
export async function completes(tc: TaskContext, event: NodeCompletedPayload, k: UnitKey, hash: UnitHash, attempt: number): Promise<boolean> {
  try {
    await tc.emit(event, true);
    return true;
  } catch (e) {
    if (!(e instanceof EventTooLargeError)) throw e;
    await tc.emit(outputRefused(k, hash, attempt, e, event.durationMs), true);
    return false;
  }
}

/** The last error the fold recorded for one iteration. */
function errorOf(tc: TaskContext, node: NodeDef, index: number): { error?: { name: string; message: string } } {
  const error = tc.state.nodes.get(node.id)?.iterations.get(index)?.error;
  return error ? { error } : {};
}
