// `oe modify <runId> -c <edited.yaml> [--resume] [--wait] [--timeout <s>] [--json]` (issue #11 §4):
// steer a run with an edited experience without losing work. The edited file is validated first —
// a broken edit changes nothing (exit 2, every problem listed). Then a live run is paused (at the
// next node boundary; with --wait or --resume, until run.paused is in its log); the nodes the edit
// drops, adds and changes are reported; with --resume, the run is resumed with the edited file, so
// only what the edit changed (and what that reaches) executes. The prior log is never touched.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunState } from '../log/fold.js';
import type { RunId } from '../util/ids.js';
import type { CliProcess, Register } from '../cli/command.js';
import { startCommand } from '../cli/command.js';
import { parsePositiveInt } from '../cli/globals.js';
import { addRunFlags } from '../cli/run-flags.js';
import type { ResumeFlags } from './resume.js';

/** Default wait for the pause, in seconds (as `oe pause --wait`). */
const DEFAULT_TIMEOUT_S = 60;

interface ModifyFlags extends ResumeFlags {
  config: string;
  resume?: boolean;
  wait?: boolean;
  timeout?: string;
}

export const register: Register = (program, proc) => {
  addRunFlags(
    program
      .command('modify')
      .argument('<runId>', 'the run to steer: a UUID, a unique prefix (≥ 4 hex digits), the short id oe prints, or latest')
      .requiredOption('-c, --config <file>', 'the edited experience.yaml (validated before anything else)')
      .description('validate an edited experience, pause the run if it is live, report the nodes the edit drops, adds and changes; with --resume, resume the run with it')
      .option('--resume', 'resume the run with the edited experience (after it has paused): only what the edit changed executes')
      .option('--wait', 'wait until a live run has paused (implied by --resume)')
      .option('--timeout <s>', `give up waiting for the pause after this many seconds, exit 1 (default ${DEFAULT_TIMEOUT_S})`),
  ).action(async (runIdArg: string, flags: ModifyFlags, cmd: Command) => modify(runIdArg, flags, cmd, proc));
};

async function modify(runIdArg: string, flags: ModifyFlags, cmd: Command, proc: CliProcess): Promise<void> {
  const [{ parseRunRef }, { locateRun }] = await Promise.all([import('../inspect/run-ref.js'), import('../inspect/locate.js')]);
  const ref = parseRunRef(runIdArg); // before anything touches the file system
  const timeoutS = parsePositiveInt('--timeout', flags.timeout) ?? DEFAULT_TIMEOUT_S;
  const { globals, output } = await startCommand(cmd, proc);
  // 1. The edit must validate: a broken one changes nothing.
  const { loadExperience } = await import('../experience/load-experience.js');
  const edited = await loadExperience(flags.config, globals.cwd);
  const runId = ref.kind === 'id' ? ref.runId : locateRun(globals.workspace, runIdArg, { cwd: globals.cwd }).runId;
  const [{ readStatus }, { editDiff }] = await Promise.all([import('../log/derive.js'), import('../experience/edit-diff.js')]);
  const prior = await readPrior(globals.workspace, runId);
  const status = readStatus(prior.state, prior.live);
  const diff = editDiff(prior.definition, edited.experience);
  // 2. A live run pauses at its next node boundary.
  let paused: Awaited<ReturnType<typeof import('../engine/signal-run.js').signalRun>> | null = null;
  if (prior.live) {
    const { signalRun, waitForExit } = await import('../engine/signal-run.js');
    const wait = flags.wait === true || flags.resume === true;
    paused = await signalRun(globals.workspace, runId, 'pause', wait ? timeoutS * 1000 : undefined);
    // Its claim goes when its process exits, just after run.completed: the resume must not race it.
    if (flags.resume) await waitForExit(globals.workspace, runId, timeoutS * 1000);
  }
  const json = flags.json === true || output.format === 'json';
  const report = { runId, experience: flags.config, status: paused ? (paused.status ?? 'running') : status, ...diff, ...(paused ? { pause: paused } : {}) };
  if (json) process.stdout.write(`${JSON.stringify({ msg: 'modify', ...report })}\n`);
  else {
    const list = (xs: string[]): string => (xs.length ? xs.join(', ') : 'none');
    output.out.info(`run ${runId}${paused ? `: paused${paused.status ? '' : ' requested (it stops at the next node boundary)'}` : ` (${report.status})`}`);
    output.out.info(`the edit drops ${list(diff.dropped)} · adds ${list(diff.added)} · changes ${list(diff.changed)}`);
    if (!flags.resume) output.out.info(`next: oe resume ${runId} --experience ${flags.config} (add --dry-run to see what would execute)`);
  }
  // 3. Resume with the edit.
  if (flags.resume) {
    const { resumeRun } = await import('./resume.js');
    await resumeRun(globals, output, proc, runId, { ...flags, experience: resolve(globals.cwd, flags.config), reload: true });
  }
}

/** The prior run's recorded definition and whether its process still runs it. */
async function readPrior(workspace: string, runId: RunId): Promise<{ definition: unknown; state: RunState; live: boolean }> {
  const [{ existsSync }, { runLogPath, runsDir }, { foldStream }, { streamLog }, { isRunProcessAlive }, { NotFoundError }] = await Promise.all([
    import('node:fs'),
    import('../log/paths.js'),
    import('../log/fold.js'),
    import('../log/reader.js'),
    import('../log/liveness.js'),
    import('../util/errors.js'),
  ]);
  const file = runLogPath(workspace, runId);
  if (!existsSync(file)) throw new NotFoundError(`no run ${runId} in ${runsDir(workspace)}`);
  const state = await foldStream(streamLog(file), { detail: 'summary' });
  return { definition: state.definition, state, live: (state.status === 'running' || state.status === 'pending') && isRunProcessAlive(state.options) };
}
