// Loads a run: streams its log through the one fold (STYLE §1). Never keeps the events, so a
// million-event log is summarised in the memory of its RunState (issue #5 item 5).
import { statSync } from 'node:fs';
import { evolve, initialState, type RunState } from './fold.js';
import { streamLog, type LogWarning } from './reader.js';
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
   * Fold in `summary` detail (fold.ts): finished for_each iterations keep no output, hash or times.
   * Default true; `--node` and `--why` turn it off to read each iteration in full.
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
  let state = initialState({ detail: opts.compactIterations ?? true ? 'summary' : 'full' });
  for await (const e of streamLog(file, (w) => {
    warnings.push(w);
    onWarning(w);
  })) {
    state = evolve(state, e);
  }
  if (state.eventCount === 0) throw new LogFormatError(`${file}: the run log holds no complete event (the run crashed before writing run.started); nothing to inspect`);
  if (state.status === 'pending' || state.runId === undefined) throw new LogFormatError(`${file}:1: the first event is not run.started, so this is not a run log`);
  return { file, state, warnings };
}
