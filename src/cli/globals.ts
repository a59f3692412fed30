// Global options (SPEC §4) and the process environment the CLI reads — the only place that reads
// process.env, so everything below receives plain values.
import type { Command } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';

/** `--log-format`: one JSON object per stdout line, or lines for people. */
export type LogFormat = 'json' | 'pretty';
/** `--log-level`, pino's levels. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** What every command receives: resolved global options, the cwd and the environment. */
export interface Globals {
  format: LogFormat;
  level: LogLevel;
  /** Absolute workspace directory (`--workspace`, env OE_WORKSPACE, else the cwd). */
  workspace: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal. */
  isTTY: boolean;
}

/** Adds the global options to the root command. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--log-format <format>', 'json | pretty (default: pretty on a TTY, json otherwise)')
    .option('--log-level <level>', 'trace | debug | info | warn | error', 'info')
    .option('--workspace <dir>', 'directory holding .openexpertise/ (env OE_WORKSPACE; default: the current directory)');
}

/**
 * Resolves global options from a command (they may stand before or after the command name).
 * @throws {UsageError} for an unknown format or level.
 */
export function resolveGlobals(cmd: Command, proc: { cwd: string; env: NodeJS.ProcessEnv; isTTY: boolean }): Globals {
  const o = cmd.optsWithGlobals() as { logFormat?: string; logLevel?: string; workspace?: string };
  const format = o.logFormat ?? (proc.isTTY ? 'pretty' : 'json');
  if (format !== 'json' && format !== 'pretty') throw new UsageError(`--log-format must be json or pretty, not ${JSON.stringify(format)}`);
  const level = o.logLevel ?? 'info';
  if (!LEVELS.includes(level as LogLevel)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
  const ws = o.workspace ?? proc.env.OE_WORKSPACE ?? proc.cwd;
  return {
    format,
    level: level as LogLevel,
    workspace: isAbsolute(ws) ? ws : resolve(proc.cwd, ws),
    cwd: proc.cwd,
    env: proc.env,
    isTTY: proc.isTTY,
  };
}

/**
 * Parses a positive integer option such as `--concurrency`.
 * @throws {UsageError} naming the flag and the value when it is not an integer ≥ 1.
 */
export function parsePositiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  }
  return n;
}
