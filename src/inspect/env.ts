// What the command shells (cmd-*.ts) receive from the CLI: the workspace, the output format and the
// sinks for the report (stdout) and diagnostics (stderr). Plain values, so tests pass their own.
import type { LogWarning } from '../log/reader.js';
import type { Sink } from './sink.js';

/** What the shell needs from the CLI: where the workspace is, how to print and warn. */
export interface InspectEnv {
  workspace: string;
  cwd: string;
  /** True when the report is printed as JSON (`--json`, or `--log-format json`). */
  json: boolean;
  out: Sink;
  /** A diagnostic for stderr (a torn last line, an unreadable log in a listing). */
  warn: (message: string) => void;
  /** A result line for people or JSON consumers (e.g. "report written"). */
  info: (msg: string, fields: Record<string, unknown>) => void;
}

/** Turns reader warnings into stderr diagnostics, `file:line: message`, naming the place once. */
export function warnWith(env: Pick<InspectEnv, 'warn'>): (w: LogWarning) => void {
  return (w) => {
    const where = `${w.file}:${w.line}: `;
    env.warn(where + w.message.split(where).join(''));
  };
}
