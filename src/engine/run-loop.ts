// The run loop (the shell around the Decider, STYLE §3.3): the scheduler decides → node tasks
// execute → events are appended → the fold evolves, until the scheduler says the run is over.
// Whatever happens — a failing node, a cancel, a bug here — the log ends with run.completed.
import type { EventPayload, ExperienceRef, OeEvent, RunOptions, RunStatus } from '../log/events.js';
import { evolve, initialState, type RunState } from '../log/fold.js';
import { completionOf, pendingNodes } from '../log/derive.js';
import { runLogPath } from '../log/paths.js';
import { EventTooLargeError } from '../log/event-size.js';
import { LogWriter } from '../log/writer.js';
import type { LlmSettings, NodeLogger } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import type { Clock } from '../util/clock.js';
import type { NodeId, RunId } from '../util/ids.js';
import type { RunControl } from './run-control.js';
import { errorRecord } from './execute.js';
import type { Executor } from './executor.js';
import type { Hasher } from './hash.js';
import { finalState, type Plan } from './inputs.js';
import type { StateValues } from './merge.js';
import type { Memo } from './memo.js';
import { skippedEvent } from './node-decide.js';
import { newPrepCache } from './node-prep.js';
import { runNodeTask, type TaskContext, type TaskResult } from './node-task.js';
import { usd } from './budget.js';
import { Scheduler, type Outcome } from './schedule.js';
import { RunViews, ViewBuilder } from './views.js';

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
  /** For a nested run: the parent run and its `experience` node (recorded in run.started). */
  parent?: { runId: RunId; nodeId: NodeId };
  /** On a resume: the child run the resume chain last started, per `experience` node unit (child-run.ts). */
  priorChildren?: ReadonlyMap<string, RunId>;
  oeVersion: string;
  clock: Clock;
  hasher: Hasher;
  control: RunControl;
  /** Where node attempts run (executors/inline.ts by default). */
  executor: Executor;
  /** Values never to write to the log. */
  secrets: string[];
  /**
   * Asks a person for a gate's verdict (issue #11 §1): on a TTY, resolves with one of `options`;
   * without one, undefined — the gate then waits and the run ends paused. Absent: never asks.
   */
  askGate?(gate: { nodeId: NodeId; message: string; options: string[]; default?: string }): Promise<string | undefined>;
  /** The environment the nodes see: declared `env:` parts are read from it (issue #9 §2). */
  env: Readonly<Record<string, string | undefined>>;
  /** A plan, not a run (engine/dry-run.ts): `experience` nodes start no nested run. */
  dryRun?: boolean;
  /** Called with each event after it is appended and folded (the console). */
  onEvent(event: OeEvent, state: Readonly<RunState>): void;
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
  const failed = (e: unknown): Error => {
    writeError ??= e instanceof Error ? e : new Error(String(e));
    notify();
    return writeError;
  };
  /**
   * Appends (one write), folds, and shows an event, synchronously; a durable event's promise
   * resolves once it is fsynced (group commit). Throws at once when the write fails, or with
   * EventTooLargeError (nothing written) for an event over the line limit.
   */
  const emit = (payload: EventPayload, durable: boolean): Promise<OeEvent> => {
    let event: OeEvent;
    try {
      event = writer.append(payload);
    } catch (e) {
      // An event over the line limit was not written (issue #12 §4): the log is intact, and the
      // node task records the refusal as the node's failure. Anything else means the log is broken.
      if (e instanceof EventTooLargeError) throw e;
      throw failed(e);
    }
    evolve(state, event);
    p.onEvent(event, state);
    if (!durable) return Promise.resolve(event);
    return writer.sync().then(
      () => event,
      (e: unknown) => {
        throw failed(e);
      },
    );
  };
  // A second signal ends the process at once: the log must still end with its one run.completed.
  // When the run is ending already (run.completed written, its fsync in flight), only make it
  // durable: a second run.completed would make the log unreadable, so unresumable (issue #12 §1).
  const unhardStop = p.control.onHardStop(() => {
    if (writer.closed) return;
    if (state.status === 'running') writer.append(completionOf(state, p.plan.graph.order, 'cancelled', Math.round(p.clock.monotonic() - t0), { name: 'CancelledError', message: 'the run was stopped at once by a second signal' }));
    writer.closeSync();
  });
  const unsubscribe = p.control.onChange(notify);
  const tasks = new Map<NodeId, Promise<void>>();
  let status: RunStatus = 'failure';
  let internalError: Error | undefined;
  const { graph } = p.plan;
  // Issue #11 §6: a node whose LLM request did not fit the budget is held, like a gate that waits:
  // nothing new starts and the run ends paused; a resume with a higher budget runs it again.
  // An experience node whose nested run paused at the (shared) budget is held too.
  const budgetStopped = (id: NodeId): boolean => p.llm.budget?.stop !== undefined && (stoppedByBudget(state, id) || graph.nodes.get(id)?.kind === 'experience');
  const held = (id: NodeId, outcome: Outcome): Outcome => ((outcome === 'fatal' || outcome === 'failed') && budgetStopped(id) ? 'waiting' : outcome);
  const views = new RunViews(graph, new ViewBuilder(p.plan.experience.state.schema, p.plan.seed));
  const scheduler = new Scheduler(graph, (id) => views.viewOf(id));
  try {
    await emit(
      {
        type: 'run.started',
        args: p.plan.args,
        experience: p.experience,
        definition: p.definition,
        ...(p.resumedFrom ? { resumedFrom: p.resumedFrom } : {}),
        ...(p.parent ? { parentRunId: p.parent.runId, parentNodeId: p.parent.nodeId } : {}),
        options: p.options,
        oeVersion: p.oeVersion,
      },
      false,
    );
    const tc: TaskContext = {
      plan: p.plan,
      state,
      views,
      runId: p.runId,
      experienceDir: p.experienceDir,
      options: p.options,
      llm: p.llm,
      hasher: p.hasher,
      clock: p.clock,
      control: p.control,
      executor: p.executor,
      ...(p.memo ? { memo: p.memo } : {}),
      emit,
      nodeLogger: p.nodeLogger,
      env: p.env,
      prep: newPrepCache(),
      ...(p.askGate ? { askGate: p.askGate } : {}),
      child: {
        workspace: p.workspace,
        executor: p.executor,
        hasher: p.hasher,
        clock: p.clock,
        llm: p.llm,
        secrets: p.secrets,
        env: p.env,
        oeVersion: p.oeVersion,
        nodeLogger: p.nodeLogger,
        options: p.options,
        parentRunId: p.runId,
        control: p.control,
        ...(p.priorChildren ? { priorChildren: p.priorChildren } : {}),
        ...(p.dryRun ? { dryRun: true } : {}),
      },
    };
    const finish = (id: NodeId, r: TaskResult): void => {
      views.finish(id, r.out);
      scheduler.done(id, held(id, r.outcome));
      // A pipeline's other stages finish with it (experience/topology.ts groups), after it, in stage order.
      for (const m of r.members ?? []) {
        views.finish(m.id, r.out);
        scheduler.done(m.id, held(m.id, m.outcome));
      }
    };
    for (;;) {
      if (writeError) throw writeError;
      const decisions = scheduler.next(p.options.concurrency, p.control.request);
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
        if (d.type === 'skip') {
          await emit(skippedEvent(d.nodeId, d.reason), false);
          views.skip(d.nodeId);
          scheduler.done(d.nodeId, 'skipped');
        } else if (d.type === 'start') {
          const id = d.nodeId;
          const task = runNodeTask(tc, graph.nodes.get(id)!)
            .then((r) => finish(id, r), (e: unknown) => void failed(e))
            .finally(() => {
              tasks.delete(id);
              notify();
            });
          tasks.set(id, task);
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
    unhardStop();
    await writer.close().catch(() => undefined);
    throw writeError;
  }
  if (status === 'paused') {
    const stop = p.llm.budget?.stop;
    const reason =
      p.control.request === 'pause'
        ? 'pause requested'
        : stop
          ? `budget: ${usd(stop.spentUsd)} spent of the --max-cost budget of ${usd(p.llm.budget!.maxUsd)}; node ${stop.nodeId}'s next LLM request could cost up to ${usd(stop.needUsd)}, so it was not sent`
          : `waiting at gate ${state.waiting.map((w) => w.nodeId).join(', ')} for a verdict`;
    const budget = stop && p.control.request !== 'pause' ? { budget: { maxCostUsd: p.llm.budget!.maxUsd, spentUsd: stop.spentUsd, nodeId: stop.nodeId, needUsd: stop.needUsd } } : {};
    // A node the budget stopped is left for the resume too, though its attempt is recorded failed.
    const pending = stop ? graph.order.filter((id) => pendingNodes(state, [id]).length > 0 || (state.nodes.get(id)?.status === 'failed' && budgetStopped(id))) : pendingNodes(state, graph.order);
    await emit({ type: 'run.paused', reason, pending, ...budget }, true);
  }
  const error = internalError ? { name: 'InternalError', message: errorRecord(internalError).message } : p.control.failure ? errorRecord(p.control.failure) : undefined;
  const fatal = (id: NodeId): boolean => graph.nodes.get(id)?.on_error.policy !== 'skip' && !budgetStopped(id);
  await emit(completionOf(state, graph.order, status, Math.round(p.clock.monotonic() - t0), error, fatal), true);
  unhardStop();
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

/** Whether a node's (or one of its iterations') last failure was a request the budget did not let out. */
function stoppedByBudget(state: RunState, id: NodeId): boolean {
  const n = state.nodes.get(id);
  if (!n) return false;
  if (n.error?.name === 'BudgetExceededError') return true;
  for (const it of n.iterations.values()) if (it.error?.name === 'BudgetExceededError') return true;
  return false;
}
