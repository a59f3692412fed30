// `oe graph [path] [--html] [-o file] [--direction TD|LR]` (issue #10 §6): the experience as a
// Mermaid flowchart — phases as subgraphs, a shape per node kind, for_each and when as labels — on
// stdout or into a file; with --html, a self-contained page that draws it. Needs no API key and runs
// nothing. An invalid experience exits 2 with its problems, like `oe validate`. The loader and the
// renderers load when the command runs.
import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { startCommand, type CliProcess, type Register } from '../cli/command.js';
import { writeStdout } from '../cli/stdout.js';

/** Registers `oe graph`. */
export const register: Register = (program: Command, proc: CliProcess) => {
  program
    .command('graph')
    .description('draw an experience as a Mermaid flowchart (phases as subgraphs); --html for a page that shows it')
    .argument('[path]', 'experience directory or experience.yaml', '.')
    .option('--html', 'write a self-contained HTML page instead of Mermaid text')
    .option('-o, --output <file>', 'write to <file> instead of stdout')
    .option('--direction <dir>', 'TD (top-down) or LR (left to right)', 'TD')
    .option('--json', 'print one JSON object: {name, version, format, nodes, text} (or, with -o, what was written)')
    .action(async (path: string, opts: { html?: boolean; output?: string; direction: string; json?: boolean }, cmd: Command) => {
      const direction = opts.direction.toUpperCase();
      if (direction !== 'TD' && direction !== 'LR') throw new UsageError(`--direction must be TD or LR, not ${JSON.stringify(opts.direction)}`);
      const { globals, output } = await startCommand(cmd, proc);
      await graphCommand(path, { html: opts.html === true, json: opts.json === true, direction, ...(opts.output !== undefined ? { output: opts.output } : {}) }, { cwd: globals.cwd, output, writeStdout });
    });
};

/** The options of `oe graph`, checked by its register(). */
export interface GraphOptions {
  html: boolean;
  /** `--json`: the text inside one JSON object on stdout (issue #14 §6). */
  json?: boolean;
  /** The file to write; stdout when absent. */
  output?: string;
  direction: 'TD' | 'LR';
}

/** Where `oe graph` reports a written file (the command's stdout logger). */
export interface GraphEnv {
  cwd: string;
  output: { format: 'json' | 'pretty'; out: { info(obj: object | string, msg?: string): void } };
  /** Writes raw text to stdout and resolves once it is out. */
  writeStdout(text: string): Promise<void>;
}

/**
 * `oe graph [path]`.
 * @throws {NotFoundError} for a missing experience; {ValidationError} with every problem; {OeError}
 *   when the output file cannot be written.
 */
export async function graphCommand(path: string, opts: GraphOptions, env: GraphEnv): Promise<void> {
  const [{ loadExperience }, { renderMermaid }] = await Promise.all([import('../experience/load-experience.js'), import('../experience/mermaid.js')]);
  const { experience } = await loadExperience(path, env.cwd);
  const mermaid = renderMermaid(experience, { direction: opts.direction });
  const text = opts.html ? await (await import('../inspect/graph-html.js')).renderGraphHtml(experience, mermaid) : mermaid;
  if (opts.output === undefined) {
    if (!opts.json) return env.writeStdout(text);
    return env.writeStdout(`${JSON.stringify({ name: experience.name, version: experience.version, format: opts.html ? 'html' : 'mermaid', nodes: experience.graph.nodes.length, text })}\n`);
  }
  const file = resolve(env.cwd, opts.output);
  (await import('../util/atomic-write.js')).writeTextAtomic(file, text, 'the graph');
  const shown = relative(env.cwd, file) || file;
  if (env.output.format === 'json') env.output.out.info({ file: shown, format: opts.html ? 'html' : 'mermaid', nodes: experience.graph.nodes.length }, 'graph written');
  else env.output.out.info(`✓ wrote ${shown}`);
}
