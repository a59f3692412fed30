// The InspectEnv the read-only commands (inspect, runs, diff) hand to their shells in src/inspect/.
import type { InspectEnv } from '../inspect/env.js';
import type { Globals } from './globals.js';
import type { Output } from './output.js';

/**
 * Builds the environment of an inspect shell: the report goes to stdout (as JSON with `--json` or
 * `--log-format json`), diagnostics to stderr through the command's logger.
 */
export async function inspectEnv(globals: Globals, output: Output, opts: { json?: boolean }): Promise<InspectEnv> {
  const { streamSink } = await import('../inspect/sink.js');
  return {
    workspace: globals.workspace,
    cwd: globals.cwd,
    json: opts.json === true || globals.format === 'json',
    out: streamSink(process.stdout),
    warn: (m) => output.err.warn(m),
    info: (m, fields) => output.out.info(fields, m),
  };
}
