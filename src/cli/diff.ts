// `oe diff <runA> <runB>` (issue #5): what changed between two runs, node by node. The work lives in
// src/inspect/cmd-diff.ts, imported when the command runs.
import type { Register } from './command.js';
import { startCommand } from './command.js';
import { inspectEnv } from './inspect-env.js';

/** Adds `oe diff`. */
export const register: Register = (program, proc) => {
  program
    .command('diff')
    .description('compare two runs node by node: status, input-hash parts, outputs (a line diff), durations, tokens')
    .argument('<runA>', 'the earlier run: a UUID, a unique prefix, the short id oe prints, or latest')
    .argument('<runB>', 'the later run: a UUID, a unique prefix, the short id oe prints, or latest')
    .option('--experience <path>', 'with latest: the newest run of this experience')
    .option('--json', 'print the comparison as one JSON object (docs/inspect.md)')
    .action(async (runA: string, runB: string, opts: { json?: boolean; experience?: string }, cmd) => {
      const { globals, output } = await startCommand(cmd, proc);
      const { diffCommand } = await import('../inspect/cmd-diff.js');
      await diffCommand(runA, runB, await inspectEnv(globals, output, opts), opts.experience);
    });
};
