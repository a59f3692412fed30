// What the command files share: the process as plain values, and the way a command starts.
import type { Command } from 'commander';
import { resolveGlobals, type Globals } from './globals.js';
import { createOutput, type Output } from './output.js';

/** The process a command runs in, as plain values (tests build their own). */
export interface CliProcess {
  /** Arguments after `oe`. */
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal. */
  isTTY: boolean;
  /** True when stderr is a terminal (default false). */
  errIsTTY?: boolean;
  /** The exit code the command chose (default 0). */
  exitCode(): number;
  /** A command that finished without throwing but must not exit 0 (a failed run) sets its code here. */
  setExitCode(code: number): void;
  /** Ends the process now with `code` (a second SIGINT during a run, after the log is closed). */
  exitNow(code: number): never;
}

/** Adds a command to the program; each command file exports one. */
export type Register = (program: Command, proc: CliProcess) => void;

/**
 * Resolves the global options and creates the output for a command's action.
 * @throws {UsageError} for bad global options.
 */
export async function startCommand(cmd: Command, proc: CliProcess): Promise<{ globals: Globals; output: Output }> {
  const globals = resolveGlobals(cmd, proc);
  return { globals, output: await createOutput(globals) };
}
