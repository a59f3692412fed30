// `oe pause <runId>` and `oe cancel <runId>` (SPEC §4): signal the live process executing a run.
// The run's log says which process that is (run.started options.pid/host); the signal handlers in
// launch.ts turn SIGUSR2 into a pause at the next node boundary and SIGTERM into a cancel.
import type { Command } from 'commander';
import type { CliProcess, Register } from './command.js';
import { startCommand } from './command.js';

/** How long `oe pause`/`oe cancel` wait for the run to record its end, in ms. */
const WAIT_MS = 30_000;

export const register: Register = (program, proc) => {
  for (const [name, what] of [
    ['pause', 'stop a live run at the next node boundary (status paused; resume it later)'],
    ['cancel', 'stop a live run now, aborting running nodes (status cancelled)'],
  ] as const) {
    program
      .command(name)
      .argument('<runId>', 'the live run: a UUID, a unique prefix (≥ 4 hex digits), the short id oe prints, or latest')
      .option('--no-wait', 'return once the signal is sent, without waiting for the run to end')
      .description(what)
      .action(async (runId: string, flags: { wait: boolean }, cmd: Command) => control(name, runId, flags.wait, cmd, proc));
  }
};

async function control(action: 'pause' | 'cancel', runIdArg: string, wait: boolean, cmd: Command, proc: CliProcess): Promise<void> {
  const [{ parseRunRef }, { locateRun }] = await Promise.all([import('../inspect/run-ref.js'), import('../inspect/locate.js')]);
  const ref = parseRunRef(runIdArg); // before anything touches the file system
  const { globals, output } = await startCommand(cmd, proc);
  const runId = ref.kind === 'id' ? ref.runId : locateRun(globals.workspace, runIdArg, { cwd: globals.cwd }).runId;
  const { signalRun } = await import('./control-run.js');
  const result = await signalRun(globals.workspace, runId, action, wait ? WAIT_MS : 0);
  if (output.format === 'json') output.out.info(result, `${action} requested`);
  else output.out.info(`${action} requested for run ${runId} (pid ${result.pid})${result.status ? `; the run ended ${result.status}` : ''}`);
}
