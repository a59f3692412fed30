// Finds the live process of a run from its log and signals it.
import { hostname } from 'node:os';
import { runLogPath, runsDir } from '../log/paths.js';
import type { RunStatus } from '../log/events.js';
import { foldStream } from '../log/fold.js';
import { streamLog } from '../log/reader.js';
import { sleep } from '../util/clock.js';
import { NotFoundError, OeError } from '../util/errors.js';
import type { RunId } from '../util/ids.js';
import { existsSync } from 'node:fs';
import { isRunProcessAlive } from '../log/liveness.js';

/** The run is not live: it ended, crashed, or runs on another machine. Exit 1. */
export class RunNotLiveError extends OeError {}

/** What `oe pause`/`oe cancel` report. `status` is set when the run ended within the wait. */
export interface SignalResult {
  runId: RunId;
  pid: number;
  signal: 'SIGUSR2' | 'SIGTERM';
  status?: RunStatus;
}

/**
 * Sends the pause (SIGUSR2) or cancel (SIGTERM) signal to the process executing `runId`, then waits
 * up to `waitMs` for its log to record run.completed.
 * @throws {NotFoundError} no such run; {RunNotLiveError} the run already ended, crashed, or was
 *   started on another host.
 */
export async function signalRun(workspace: string, runId: RunId, action: 'pause' | 'cancel', waitMs: number): Promise<SignalResult> {
  const file = runLogPath(workspace, runId);
  if (!existsSync(file)) throw new NotFoundError(`no run ${runId} in ${runsDir(workspace)}`);
  const state = await foldStream(streamLog(file));
  if (state.status !== 'running' && state.status !== 'pending') throw new RunNotLiveError(`run ${runId} is not live: it ended with status ${state.status}`);
  const pid = state.options?.pid;
  if (pid === undefined) throw new RunNotLiveError(`run ${runId} did not record its process id, so it cannot be signalled`);
  if (state.options?.host && state.options.host !== hostname()) throw new RunNotLiveError(`run ${runId} runs on host ${state.options.host}, not on this one`);
  if (!isRunProcessAlive(state.options)) throw new RunNotLiveError(`run ${runId} is not live: its process ${pid} is gone (the run crashed; resume it with oe resume ${runId})`);
  const signal = action === 'pause' ? 'SIGUSR2' : 'SIGTERM';
  process.kill(pid, signal);
  const result: SignalResult = { runId, pid, signal };
  for (let waited = 0; waited < waitMs; waited += 100) {
    await sleep(100);
    const now = await foldStream(streamLog(file));
    if (now.status !== 'running' && now.status !== 'pending') return { ...result, status: now.status };
  }
  return result;
}
