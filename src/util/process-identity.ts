// Who a process is, in a way that survives pid reuse (issue #8 §2): its pid, its host, and — on Linux
// — its start time since boot (field 22 of /proc/<pid>/stat, proc(5)) with the boot id
// (/proc/sys/kernel/random/boot_id). A pid alive with another start time is another program.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** What identifies a live process across machines and pid reuse. */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** `<boot id>:<start time in clock ticks>` on Linux; absent where /proc does not exist. */
  started?: string;
}

/** The start identity of a pid (`<boot id>:<ticks>`), or undefined without /proc or for a gone pid. */
export function startIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: fields count after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19]; // field 22 overall: fields 3.. start at index 0
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return ticks ? `${boot}:${ticks}` : undefined;
  } catch {
    return undefined;
  }
}

/** This process's identity. */
export function selfIdentity(): ProcessIdentity {
  const started = startIdentity(process.pid);
  return { pid: process.pid, host: hostname(), ...(started ? { started } : {}) };
}

/**
 * True when the identified process is alive: on this host, its pid exists (signal 0; EPERM means it
 * exists but is someone else's), and — when a start identity was recorded and can be read — that
 * pid started at the recorded time. A process on another host cannot be checked and reads as not
 * alive here (the caller says so).
 */
export function isAlive(id: Partial<ProcessIdentity> | undefined): boolean {
  if (!id || typeof id.pid !== 'number' || !Number.isInteger(id.pid) || id.pid <= 0) return false;
  if (typeof id.host === 'string' && id.host !== hostname()) return false;
  try {
    process.kill(id.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (typeof id.started !== 'string') return true;
  const now = startIdentity(id.pid);
  return now === undefined || now === id.started;
}
