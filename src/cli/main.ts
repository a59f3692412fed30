// argv → command. The only process.exit in oe (STYLE §3.8): typed errors exit with their code;
// anything else is a bug, reported as one.
import { CommanderError } from 'commander';
import { CancelledError, InternalError, OeError, ValidationError, formatProblem } from '../util/errors.js';
import { resolveGlobals, type Globals } from './globals.js';
import type { CliProcess } from './command.js';
import { buildProgram } from './program.js';

/**
 * Prints anything thrown out of a command once, on stderr, and returns the exit code. `globals` are
 * the resolved global options when parsing got that far; before that, the defaults apply.
 */
function report(error: unknown, globals: Globals | undefined, proc: CliProcess): number {
  if (error instanceof CommanderError) {
    // commander already printed help or its message; --help and --version exit 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  const debug = globals?.level === 'debug' || globals?.level === 'trace';
  // Issue #14 §6: stderr is for people whenever it is a terminal, whatever stdout is.
  const json = (globals?.errFormat ?? (proc.errIsTTY ? 'pretty' : (globals?.format ?? (proc.isTTY ? 'pretty' : 'json')))) === 'json';
  const emit = (obj: Record<string, unknown>, text: string): void => {
    // In JSON, a message's further lines (the candidates of an ambiguous run id, …) go in `detail`.
    const [first, ...rest] = text.split('\n');
    process.stderr.write(json ? JSON.stringify({ level: 50, time: Date.now(), ...obj, msg: first, ...(rest.length && !('problems' in obj) ? { detail: rest } : {}) }) + '\n' : `oe: ${text}\n`);
  };
  if (error instanceof ValidationError) {
    emit({ err: 'ValidationError', problems: error.problems.map(formatProblem) }, `${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} found:\n${error.problems.map(formatProblem).join('\n')}`);
    return error.exitCode;
  }
  if (error instanceof OeError && !(error instanceof InternalError)) {
    emit({ err: error.name, ...(debug ? { stack: error.stack } : {}) }, error instanceof CancelledError ? `cancelled: ${error.message}` : debug ? String(error.stack) : error.message);
    return error.exitCode;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  emit({ err: 'InternalError', stack: e.stack }, `internal error: ${e.message}\nThis is a bug in oe; please report it with the command you ran.${debug ? `\n${e.stack}` : ' (--log-level debug shows the stack)'}`);
  return 1;
}

/** Runs the CLI and exits the process with the command's code. */
export async function main(proc: CliProcess): Promise<never> {
  let code: number;
  let globals: Globals | undefined;
  try {
    const program = buildProgram(proc);
    program.hook('preAction', (_root, action) => {
      globals = resolveGlobals(action, proc);
    });
    await program.parseAsync(proc.argv, { from: 'user' });
    code = proc.exitCode();
  } catch (error) {
    code = report(error, globals, proc);
  }
  process.exit(code);
}

await main({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
  errIsTTY: Boolean(process.stderr.isTTY),
  exitNow: (code) => process.exit(code),
  ...exitCodeCell(),
});

function exitCodeCell(): Pick<CliProcess, 'exitCode' | 'setExitCode'> {
  let code = 0;
  return { exitCode: () => code, setExitCode: (c) => void (code = c) };
}
