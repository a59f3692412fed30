// Whether a run's recorded process (run.started.options pid and host) is alive on this host: the one
// fact that tells a live run from a crashed one when the log has no run.completed (SPEC §3).
import { hostname } from 'node:os';
import type { RunOptions } from '../log/events.js';

/**
 * True when a process with this pid exists (signal 0 probes without signalling; EPERM means it
 * exists but belongs to someone else). False for a missing, non-positive or non-integer pid.
 * A pid reused by an unrelated process reads as alive: the log cannot tell them apart.
 */
export function isPidAlive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the run's recorded process is alive here: its `host` (when recorded) is this machine's
 * hostname and its `pid` is a live process. A pid recorded on another host says nothing here.
 */
export function isRunProcessAlive(options: Pick<RunOptions, 'pid' | 'host'> | undefined): boolean {
  if (!options) return false;
  if (typeof options.host === 'string' && options.host !== hostname()) return false;
  return isPidAlive(options.pid);
}
