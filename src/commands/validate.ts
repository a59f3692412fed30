// `oe validate [path]` (SPEC §2.4, §4): checks an experience and prints one result line. Problems
// are thrown as a ValidationError; main.ts prints them as file:line:col and exits 2.
import type { Command } from 'commander';
import { relative } from 'node:path';
import { startCommand, type CliProcess, type Register } from '../cli/command.js';

/** Registers `oe validate`; the action imports the loader (and zod) only when it runs. */
export const register: Register = (program: Command, proc: CliProcess) => {
  program
    .command('validate')
    .description('check an experience: YAML syntax, schema, ids, edges, cycles, state fields, files, `when` and templates')
    .argument('[path]', 'experience directory or experience.yaml', '.')
    .option('--json', 'print the result as one JSON object on stdout: {valid, name, version, nodes, file} or {valid: false, problems}')
    .action(async (path: string, opts: { json?: boolean }, cmd: Command) => {
      const { globals, output } = await startCommand(cmd, proc);
      const [{ loadExperience }, { ValidationError, formatProblem }] = await Promise.all([import('../experience/load-experience.js'), import('../util/errors.js')]);
      const loaded = await loadExperience(path, globals.cwd).catch((e: unknown) => {
        // --json: the problems on stdout too, for scripts; stderr and the exit code 2 as ever.
        if (opts.json && e instanceof ValidationError) output.out.info({ valid: false, problems: e.problems.map((p) => ({ ...p, text: formatProblem(p) })) }, 'invalid');
        throw e;
      });
      const { name, version } = loaded.experience;
      const nodes = loaded.experience.graph.nodes.length;
      const file = relative(globals.cwd, loaded.file) || loaded.file;
      const [{ llmSettings }, { printLlmWarnings }] = await Promise.all([import('../cli/run-flags.js'), import('../cli/llm-warnings.js')]);
      await printLlmWarnings(output, loaded.experience, await llmSettings({}, globals), { file: loaded.file, label: file });
      if (output.format === 'json') output.out.info({ valid: true, name, version, nodes, file }, 'valid');
      else output.out.info(`✓ ${file}: ${name}@${version}, ${nodes} node${nodes === 1 ? '' : 's'}`);
    });
};
