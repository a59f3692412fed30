// `oe init <dir>` (SPEC §4): scaffolds a small experience (experience.yaml, tools/hello.mjs, README.md)
// that passes `oe validate` and runs with `oe run <dir>`. Everything is checked before the first write,
// and a write that fails midway removes what it wrote, so there is never a half-written scaffold.
import type { Command } from 'commander';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../util/errors.js';
import { startCommand, type Register } from '../cli/command.js';

/** One file of the scaffold: its path relative to the experience directory, and its text. */
export interface ScaffoldFile {
  path: string;
  text: string;
}

/** An experience name from a directory name: lower case, `[a-z0-9_-]`, never empty. */
export function experienceName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return name || 'my-experience';
}

/**
 * The scaffold's files. Pure: `name` goes into experience.yaml, `shown` (the directory as the user
 * typed it) into the comments and README that say how to run it.
 */
export function scaffoldFiles(name: string, shown: string): ScaffoldFile[] {
  const q = /^[\w./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
  return [
    {
      path: 'experience.yaml',
      text: `# ${name}: a starter experience made by \`oe init\`. Run it with
#   oe run ${q}
#   oe run ${q} --args '{"name": "Ada"}'
# \`oe validate ${q}\` checks this file after you edit it.
name: ${name}
version: 0.1.0
description: Greets someone; a starting point for your own experience
inputs:
  name: { type: string, default: world, description: Who to greet }
state:
  schema:
    greeting: { type: string, merge: last_wins, description: The greeting the hello node made }
graph:
  nodes:
    - id: hello
      kind: tool
      impl: tools/hello.mjs
      args: { name: $args.name }
      writes: [greeting]
  edges: []
runtime:
  concurrency: 1
`,
    },
    {
      path: 'tools/hello.mjs',
      text: `// The hello node: greets \`name\`. A tool module's default export is called with (input, ctx) and
// returns { state_delta, edge_output? } as plain JSON; state_delta may hold only the node's \`writes\`.

/**
 * Greets the \`name\` arg.
 * @param {{ name?: string, _state: object, _edge_inputs: object }} input the node's resolved args,
 *   the values of its \`reads\`, and its predecessors' edge outputs
 * @param {{ runId: string, nodeId: string, signal: AbortSignal, experienceDir: string, args: object }} ctx
 * @returns {Promise<{ state_delta: { greeting: string }, edge_output: { name: string } }>}
 */
export default async function hello(input, ctx) {
  ctx.signal.throwIfAborted();
  const name = typeof input.name === 'string' && input.name.trim() !== '' ? input.name.trim() : 'world';
  return { state_delta: { greeting: \`Hello, \${name}!\` }, edge_output: { name } };
}
`,
    },
    {
      path: 'README.md',
      text: `# ${name}

A starter experience made by \`oe init\`: one tool node, \`hello\`, that writes a greeting into the
state.

\`\`\`sh
oe validate ${q}
oe run ${q} --args '{"name": "Ada"}'
\`\`\`

- \`experience.yaml\`: the inputs, the state fields and the graph.
- \`tools/hello.mjs\`: the tool; edit it, or add nodes and edges to the graph.

Every run is logged to \`.openexpertise/runs/\` in the directory you run it from; \`oe runs\` lists
them and \`oe resume <runId>\` re-runs only what changed.
`,
    },
  ];
}

/** What `oe init` did. */
export interface InitResult {
  /** Absolute path of the experience directory. */
  dir: string;
  /** The files written, relative to `dir`. */
  files: string[];
}

/**
 * Writes the scaffold into `target` (created if missing, else it must be an empty directory).
 * @throws {UsageError} naming the path when it is a file or a non-empty directory; nothing is written.
 */
export async function initExperience(target: string, shown: string): Promise<InitResult> {
  const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing && !existing.isDirectory()) throw new UsageError(`cannot create an experience in ${target}: it exists and is not a directory`);
  if (existing && (await readdir(target)).length > 0) {
    throw new UsageError(`cannot create an experience in ${target}: the directory is not empty (oe init never overwrites files; choose a new or empty directory)`);
  }
  const files = scaffoldFiles(experienceName(target), shown);
  // The checks passed: now write. Remember what is created so a failure can take it back.
  const created: string[] = [];
  try {
    if (!existing) {
      const first = await mkdir(target, { recursive: true });
      if (first) created.push(first);
    }
    for (const f of files) {
      const file = join(target, f.path);
      const madeDir = await mkdir(dirname(file), { recursive: true });
      if (madeDir) created.push(madeDir);
      await writeFile(file, f.text, { flag: 'wx' });
      created.push(file);
    }
  } catch (error) {
    for (const p of created.reverse()) await rm(p, { recursive: true, force: true });
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EEXIST') throw new UsageError(`cannot create an experience in ${target}: ${e.path ?? 'a file'} appeared while writing`);
    throw error;
  }
  return { dir: target, files: files.map((f) => f.path) };
}

export const register: Register = (program, proc) => {
  program
    .command('init <dir>')
    .description('scaffold an experience in a new or empty directory: experience.yaml, tools/hello.mjs, README.md')
    .option('--json', 'print the result as one JSON object: {dir, files}')
    .action(async (dir: string, _opts: unknown, cmd: Command) => {
      const { output } = await startCommand(cmd, proc);
      const result = await initExperience(resolve(proc.cwd, dir), dir);
      if (output.format === 'json') {
        output.out.info({ dir: result.dir, files: result.files }, 'init complete');
      } else {
        const rel = relative(proc.cwd, result.dir) || '.';
        output.out.info(`created ${rel}${sep}: ${result.files.join(', ')}. Run it with: oe run ${rel}`);
      }
    });
};
