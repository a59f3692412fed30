// The process side of a run executing in this process: the signals that cancel or pause it, the
// errors thrown outside any node's promise, an event loop that empties mid-run, and stdout kept for
// events in json format (SPEC §4, issue #8 §3). `oe run`, `oe resume` and `oe modify --resume` install
// it around the run loop; the loop itself never touches the process.
import type { ClaimHandle } from '../engine/live-claim.js';
import type { RunControl } from '../engine/run-control.js';
import { redactText } from '../log/redact.js';
import type { CliProcess } from './command.js';
import type { Output } from './output.js';

/** What guardRun needs of the executor: who owns a stray error, and failing attempts that can never settle. */
export interface GuardedExecutor {
  /** True when `e` was thrown by an in-process attempt's async work (that attempt then fails). */
  claimUncaught(e: unknown): boolean;
  /** Fails the attempts whose promises can never settle; returns how many. */
  failStalled(): number;
}

/**
 * Installs the run's process handlers and returns their uninstaller (call it once the run loop has
 * returned). Whatever happens, the log ends with run.completed: an error thrown outside a promise by
 * an in-process attempt fails that attempt (the executor knows whose it is); anything else is oe's
 * own bug and stops the run, its message (never its stack, unless `debug`) printed. An event loop
 * that empties while the run is not over means an attempt's promise can never settle: it fails (or,
 * if none is in flight, the run) instead of letting Node exit mid-log.
 */
export function guardRun(o: { control: RunControl; claim: ClaimHandle; proc: CliProcess; executor: GuardedExecutor; output: Output; secrets: readonly string[]; debug: boolean }): () => void {
  const { control, executor, output, secrets } = o;
  const stopSignals = installSignals(control, o.claim, o.proc);
  const onUncaught = (e: unknown): void => {
    if (executor.claimUncaught(e)) return;
    const error = e instanceof Error ? e : new Error(`non-Error value thrown: ${String(e)}`);
    output.err.error(
      { err: error.name, ...(o.debug ? { stack: redactText(error.stack ?? '', secrets) } : {}) },
      redactText(`uncaught ${error.name} thrown outside any node's promise: ${error.message} — the run is stopped`, secrets),
    );
    control.fail(error);
  };
  const onBeforeExit = (): void => {
    if (executor.failStalled() === 0) control.fail(new Error('the run stalled: nothing was left that could finish it'));
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  process.on('beforeExit', onBeforeExit);
  const restoreStdout = output.format === 'json' ? divertStdout() : () => {};
  return () => {
    stopSignals();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    process.off('beforeExit', onBeforeExit);
    restoreStdout();
  };
}

/**
 * SIGINT, SIGTERM and SIGHUP (a closed terminal) cancel the run: running nodes are aborted and the
 * log ends `cancelled`. A second one ends the process at once — after run.completed is written and
 * fsynced (issue #8 §3). SIGUSR2 pauses at the next node boundary. Returns the uninstaller.
 */
function installSignals(control: RunControl, claim: ClaimHandle, proc: CliProcess): () => void {
  let received = 0;
  const stop = (sig: string) => (): void => {
    if (++received === 1) {
      control.cancel(`cancelled by ${sig}`);
      return;
    }
    control.hardStop();
    claim.release();
    proc.exitNow(130);
  };
  const handlers: Array<[NodeJS.Signals, () => void]> = [
    ['SIGINT', stop('SIGINT')],
    ['SIGTERM', stop('SIGTERM')],
    ['SIGHUP', stop('SIGHUP')],
    ['SIGUSR2', () => control.pause()],
  ];
  for (const [sig, fn] of handlers) process.on(sig, fn);
  return () => {
    for (const [sig, fn] of handlers) process.off(sig, fn);
    // `oe pause` reads the log, then signals: its SIGUSR2 can land after the run has ended, and
    // the signal's default action would kill a process whose run succeeded (issue #12 §1).
    if (!process.listeners('SIGUSR2').includes(ignoreLatePause)) process.on('SIGUSR2', ignoreLatePause);
  };
}

/** Stands in for the pause handler once the run is over: there is nothing left to pause. */
const ignoreLatePause = (): void => {};

/**
 * SPEC §4: in json format every stdout line is one JSON object. Code on the main thread that prints
 * (console.log, process.stdout.write) would break `oe … | jq`, so while a run executes, writes through
 * process.stdout go to stderr. oe's own lines are unaffected: pino writes to fd 1 directly. (Tools
 * print from their threads, whose output the tool pool sends to stderr itself.)
 * @returns the function that restores process.stdout.write.
 */
function divertStdout(): () => void {
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    (process.stderr.write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}
