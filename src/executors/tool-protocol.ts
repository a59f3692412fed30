// The messages between the tool pool (main thread) and a tool's worker thread.
import type { AttemptResult } from '../engine/executor.js';
import type { NodeDef } from '../experience/types.js';
import type { ErrorRecord, Iteration } from '../log/events.js';
import type { NodeInput } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import type { NodeId, RunId } from '../util/ids.js';

/** Main thread → worker. */
export type ToWorker =
  | {
      t: 'run';
      /** The attempt's id in this pool. */
      id: number;
      node: NodeDef;
      input: NodeInput;
      ctx: { runId: RunId; nodeId: NodeId; experienceDir: string; args: { [name: string]: Json }; iteration?: Iteration; attempt: number };
    }
  | { t: 'abort'; id: number; reason: ErrorRecord };

/** Worker → main thread. `id` null means: outside any attempt's async scope. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'log'; id: number; level: 'debug' | 'info' | 'warn' | 'error'; obj?: Record<string, unknown>; msg: string }
  /** The attempt's result, JSON-checked in the worker (writes are checked on the main thread). */
  | { t: 'done'; id: number; result: AttemptResult }
  /** The tool called process.exit(code); the thread ends next. */
  | { t: 'exit'; id: number | null; code: number }
  /** An uncaught exception or unhandled rejection, with the attempt whose async work raised it. */
  | { t: 'stray'; id: number | null; error: ErrorRecord; kind: 'uncaughtException' | 'unhandledRejection' };
