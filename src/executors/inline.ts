// The default executor: node attempts in this process. Tool attempts go to worker threads
// (tool-pool.ts), where a tool's code cannot end or stall the run; the other kinds (LLM calls,
// datasets) are oe's own code and run on the main thread, each inside an AsyncLocalStorage scope so
// that an error from its stray async work, or a promise that can never settle, fails that attempt
// and no other.
import { AsyncLocalStorage } from 'node:async_hooks';
import { executeAttempt, classifyError } from '../engine/execute.js';
import type { AttemptHooks, AttemptResult, AttemptTask, Executor } from '../engine/executor.js';
import type { LlmSettings } from '../nodes/runner.js';
import { runnerFor } from '../nodes/registry.js';
import type { ToolPool } from './tool-pool.js';

/** An in-process attempt in flight. */
interface InFlight {
  task: AttemptTask;
  /** Aborts the attempt from outside its promise (an uncaught error of its own, a stall). */
  controller: AbortController;
}

/** Raised for an in-process attempt whose promise can never settle. */
export class NeverSettledError extends Error {
  constructor(nodeId: string) {
    super(`node ${nodeId}'s promise never settled: nothing was left that could settle it (the event loop emptied)`);
    this.name = 'NeverSettledError';
  }
}

/** Runs attempts in this process: tools in worker threads, other kinds on the main thread. */
export class InlineExecutor implements Executor {
  private readonly scope = new AsyncLocalStorage<InFlight>();
  private readonly inFlight = new Set<InFlight>();

  private llm: LlmSettings = { provider: 'anthropic', defaultModel: '' };

  constructor(private readonly opts: { tools: ToolPool }) {}

  /** Sets the run's LLM settings (resolved after the executor was created, before any attempt). */
  setLlm(llm: LlmSettings): void {
    this.llm = llm;
  }

  async attempt(task: AttemptTask, hooks: AttemptHooks, signal: AbortSignal): Promise<AttemptResult> {
    if (task.node.kind === 'tool') return this.opts.tools.attempt(task, hooks, signal);
    let runner;
    try {
      runner = await runnerFor(task.node);
    } catch (e) {
      return { ok: false, ...classifyError(e), retryable: false };
    }
    const self: InFlight = { task, controller: new AbortController() };
    this.inFlight.add(self);
    try {
      return await this.scope.run(self, () =>
        executeAttempt(
          runner,
          task.node,
          task.input,
          {
            runId: task.runId,
            nodeId: task.node.id,
            log: hooks.log,
            experienceDir: task.experienceDir,
            args: task.args,
            ...(task.iteration ? { iteration: task.iteration } : {}),
            attempt: task.attempt,
            llm: this.llm,
            onRetry: hooks.onRetry,
          },
          { cancel: AbortSignal.any([signal, self.controller.signal]), schema: task.schema, ...(task.timeoutMs !== undefined ? { timeoutMs: task.timeoutMs } : {}) },
        ),
      );
    } finally {
      this.inFlight.delete(self);
    }
  }

  /**
   * Claims an uncaught exception or unhandled rejection raised by the async work of an in-process
   * attempt still in flight: that attempt fails with it. Returns false when no attempt owns it.
   */
  claimUncaught(error: unknown): boolean {
    const owner = this.scope.getStore();
    if (!owner || !this.inFlight.has(owner)) return false;
    const e = error instanceof Error ? error : new Error(String(error));
    owner.controller.abort(Object.assign(new Error(`node ${owner.task.node.id}: uncaught ${e.name}: ${e.message}, raised outside its promise`), { name: e.name }));
    return true;
  }

  /** Fails every in-process attempt in flight: called when the event loop emptied around them. */
  failStalled(): number {
    for (const f of this.inFlight) f.controller.abort(new NeverSettledError(f.task.node.id));
    return this.inFlight.size;
  }

  async close(): Promise<void> {
    await this.opts.tools.close();
  }
}
