// One sub-process of a cli-agent node (issue #10 §2): spawned in its own process group, so a timeout,
// a cancel or the end of oe reaches everything it started: SIGTERM to the group, SIGKILL 2 s later.
// The only I/O of the cli-agent kind besides recordings.
import { spawn } from 'node:child_process';

/** How long a process group gets between SIGTERM and SIGKILL, in ms. */
export const KILL_GRACE_MS = 2_000;
/** The most stdout kept, in bytes; a CLI printing more fails the node. */
export const MAX_STDOUT_BYTES = 64 * 1024 * 1024;
/** The stderr tail kept for messages, in characters. */
export const STDERR_TAIL_CHARS = 2_000;

/** What a finished sub-process did. */
export interface ProcessOutcome {
  stdout: string;
  /** The last STDERR_TAIL_CHARS characters of stderr. */
  stderrTail: string;
  /** null when it ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when `timeoutMs` passed and oe killed it. */
  timedOut: boolean;
}

/** The executable is not on PATH (or not executable). Another attempt cannot help. */
export class CliNotFoundError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'CliNotFoundError';
  }
}

// Process groups still running, killed when oe exits (a cancel ends oe before the SIGKILL grace runs out).
const live = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (e) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
}

/**
 * Runs `cmd args` in `cwd` with `env`, stdin closed, and collects its output. `timeoutMs` and `signal`
 * both stop it: SIGTERM to its process group, SIGKILL KILL_GRACE_MS later if it is still there. An
 * aborted run rejects with `signal.reason` once the process is gone.
 * @throws {CliNotFoundError} when `cmd` cannot be started (ENOENT / EACCES).
 */
export function runProcess(cmd: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; signal: AbortSignal }): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(opts.signal.reason);
    installExitHook();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let tooMuch = false;
    let err = '';
    let timedOut = false;
    let stopping: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (child.pid === undefined || stopping) return;
      killGroup(child.pid, 'SIGTERM');
      stopping = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    const onAbort = (): void => stop();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    if (child.pid !== undefined) live.add(child.pid);
    child.stdout!.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > MAX_STDOUT_BYTES) {
        if (!tooMuch) stop();
        tooMuch = true;
        return;
      }
      out.push(b);
    });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      err = (err + s).slice(-STDERR_TAIL_CHARS);
    });
    const done = (): void => {
      clearTimeout(timer);
      clearTimeout(stopping);
      opts.signal.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) live.delete(child.pid);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      done();
      if (e.code === 'ENOENT' || e.code === 'EACCES') reject(new CliNotFoundError(`cannot run ${cmd}: ${e.code === 'ENOENT' ? 'not found on PATH' : 'not executable'}`));
      else reject(e);
    });
    child.on('close', (exitCode, signal) => {
      done();
      if (opts.signal.aborted && !timedOut) return reject(opts.signal.reason);
      if (tooMuch) return reject(new Error(`${cmd} printed more than ${MAX_STDOUT_BYTES} bytes on stdout`));
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderrTail: err, exitCode, signal, timedOut });
    });
  });
}
