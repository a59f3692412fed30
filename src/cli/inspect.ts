// `oe inspect <runId>` (SPEC §4, issue #5): declares the options; the work lives in
// src/inspect/cmd-inspect.ts, imported when the command runs.
import type { Register } from './command.js';
import { startCommand } from './command.js';
import { inspectEnv } from './inspect-env.js';

/** Adds `oe inspect`. */
export const register: Register = (program, proc) => {
  program
    .command('inspect')
    .description('summarise a run from its log: status, each node (executed or cached, attempts, duration, tokens, cost, errors), totals and what a resume saved')
    .argument('<runId>', 'the run: a UUID, a unique prefix (≥ 4 hex digits), the short id oe prints, or latest (oe runs lists them)')
    .option('--experience <path>', 'with latest: the newest run of this experience')
    .option('--json', 'print the summary as one JSON object (docs/inspect.md)')
    .option('--events', 'print the raw events, one JSON object per line')
    .option('--type <type...>', 'with --events: only events of these types (e.g. node.failed)')
    .option('--node <id>', 'everything about one node; with --events: only its events')
    .option('--why <nodeId>', 'why the node was cached or executed: the input-hash parts that differ from the prior run')
    .option('--html <file>', 'write a self-contained HTML report (graph, timeline, node table)')
    .action(async (runId: string, opts: { json?: boolean; events?: boolean; type?: string[]; node?: string; why?: string; html?: string; experience?: string }, cmd) => {
      const { globals, output } = await startCommand(cmd, proc);
      const { inspectCommand } = await import('../inspect/cmd-inspect.js');
      await inspectCommand(runId, opts, await inspectEnv(globals, output, opts));
    });
};
