// Executes one node of the plan from start to finish: input hash, memo lookup, attempts with
// retries, and for_each fan-out with its own concurrency. Every outcome becomes events through
// `emit`; nothing thrown escapes (STYLE §3.9).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getPath, parseStatePath } from '../experience/path.js';
import type { NodeDef } from '../experience/types.js';
import type { EventPayload, Iteration, NodeOutput, OeEvent, RunOptions } from '../log/events.js';
import type { RunState } from '../log/fold.js';
import type { LlmSettings, NodeLogger, NodeRunner } from '../nodes/runner.js';
import { runnerFor } from '../nodes/registry.js';
import { canonicalJson, type Json } from '../util/canonical-json.js';
import { sleep, type Clock } from '../util/clock.js';
import { asInputHash, type InputHash, type RunId } from '../util/ids.js';
import type { RunControl } from './control.js';
import { errorRecord, executeAttempt } from './execute.js';
import { computeInputHash, type HashInputs, type Hasher, type InputHashResult } from './hash.js';
import { inputBundle, nodeInputs, type NodeInputs, type Plan } from './inputs.js';
import { mergeDelta, type StateValues } from './merge.js';
import { memoKey, type Memo, type MemoEntry } from './memo.js';
import { retryDelayMs } from './retry.js';

/** What a node task needs from the run. */
export interface TaskContext {
  plan: Plan;
  /** The run's folded state (read when the task starts, to compute the node's inputs). */
  state: RunState;
  runId: RunId;
  experienceDir: string;
  options: RunOptions;
  llm: LlmSettings;
  hasher: Hasher;
  clock: Clock;
  control: RunControl;
  memo?: Memo;
  /** Appends an event, folds it, and resolves once it is durable. */
  emit(payload: EventPayload): Promise<OeEvent>;
  nodeLogger(nodeId: string, iteration?: number): NodeLogger;
  /** Content hashes of files already read in this run, by absolute path. */
  fileHashes: Map<string, Promise<string>>;
}

type UnitOutcome = { ok: true; output: NodeOutput } | { ok: false };

/** Thrown while preparing a node (before any attempt): a missing file, a bad for_each source. */
class NodePrepareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodePrepareError';
  }
}

/**
 * Runs one node to a final event: node.cached, node.completed or node.failed (willRetry false).
 * Resolves when that event is durable. Never rejects unless the log itself cannot be written.
 */
export async function runNodeTask(tc: TaskContext, node: NodeDef): Promise<void> {
  let base: HashInputs | undefined;
  let inputs: NodeInputs | undefined;
  let runner: NodeRunner;
  try {
    runner = await runnerFor(node);
    inputs = nodeInputs(tc.plan, tc.state, node);
    const state: HashInputs['state'] = {};
    for (const f of node.reads) state[f] = inputs.state[f];
    base = {
      definition: node as unknown as Json,
      args: inputs.args,
      state,
      edges: inputs.edges,
      files: await hashFiles(tc, await runner.files(node, tc.experienceDir)),
      ...(await modelOf(runner, node, tc)),
    };
  } catch (e) {
    await failUnprepared(tc, node, base, e);
    return;
  }
  if (!node.for_each) {
    await runUnit(tc, node, runner, inputs, base);
    return;
  }
  await runForEach(tc, node, runner, inputs, base);
}

async function modelOf(runner: NodeRunner, node: NodeDef, tc: TaskContext): Promise<{ model?: string }> {
  const model = await runner.model?.(node, { experienceDir: tc.experienceDir, llm: tc.llm });
  return model === undefined ? {} : { model };
}

async function hashFiles(tc: TaskContext, paths: string[]): Promise<{ [path: string]: string }> {
  const out: { [path: string]: string } = {};
  for (const rel of paths) {
    const abs = resolve(tc.experienceDir, rel);
    let p = tc.fileHashes.get(abs);
    if (!p) {
      p = readFile(abs).then(
        (buf) => tc.hasher.bytes(buf),
        (e: NodeJS.ErrnoException) => {
          throw new NodePrepareError(`cannot read ${rel} (${e.code ?? e.message}) in ${tc.experienceDir}`);
        },
      );
      tc.fileHashes.set(abs, p);
    }
    out[rel] = await p;
  }
  return out;
}

/** Records a failure that happened before the node could start (its hash may be partial). */
async function failUnprepared(tc: TaskContext, node: NodeDef, base: HashInputs | undefined, e: unknown): Promise<void> {
  const inputHash: InputHash = base
    ? computeInputHash(tc.hasher, base).inputHash
    : asInputHash(tc.hasher.string(canonicalJson({ node: node as unknown as Json, unprepared: true })));
  await tc.emit({ type: 'node.failed', nodeId: node.id, inputHash, attempt: 1, error: errorRecord(e), willRetry: false });
}

/** One node, or one iteration of a for_each node: memo lookup, then attempts until success or the policy gives up. */
async function runUnit(
  tc: TaskContext,
  node: NodeDef,
  runner: NodeRunner,
  inputs: NodeInputs,
  hashInputs: HashInputs,
  iteration?: { item: Json; index: number },
): Promise<UnitOutcome> {
  const { inputHash, hashParts } = computeInputHash(tc.hasher, hashInputs);
  const iter: { iteration?: Iteration } = iteration ? { iteration: { index: iteration.index } } : {};
  const hit = node.cache && tc.memo ? tc.memo.get(memoKey(node.id, iteration?.index, inputHash)) : undefined;
  if (hit) {
    await emitCached(tc, node, hit, { inputHash, hashParts }, iteration?.index);
    return { ok: true, output: hit.output };
  }
  for (let attempt = 1; ; attempt++) {
    await tc.emit({ type: 'node.started', nodeId: node.id, ...iter, inputHash, hashParts, attempt });
    const t0 = tc.clock.monotonic();
    const result = await executeAttempt(
      runner,
      node,
      inputBundle(inputs, iteration),
      {
        runId: tc.runId,
        nodeId: node.id,
        log: tc.nodeLogger(node.id, iteration?.index),
        experienceDir: tc.experienceDir,
        args: tc.plan.args,
        ...iter,
        attempt,
        llm: tc.llm,
        onRetry: (info) => void tc.emit({ type: 'node.retrying', nodeId: node.id, ...iter, attempt, ...info }),
      },
      { cancel: tc.control.signal, schema: tc.plan.experience.state.schema, ...(node.timeout !== undefined ? { timeoutMs: node.timeout } : {}) },
    );
    const durationMs = Math.round(tc.clock.monotonic() - t0);
    if (result.ok && !iteration) {
      try {
        mergeDelta(structuredClone(inputs.view), result.output.state_delta, tc.plan.experience.state.schema);
      } catch (e) {
        await tc.emit({ type: 'node.failed', nodeId: node.id, inputHash, attempt, error: errorRecord(e), willRetry: false, durationMs });
        return { ok: false };
      }
    }
    if (result.ok) {
      await tc.emit({ type: 'node.completed', nodeId: node.id, ...iter, inputHash, output: result.output, durationMs, ...(result.usage ? { usage: result.usage } : {}) });
      return { ok: true, output: result.output };
    }
    const delay = tc.control.request === 'cancel' || !result.retryable ? null : retryDelayMs(node.on_error, attempt);
    await tc.emit({
      type: 'node.failed',
      nodeId: node.id,
      ...iter,
      inputHash,
      attempt,
      error: result.error,
      willRetry: delay !== null,
      durationMs,
      ...(result.usage ? { usage: result.usage } : {}),
    });
    if (delay === null) return { ok: false };
    try {
      await sleep(delay, tc.control.signal);
    } catch (e) {
      // Cancelled during the backoff: the retry announced above will not happen; say so.
      await tc.emit({ type: 'node.failed', nodeId: node.id, ...iter, inputHash, attempt, error: errorRecord(e), willRetry: false });
      return { ok: false };
    }
  }
}

/** Restores a node, or one iteration of it, from the memo: node.cached naming the run that executed it. */
async function emitCached(tc: TaskContext, node: NodeDef, hit: MemoEntry, hash: InputHashResult, index?: number): Promise<void> {
  await tc.emit({
    type: 'node.cached',
    nodeId: node.id,
    ...(index !== undefined ? { iteration: { index } } : {}),
    inputHash: hash.inputHash,
    hashParts: hash.hashParts,
    output: hit.output,
    fromRunId: hit.fromRunId,
    ...(hit.durationMs !== undefined ? { savedDurationMs: hit.durationMs } : {}),
    ...(hit.usage ? { savedUsage: hit.usage } : {}),
  });
}

/**
 * Restores every iteration of a for_each node that the memo holds, in one batch: the events are
 * appended in index order at once and share one fsync, so a fan-out of thousands restores in
 * milliseconds. Returns the restored outcomes by index (undefined where the memo has nothing).
 */
async function restoreIterations(tc: TaskContext, node: NodeDef, base: HashInputs, items: Json[]): Promise<Array<UnitOutcome | undefined>> {
  // Dense, not `new Array(n)`: flatMap and friends skip holes, and a hole must read as "not run".
  const outcomes: Array<UnitOutcome | undefined> = Array.from({ length: items.length }, () => undefined);
  if (!node.cache || !tc.memo) return outcomes;
  const restored: Array<Promise<void>> = [];
  for (let index = 0; index < items.length; index++) {
    const unit = computeInputHash(tc.hasher, { ...base, item: items[index]!, index });
    const hit = tc.memo.get(memoKey(node.id, index, unit.inputHash));
    if (!hit) continue;
    outcomes[index] = { ok: true, output: hit.output };
    restored.push(emitCached(tc, node, hit, unit, index));
  }
  await Promise.all(restored);
  return outcomes;
}

/**
 * A for_each node: its own (aggregate) hash covers the whole source array, so an unchanged fan-out is
 * restored whole — its iterations, then the node itself, so that this log resumed in turn after one
 * item changed still restores the others one by one (issue #3: every log is self-contained).
 * Otherwise the iterations the memo holds are restored, the others run, at most
 * `for_each.concurrency` at once, and the node completes with the iterations' deltas merged by index
 * (SPEC §2.5) and their edge outputs as an array (null for a failed iteration).
 */
async function runForEach(tc: TaskContext, node: NodeDef, runner: NodeRunner, inputs: NodeInputs, base: HashInputs): Promise<void> {
  const fe = node.for_each!;
  const items = getPath(inputs.view, parseStatePath(fe.source) ?? []);
  if (!Array.isArray(items)) {
    const got = items === undefined ? 'nothing (the field is not set)' : items === null ? 'null' : typeof items;
    await failUnprepared(tc, node, base, new NodePrepareError(`for_each.source ${fe.source} must be an array, got ${got}`));
    return;
  }
  const aggregate = { ...base, items };
  const { inputHash, hashParts } = computeInputHash(tc.hasher, aggregate);
  const hit = node.cache && tc.memo ? tc.memo.get(memoKey(node.id, undefined, inputHash)) : undefined;
  if (hit) {
    await restoreIterations(tc, node, base, items);
    await emitCached(tc, node, hit, { inputHash, hashParts });
    return;
  }
  await tc.emit({ type: 'node.started', nodeId: node.id, inputHash, hashParts, attempt: 1 });
  const t0 = tc.clock.monotonic();
  const outcomes = await restoreIterations(tc, node, base, items);
  const todo = outcomes.flatMap((o, index) => (o ? [] : [index]));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length && tc.control.request !== 'cancel') {
      const index = todo[next++]!;
      outcomes[index] = await runUnit(tc, node, runner, inputs, { ...base, item: items[index]!, index }, { item: items[index]!, index });
    }
  };
  await Promise.all(Array.from({ length: Math.min(fe.concurrency, todo.length) }, worker));
  const durationMs = Math.round(tc.clock.monotonic() - t0);
  const failed = outcomes.flatMap((o, i) => (o?.ok === true ? [] : [i]));
  if (failed.length > 0 && (node.on_error.policy !== 'skip' || tc.control.request === 'cancel')) {
    const first = failed[0]!;
    const detail = tc.state.nodes.get(node.id)?.iterations.get(first)?.error?.message ?? 'not run: the run was cancelled';
    await tc.emit({
      type: 'node.failed',
      nodeId: node.id,
      inputHash,
      attempt: 1,
      error: { name: 'ForEachError', message: `${failed.length} of ${items.length} iterations failed; first, [${first}]: ${detail}` },
      willRetry: false,
      durationMs,
    });
    return;
  }
  let delta: StateValues = {};
  try {
    for (const o of outcomes) if (o?.ok) delta = mergeDelta(delta, o.output.state_delta, tc.plan.experience.state.schema);
    mergeDelta(structuredClone(inputs.view), delta, tc.plan.experience.state.schema);
  } catch (e) {
    await tc.emit({ type: 'node.failed', nodeId: node.id, inputHash, attempt: 1, error: errorRecord(e), willRetry: false, durationMs });
    return;
  }
  const edge_output = outcomes.map((o) => (o?.ok ? o.output.edge_output : null));
  await tc.emit({ type: 'node.completed', nodeId: node.id, inputHash, output: { state_delta: delta, edge_output }, durationMs });
}
