// Real `oe worker` processes for tests (issue #13 §5): started with bin/oe in json format, their
// stdout lines parsed as they come, so a test can wait for "worker ready" or for an attempt to start.
import type { ChildProcess } from 'node:child_process';
import { spawnOe } from './cli.js';

/** One running `oe worker`. */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** The stdout lines so far, parsed. */
  lines: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the first line (so far or to come) that `pred` accepts; rejects after `timeoutMs`. */
  waitFor(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills it with `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Options of startWorker. */
export interface WorkerStart {
  redis: string;
  /** The worker's workspace (its cwd). */
  workspace: string;
  queue?: string;
  concurrency?: number;
  lostMs?: number;
  env?: Record<string, string | undefined>;
}

/** Starts `oe --log-format json worker …` and waits until it says it is ready. */
export async function startWorker(o: WorkerStart): Promise<WorkerProcess> {
  const args = ['--log-format', 'json', 'worker', '--redis', o.redis];
  if (o.queue) args.push('--queue', o.queue);
  if (o.concurrency) args.push('--concurrency', String(o.concurrency));
  if (o.lostMs) args.push('--worker-lost-ms', String(o.lostMs));
  const child = spawnOe(args, { cwd: o.workspace, ...(o.env ? { env: o.env } : {}) });
  child.stdin!.end();
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<{ pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  let buf = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue; // a tool's own print; only oe's JSON lines are collected
      }
      lines.push(line);
      for (const w of [...waiters]) if (w.pred(line)) (waiters.delete(w), w.resolve(line));
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const waitFor = (pred: (l: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> => {
    const seen = lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      waiters.add(w);
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`worker ${child.pid}: no such line within ${timeoutMs} ms\nstdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${err}`));
      }, timeoutMs);
      w.resolve = (l) => {
        clearTimeout(timer);
        resolve(l);
      };
      void exited.then(() => {
        if (waiters.has(w)) {
          waiters.delete(w);
          clearTimeout(timer);
          reject(new Error(`worker ${child.pid} exited before the line came\nstderr:\n${err}`));
        }
      });
    });
  };
  await waitFor((l) => l.msg === 'worker ready', 30_000);
  return {
    child,
    pid: child.pid!,
    lines,
    stderr: () => err,
    waitFor,
    exited,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The `attempt …` lines of a worker for one run. */
export function attemptLines(w: WorkerProcess, kind: 'started' | 'finished' | 'refused', runId?: string): Array<Record<string, unknown>> {
  return w.lines.filter((l) => l.msg === `attempt ${kind}` && (runId === undefined || l.runId === runId));
}
