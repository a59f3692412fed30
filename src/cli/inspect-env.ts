// What the read commands (inspect, runs, diff) print through: the workspace, the output format, the
// sink for the report (stdout, with backpressure) and the diagnostics (stderr).
import type { LogWarning } from '../log/reader.js';
import type { Globals } from './globals.js';
import type { Output } from './output.js';
import type { Sink } from './sink.js';

/** What a read command needs: where the workspace is, how to print and warn. Plain values, so tests pass their own. */
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

/**
 * Builds the environment of a read command: the report goes to stdout (as JSON with `--json` or
 * `--log-format json`), diagnostics to stderr through the command's logger.
 */
export async function inspectEnv(globals: Globals, output: Output, opts: { json?: boolean }): Promise<InspectEnv> {
  const { streamSink } = await import('./sink.js');
  return {
    workspace: globals.workspace,
    cwd: globals.cwd,
    json: opts.json === true || globals.format === 'json',
    out: streamSink(process.stdout),
    warn: (m) => output.err.warn(m),
    info: (m, fields) => output.out.info(fields, m),
  };
}
