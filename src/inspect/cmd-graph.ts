// The shell of `oe graph` (issue #10 §6): load and validate the experience → Mermaid text (pure,
// experience/mermaid.ts) → optionally the HTML page (graph-html.ts) → stdout or a file. Loaded
// lazily by cli/graph.ts.
import { relative, resolve } from 'node:path';
import { loadExperience } from '../experience/load.js';
import { renderMermaid } from '../experience/mermaid.js';
import { writeTextAtomic } from '../util/atomic-write.js';

/** The options of `oe graph`, checked by cli/graph.ts. */
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
  const { experience } = await loadExperience(path, env.cwd);
  const mermaid = renderMermaid(experience, { direction: opts.direction });
  const text = opts.html ? await (await import('./graph-html.js')).renderGraphHtml(experience, mermaid) : mermaid;
  if (opts.output === undefined) {
    if (!opts.json) return env.writeStdout(text);
    return env.writeStdout(`${JSON.stringify({ name: experience.name, version: experience.version, format: opts.html ? 'html' : 'mermaid', nodes: experience.graph.nodes.length, text })}\n`);
  }
  const file = resolve(env.cwd, opts.output);
  writeTextAtomic(file, text, 'the graph');
  const shown = relative(env.cwd, file) || file;
  if (env.output.format === 'json') env.output.out.info({ file: shown, format: opts.html ? 'html' : 'mermaid', nodes: experience.graph.nodes.length }, 'graph written');
  else env.output.out.info(`✓ wrote ${shown}`);
}
