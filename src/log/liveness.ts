// Whether a run's recorded process is alive (SPEC §3): the one fact that tells a live run from a
// crashed one when its log has no run.completed. run.started.options records the process's pid,
// host and start time (util/process-identity.ts), so a reused pid reads as gone.
import { isAlive, type ProcessIdentity } from '../util/process-identity.js';
import type { RunOptions } from './events.js';

/** The process identity recorded in a run's options, if any. */
export function runProcess(options: Pick<RunOptions, 'pid' | 'host' | 'processStart'> | undefined): ProcessIdentity | undefined {
  if (!options || typeof options.pid !== 'number') return undefined;
  return {
    pid: options.pid,
    host: typeof options.host === 'string' ? options.host : '',
    ...(typeof options.processStart === 'string' ? { started: options.processStart } : {}),
  };
}

/**
 * True when the run's recorded process is alive here: on this host, its pid live, and (when
 * recorded) started when the run's process did. A run recorded on another host reads as not alive.
 */
export function isRunProcessAlive(options: Pick<RunOptions, 'pid' | 'host' | 'processStart'> | undefined): boolean {
  const id = runProcess(options);
  if (!id) return false;
  return isAlive(id.host === '' ? { pid: id.pid, ...(id.started ? { started: id.started } : {}) } : id);
}
