// `oe schema`: prints the JSON Schema of experience.yaml (from the zod schema in experience/yaml-schema.ts)
// for editors, e.g. `# yaml-language-server: $schema=./experience.schema.json`.
import type { Command } from 'commander';
import type { CliProcess, Register } from '../cli/command.js';
import { writeStdout } from '../cli/stdout.js';

/** Registers `oe schema`; the action imports zod only when it runs. */
export const register: Register = (program: Command, _proc: CliProcess) => {
  program
    .command('schema')
    .description('print the JSON Schema of experience.yaml (for editors and yaml-language-server)')
    .option('--json', 'accepted for symmetry: the schema is JSON already')
    .action(async () => {
      const { experienceJsonSchema } = await import('../experience/yaml-schema.js');
      await writeStdout(`${JSON.stringify(experienceJsonSchema(), null, 2)}\n`);
    });
};
