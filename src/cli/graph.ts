// `oe graph [path] [--html] [-o file] [--direction TD|LR]` (issue #10 §6): the experience as a
// Mermaid flowchart — phases as subgraphs, a shape per node kind, for_each and when as labels — on
// stdout or into a file; with --html, a self-contained page that draws it. Needs no API key and runs
// nothing. An invalid experience exits 2 with its problems, like `oe validate`.
import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { writeTextAtomic } from '../util/atomic-write.js';
import { UsageError } from '../util/errors.js';
import { startCommand, type CliProcess, type Register } from './command.js';
import { writeStdout } from './stdout.js';

/** Registers `oe graph`; the action imports the loader, and beautiful-mermaid only with --html. */
export const register: Register = (program: Command, proc: CliProcess) => {
  program
    .command('graph')
    .description('draw an experience as a Mermaid flowchart (phases as subgraphs); --html for a page that shows it')
    .argument('[path]', 'experience directory or experience.yaml', '.')
    .option('--html', 'write a self-contained HTML page instead of Mermaid text')
    .option('-o, --output <file>', 'write to <file> instead of stdout')
    .option('--direction <dir>', 'TD (top-down) or LR (left to right)', 'TD')
    .action(async (path: string, opts: { html?: boolean; output?: string; direction: string }, cmd: Command) => {
      const direction = opts.direction.toUpperCase();
      if (direction !== 'TD' && direction !== 'LR') throw new UsageError(`--direction must be TD or LR, not ${JSON.stringify(opts.direction)}`);
      const { globals, output } = await startCommand(cmd, proc);
      const { loadExperience } = await import('../experience/load.js');
      const { renderMermaid } = await import('../experience/mermaid.js');
      const { experience } = await loadExperience(path, globals.cwd);
      const mermaid = renderMermaid(experience, { direction });
      const text = opts.html ? await (await import('../inspect/graph-html.js')).renderGraphHtml(experience, mermaid) : mermaid;
      if (opts.output === undefined) {
        await writeStdout(text);
        return;
      }
      const file = resolve(globals.cwd, opts.output);
      writeTextAtomic(file, text, 'the graph');
      const shown = relative(globals.cwd, file) || file;
      if (output.format === 'json') output.out.info({ file: shown, format: opts.html ? 'html' : 'mermaid', nodes: experience.graph.nodes.length }, 'graph written');
      else output.out.info(`✓ wrote ${shown}`);
    });
};
