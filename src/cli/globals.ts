// Global options (SPEC §4, issue #14 §3, §5, §6) and the process environment the CLI reads — the
// only place that reads process.env, so everything below receives plain values.
import type { Command } from 'commander';
import { UsageError } from '../util/errors.js';
import { parseColorMode, useColor, type ColorMode } from './color.js';
import { resolveWorkspace } from './workspace.js';

/** `--log-format`: one JSON object per stdout line, or lines for people. */
export type LogFormat = 'json' | 'pretty';
/** `--log-level`, pino's levels. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** What every command receives: resolved global options, the cwd and the environment. */
export interface Globals {
  /** The format of stdout. */
  format: LogFormat;
  /**
   * The format of stderr (issue #14 §6): lines for people whenever stderr is a terminal, whatever
   * stdout is; otherwise the same as stdout.
   */
  errFormat?: LogFormat;
  level: LogLevel;
  /** Absolute workspace directory (`--workspace`, env OE_WORKSPACE, else the nearest `.openexpertise/`, else the cwd). */
  workspace: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal. */
  isTTY: boolean;
  /** True when stderr is a terminal. */
  errIsTTY?: boolean;
  /** Whether stdout and stderr get colour (`--color`, FORCE_COLOR, NO_COLOR, the terminal). */
  color?: { out: boolean; err: boolean };
}

/** The process facts resolveGlobals reads. */
export interface ProcessFacts {
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  errIsTTY?: boolean;
}

/** Adds the global options to the root command. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--log-format <format>', 'json | pretty (default: pretty on a TTY, json otherwise)')
    .option('--log-level <level>', 'trace | debug | info | warn | error', 'info')
    .option('--workspace <dir>', 'directory holding .openexpertise/ (env OE_WORKSPACE; default: the nearest one in this directory or a parent, else this directory)')
    .option('--color <when>', 'auto | always | never (also NO_COLOR, FORCE_COLOR)', 'auto');
}

/**
 * Resolves global options from a command (they may stand before or after the command name). A
 * command's own `--json` means `--log-format json` for its stdout.
 * @throws {UsageError} for an unknown format, level or colour mode.
 */
export function resolveGlobals(cmd: Command, proc: ProcessFacts): Globals {
  const o = cmd.optsWithGlobals() as { logFormat?: string; logLevel?: string; workspace?: string; color?: string; json?: boolean };
  const format = o.json === true ? 'json' : (o.logFormat ?? (proc.isTTY ? 'pretty' : 'json'));
  if (format !== 'json' && format !== 'pretty') throw new UsageError(`--log-format must be json or pretty, not ${JSON.stringify(format)}`);
  const level = o.logLevel ?? 'info';
  if (!LEVELS.includes(level as LogLevel)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
  const mode: ColorMode = parseColorMode(o.color);
  const errIsTTY = proc.errIsTTY ?? false;
  return {
    format,
    errFormat: errIsTTY ? 'pretty' : format,
    level: level as LogLevel,
    workspace: resolveWorkspace(o.workspace ?? proc.env.OE_WORKSPACE, proc.cwd),
    cwd: proc.cwd,
    env: proc.env,
    isTTY: proc.isTTY,
    errIsTTY,
    color: { out: useColor(mode, proc.env, proc.isTTY), err: useColor(mode, proc.env, errIsTTY) },
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
