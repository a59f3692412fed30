// The run loop (the shell around the Decider, STYLE §3.3): read the fold → decide → execute → append
// → evolve, until the scheduler says the run is over. Whatever happens — a failing node, a cancel,
// a bug here — the log ends with run.completed.
import { join } from 'node:path';
import type { EventPayload, ExperienceRef, OeEvent, RunCompletedPayload, RunCounts, RunOptions, RunStatus, Usage } from '../log/events.js';
import { usageTotal } from '../log/usage.js';
import { evolve, initialState, type RunState } from '../log/fold.js';
import { isDurable, LogWriter } from '../log/writer.js';
import type { LlmSettings, NodeLogger } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import type { Clock } from '../util/clock.js';
import type { NodeId, RunId } from '../util/ids.js';
import type { RunControl } from './control.js';
import { errorRecord } from './execute.js';
import type { Hasher } from './hash.js';
import { finalState, type Plan } from './inputs.js';
import type { Memo } from './memo.js';
import { runNodeTask } from './node-task.js';
import { decide, isFatal, pendingNodes } from './schedule.js';
import type { StateValues } from './merge.js';

/** Where a run's log lives: `<workspace>/.openexpertise/runs/<runId>.jsonl` (SPEC §3). */
export function runLogPath(workspace: string, runId: RunId): string {
  return join(runsDir(workspace), `${runId}.jsonl`);
}

/** The directory holding a workspace's run logs. */
export function runsDir(workspace: string): string {
  return join(workspace, '.openexpertise', 'runs');
}

/** Everything a run needs, resolved and checked before the first event (STYLE §3.10). */
export interface RunParams {
  plan: Plan;
  runId: RunId;
  workspace: string;
  /** Absolute experience directory (node paths resolve against it). */
  experienceDir: string;
  experience: ExperienceRef;
  /** The definition to record in run.started. */
  definition: Json;
  options: RunOptions;
  llm: LlmSettings;
  resumedFrom?: RunId;
  memo?: Memo;
  oeVersion: string;
  clock: Clock;
  hasher: Hasher;
  control: RunControl;
  /** Values never to write to the log. */
  secrets: string[];
  /** Called with each event after it is appended and folded (the console). */
  onEvent(event: OeEvent): void;
  nodeLogger(nodeId: string, iteration?: number): NodeLogger;
}

/** How a run ended. `state` is the engine's fold of its own log. */
export interface RunResult {
  runId: RunId;
  status: RunStatus;
  /** The merge of every node's delta in the fixed order (SPEC §2.5). */
  finalState: StateValues;
  state: RunState;
  logFile: string;
  /** An error in oe itself that ended the run (recorded as run.completed failure). */
  internalError?: Error;
}

/**
 * Executes a run and writes its log. Resolves when run.completed is durable.
 * @throws {Error} only when the log cannot be created or written (e.g. the disk is full).
 */
export async function executeRun(p: RunParams): Promise<RunResult> {
  const logFile = runLogPath(p.workspace, p.runId);
  const writer = LogWriter.create({ file: logFile, runId: p.runId, clock: p.clock, secrets: p.secrets });
  const state = initialState();
  const t0 = p.clock.monotonic();
  let wake: () => void = () => {};
  let woken = new Promise<void>((r) => (wake = r));
  const notify = (): void => {
    wake();
    woken = new Promise<void>((r) => (wake = r));
  };
  let writeError: Error | undefined;
  const emit = async (payload: EventPayload): Promise<OeEvent> => {
    const event = writer.append(payload);
    evolve(state, event);
    p.onEvent(event);
    if (isDurable(event.type)) await writer.sync();
    return event;
  };
  const unsubscribe = p.control.onChange(notify);
  const tasks = new Map<NodeId, Promise<void>>();
  let status: RunStatus = 'failure';
  let internalError: Error | undefined;
  try {
    await emit({
      type: 'run.started',
      args: p.plan.args,
      experience: p.experience,
      definition: p.definition,
      ...(p.resumedFrom ? { resumedFrom: p.resumedFrom } : {}),
      options: p.options,
      oeVersion: p.oeVersion,
    });
    const tc = {
      plan: p.plan,
      state,
      runId: p.runId,
      experienceDir: p.experienceDir,
      options: p.options,
      llm: p.llm,
      hasher: p.hasher,
      clock: p.clock,
      control: p.control,
      ...(p.memo ? { memo: p.memo } : {}),
      emit: (payload: EventPayload) =>
        emit(payload).catch((e: Error) => {
          writeError ??= e;
          notify();
          throw e;
        }),
      nodeLogger: p.nodeLogger,
      fileHashes: new Map<string, Promise<string>>(),
    };
    const launching = new Set<NodeId>();
    for (;;) {
      if (writeError) throw writeError;
      const decisions = decide(p.plan, state, { launching, concurrency: p.options.concurrency, stop: p.control.request });
      const first = decisions[0];
      if (first === undefined) {
        await woken;
        continue;
      }
      if (first.type === 'finish') {
        status = p.control.failure ? 'failure' : first.status;
        break;
      }
      for (const d of decisions) {
        if (d.type === 'skip') await emit({ type: 'node.skipped', nodeId: d.nodeId, reason: d.reason });
        else if (d.type === 'start') {
          launching.add(d.nodeId);
          const task = runNodeTask(tc, p.plan.graph.nodes.get(d.nodeId)!)
            .catch((e: Error) => {
              writeError ??= e;
            })
            .finally(() => {
              launching.delete(d.nodeId);
              tasks.delete(d.nodeId);
              notify();
            });
          tasks.set(d.nodeId, task);
        }
      }
    }
  } catch (e) {
    // A bug in oe, or a log that cannot be written: stop the nodes, then record the failure.
    internalError = e instanceof Error ? e : new Error(String(e));
    status = 'failure';
    p.control.cancel('oe stopped the run after an internal error');
    await Promise.allSettled(tasks.values());
  } finally {
    unsubscribe();
  }
  if (writeError) {
    // The log cannot be written, so run.completed cannot be either: report the write error itself
    // (a failure to close the same file would only repeat it).
    await writer.close().catch(() => undefined);
    throw writeError;
  }
  if (status === 'paused') await emit({ type: 'run.paused', reason: 'pause requested', pending: pendingNodes(p.plan, state) });
  await emit(completion(p, state, status, Math.round(p.clock.monotonic() - t0), internalError));
  await writer.close();
  return {
    runId: p.runId,
    status,
    finalState: finalState(p.plan, state),
    state,
    logFile,
    ...(internalError ? { internalError } : {}),
  };
}

/** The run.completed payload: counts by node status, LLM totals, and the first fatal error in the log. */
function completion(p: RunParams, state: RunState, status: RunStatus, durationMs: number, internalError?: Error): RunCompletedPayload {
  const counts: RunCounts = { completed: 0, cached: 0, failed: 0, skipped: 0 };
  const spent: Usage[] = [];
  const saved: Usage[] = [];
  let error: RunCompletedPayload['error'];
  let errorSeq = Infinity;
  for (const id of p.plan.graph.order) {
    const n = state.nodes.get(id);
    if (!n) continue;
    if (n.status === 'completed' || n.status === 'cached' || n.status === 'failed' || n.status === 'skipped') counts[n.status]++;
    // The failure that stopped the run is the first in the log, not the first in topological order.
    if (isFatal(p.plan.graph.nodes.get(id)!, n) && n.error && (n.endedSeq ?? Infinity) < errorSeq) {
      error = { ...n.error, nodeId: id };
      errorSeq = n.endedSeq ?? Infinity;
    }
    for (const u of [n, ...n.iterations.values()]) {
      for (const spentOn of [u.status === 'completed' ? u.usage : undefined, u.failedUsage]) if (spentOn) (spentOn.replayed ? saved : spent).push(spentOn);
      if (u.status === 'cached' && u.savedUsage) saved.push(u.savedUsage);
    }
  }
  if (p.control.failure) error = errorRecord(p.control.failure);
  if (internalError) error = { name: 'InternalError', message: errorRecord(internalError).message };
  return {
    type: 'run.completed',
    status,
    durationMs,
    counts,
    ...usageFields(spent, saved),
    ...(error ? { error } : {}),
  };
}

/** run.completed's `usage` (spent) and `saved` (memo restores and replayed answers), issue #15. */
function usageFields(spent: Usage[], saved: Usage[]): Pick<RunCompletedPayload, 'usage' | 'saved'> {
  const usage = usageTotal(spent);
  const savedTotal = usageTotal(saved);
  return {
    ...(usage ? { usage } : {}),
    ...(savedTotal ? { saved: { ...savedTotal, replayedRequests: saved.filter((u) => u.replayed).reduce((k, u) => k + (u.requests ?? 1), 0) } } : {}),
  };
}
