// `oe cancel <runId>` (SPEC §4, issue #11 §3): stops a live run now — running nodes are aborted and
// its log ends cancelled — and waits for its end (up to --timeout). One JSON object with --json.
import type { Command } from 'commander';
import type { Register } from '../cli/command.js';
import { DEFAULT_TIMEOUT_S, signalCommand, type ControlFlags } from './pause.js';

/** Adds `oe cancel`. */
export const register: Register = (program, proc) => {
  program
    .command('cancel')
    .argument('<runId>', 'the live run: a UUID, a unique prefix (≥ 4 hex digits), the short id oe prints, or latest')
    .description('stop a live run now, aborting running nodes (status cancelled); waits for its end')
    .option('--timeout <s>', `give up waiting after this many seconds, exit 1 (default ${DEFAULT_TIMEOUT_S})`)
    .option('--json', 'print the result as one JSON object')
    .action(async (runId: string, flags: ControlFlags, cmd: Command) => signalCommand('cancel', runId, { ...flags, wait: true }, cmd, proc));
};
