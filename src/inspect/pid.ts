// Whether a run's recorded pid (run.started.options.pid) is a live process on this host: the one
// fact that tells a live run from a crashed one when the log has no run.completed (SPEC §3).

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
