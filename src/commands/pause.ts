// `oe pause <runId>` (SPEC §4, issue #11 §3): signals the live process executing a run, found from
// its log (run.started options pid/host/processStart), to stop at the next node boundary. Without
// --wait it returns once the run has the signal; with --wait, once run.paused is in the log (exit 1
// at --timeout, naming what still runs); --force cancels now. One JSON object with --json.
// `oe cancel` (cancel.ts) shares signalCommand. The signalling is engine/signal-run.ts.
import type { Command } from 'commander';
import type { CliProcess, Register } from '../cli/command.js';
import { startCommand } from '../cli/command.js';
import { parsePositiveInt } from '../cli/globals.js';

/** Default wait of `--wait` and of `oe cancel`, in seconds. */
export const DEFAULT_TIMEOUT_S = 60;

/** The flags of `oe pause` and `oe cancel`, as commander parses them. */
export interface ControlFlags {
  wait?: boolean;
  timeout?: string;
  json?: boolean;
  force?: boolean;
}

/** Adds `oe pause`. */
export const register: Register = (program, proc) => {
  program
    .command('pause')
    .argument('<runId>', 'the live run: a UUID, a unique prefix (≥ 4 hex digits), the short id oe prints, or latest')
    .description('stop a live run at the next node boundary (status paused, exit 3; oe resume continues it)')
    .option('--wait', 'return when the run has paused (run.paused is in its log)')
    .option('--timeout <s>', `with --wait: give up after this many seconds, exit 1 (default ${DEFAULT_TIMEOUT_S})`)
    .option('--force', 'cancel now instead, aborting running nodes')
    .option('--json', 'print the result as one JSON object')
    .action(async (runId: string, flags: ControlFlags, cmd: Command) => signalCommand(flags.force ? 'cancel' : 'pause', runId, flags, cmd, proc));
};

/**
 * Signals the live run `runIdArg` names and prints what happened: a line, or one JSON object
 * (`--json`, `--log-format json`) with the ControlResult.
 * @throws {UsageError} a bad run id or --timeout; {NotFoundError} no such run; {RunNotLiveError}
 *   the run is not live, or the wait ran out.
 */
export async function signalCommand(action: 'pause' | 'cancel', runIdArg: string, flags: ControlFlags, cmd: Command, proc: CliProcess): Promise<void> {
  const [{ parseRunRef }, { locateRun }] = await Promise.all([import('../inspect/run-ref.js'), import('../inspect/locate.js')]);
  const ref = parseRunRef(runIdArg); // before anything touches the file system
  const timeoutS = parsePositiveInt('--timeout', flags.timeout) ?? DEFAULT_TIMEOUT_S;
  const { globals, output } = await startCommand(cmd, proc);
  const runId = ref.kind === 'id' ? ref.runId : locateRun(globals.workspace, runIdArg, { cwd: globals.cwd }).runId;
  const { signalRun } = await import('../engine/signal-run.js');
  const r = await signalRun(globals.workspace, runId, action, flags.wait ? timeoutS * 1000 : undefined);
  if (flags.json || output.format === 'json') {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const ended = r.status ? `; the run ended ${r.status}${r.pending?.length ? ` with ${r.pending.join(', ')} pending` : ''}` : action === 'pause' ? '; it stops at the next node boundary' : '';
  output.out.info(`${action} requested for run ${runId} (pid ${r.pid})${ended}`);
}
