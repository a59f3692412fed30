// Loads a run: streams its log through the one fold (STYLE §1). Never keeps the events, so a
// million-event log is summarised in the memory of its RunState (issue #5 item 5).
import { statSync } from 'node:fs';
import type { OeEvent, Usage } from '../log/events.js';
import { evolve, initialState, type NodeState, type RunState } from '../log/fold.js';
import { streamLog, type LogWarning } from '../log/reader.js';
import { LogFormatError } from '../util/errors.js';

/** A folded run and what the reader tolerated on the way. */
export interface LoadedRun {
  file: string;
  state: RunState;
  /** At most one: the torn last line of a crashed writer (SPEC §3.2 (2)). */
  warnings: LogWarning[];
}

/** Options of loadRun. */
export interface LoadOptions {
  /**
   * Drop what the summary never reads from each finished for_each iteration (its output, input hash,
   * hash parts and times) right after `evolve` applied its terminal event, and share usage model strings. The
   * fold keeps every iteration's output; on a 1M-event log (~500k iterations) that alone is ~430 MB
   * of heap, compacted it is ~140 MB (scripts/bench/inspect.mjs). Default true; `--node` and `--why`
   * turn it off to read each iteration in full.
   */
  compactIterations?: boolean;
}

/**
 * Folds the log at `file` with `evolve` over `streamLog(file)` (the same reducer as foldStream).
 * @param onWarning called as soon as the reader tolerates a defect (so the CLI prints it on stderr).
 * @throws {LogFormatError} (exit 1) for an empty file, a log whose first event is not run.started,
 *   a malformed line (naming file:line) or a newer format version `v`; {NotFoundError} if it vanished.
 */
export async function loadRun(file: string, onWarning: (w: LogWarning) => void = () => {}, opts: LoadOptions = {}): Promise<LoadedRun> {
  const warnings: LogWarning[] = [];
  if (statSync(file, { throwIfNoEntry: false })?.size === 0) throw new LogFormatError(`${file}: the run log is empty (the run crashed before writing run.started); nothing to inspect`);
  const compact = opts.compactIterations ?? true;
  const models = new Map<string, string>();
  let state = initialState();
  for await (const e of streamLog(file, (w) => {
    warnings.push(w);
    onWarning(w);
  })) {
    state = evolve(state, e);
    if (compact) compactIteration(state, e, models);
  }
  if (state.eventCount === 0) throw new LogFormatError(`${file}: the run log holds no complete event (the run crashed before writing run.started); nothing to inspect`);
  if (state.status === 'pending' || state.runId === undefined) throw new LogFormatError(`${file}:1: the first event is not run.started, so this is not a run log`);
  return { file, state, warnings };
}

/**
 * After a for_each iteration's terminal event: clears the fields inspect's summary never reads.
 * Fields are set to undefined, not deleted, so V8 keeps the objects' compact shape.
 */
function compactIteration(state: RunState, e: OeEvent, models: Map<string, string>): void {
  if (!('iteration' in e) || !e.iteration) return;
  if (!(e.type === 'node.completed' || e.type === 'node.cached' || (e.type === 'node.failed' && !e.willRetry))) return;
  const u = state.nodes.get(e.nodeId as NodeState['nodeId'])?.iterations.get(e.iteration.index);
  if (!u) return;
  u.output = undefined;
  u.hashParts = undefined;
  u.inputHash = undefined;
  u.startedAt = undefined;
  u.endedAt = undefined;
  u.endedSeq = undefined;
  if (u.usage) u.usage = shareModel(u.usage, models);
  if (u.savedUsage) u.savedUsage = shareModel(u.savedUsage, models);
  if (u.failedUsage) u.failedUsage = shareModel(u.failedUsage, models);
}

function shareModel(u: Usage, models: Map<string, string>): Usage {
  let m = models.get(u.model);
  if (m === undefined) models.set(u.model, (m = u.model));
  return { ...u, model: m };
}
