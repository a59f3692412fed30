// `oe graph [path] [--html] [-o file] [--direction TD|LR]` (issue #10 §6): the experience as a
// Mermaid flowchart — phases as subgraphs, a shape per node kind, for_each and when as labels — on
// stdout or into a file; with --html, a self-contained page that draws it. Needs no API key and runs
// nothing. An invalid experience exits 2 with its problems, like `oe validate`. The work lives in
// src/inspect/cmd-graph.ts, imported when the command runs.
import type { Command } from 'commander';
import { UsageError } from '../util/errors.js';
import { startCommand, type CliProcess, type Register } from './command.js';
import { writeStdout } from './stdout.js';

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
      const { graphCommand } = await import('../inspect/cmd-graph.js');
      await graphCommand(path, { html: opts.html === true, json: opts.json === true, direction, ...(opts.output !== undefined ? { output: opts.output } : {}) }, { cwd: globals.cwd, output, writeStdout });
    });
};
