// `oe completion bash|zsh|fish` (issue #14 §7): prints a completion script built from the command
// table (completion-scripts.ts); `oe completion --runs` prints the workspace's runs for the scripts
// (short id, a tab, experience and status; newest first) without loading the logger.
import { Option, type Command } from 'commander';
import { UsageError } from '../util/errors.js';
import type { Register } from './command.js';
import type { CommandSpec, CompletionSpec, FlagSpec, Positional } from './completion-scripts.js';
import { resolveGlobals } from './globals.js';
import { writeStdout } from './stdout.js';

/** Runs listed by `--runs` at most. */
const MAX_RUNS = 50;

const RUN_COMMANDS = ['inspect', 'resume', 'diff', 'pause', 'cancel'];
const FILE_COMMANDS = ['run', 'validate', 'graph', 'init'];

/** The flags of a commander command, as completion needs them (hidden ones and help left out). */
function flagsOf(cmd: Command): FlagSpec[] {
  return cmd.options
    .filter((o) => !o.hidden)
    .map((o) => ({ names: [o.long, o.short].filter((n): n is string => Boolean(n)), takesValue: o.required || o.optional, description: o.description }));
}

/** The completion spec of a program. */
export function completionSpec(program: Command): CompletionSpec {
  const commands: CommandSpec[] = program.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .map((c) => ({
      name: c.name(),
      description: c.description().split(/[;:(]/)[0]!.trim(),
      flags: flagsOf(c),
      positional: (RUN_COMMANDS.includes(c.name()) ? 'run' : FILE_COMMANDS.includes(c.name()) ? 'file' : c.name() === 'completion' ? 'shell' : 'none') as Positional,
    }));
  return {
    commands,
    globals: [...flagsOf(program), { names: ['--help', '-h'], takesValue: false, description: 'show help' }],
    enums: { '--log-format': ['json', 'pretty'], '--log-level': ['trace', 'debug', 'info', 'warn', 'error'], '--color': ['auto', 'always', 'never'], '--llm': ['anthropic', 'openai'], '--direction': ['TD', 'LR'] },
  };
}

export const register: Register = (program, proc) => {
  program
    .command('completion')
    .description('print a shell completion script: commands, flags and run ids (bash, zsh or fish)')
    .argument('[shell]', 'bash, zsh or fish')
    .addOption(new Option('--runs', 'print the workspace\'s runs for completion scripts').hideHelp())
    .action(async (shell: string | undefined, opts: { runs?: boolean }, cmd: Command) => {
      if (opts.runs) {
        const g = resolveGlobals(cmd, proc);
        const [{ listRuns }, { isRunProcessAlive }] = await Promise.all([import('../inspect/runs.js'), import('../log/liveness.js')]);
        const rows = listRuns(g.workspace, { cwd: g.cwd, limit: MAX_RUNS, pidAlive: isRunProcessAlive });
        return writeStdout(rows.map((r) => `${r.runId.slice(-8)}\t${r.experience ? `${r.experience.name} ` : ''}${r.status}${r.startedAt ? ` ${r.startedAt.slice(0, 16).replace('T', ' ')}` : ''}\n`).join(''));
      }
      const scripts = await import('./completion-scripts.js');
      const make = { bash: scripts.bashScript, zsh: scripts.zshScript, fish: scripts.fishScript }[shell ?? ''];
      if (!make) throw new UsageError(`oe completion needs a shell: bash, zsh or fish${shell === undefined ? '' : `, not ${JSON.stringify(shell)}`}`);
      return writeStdout(make(completionSpec(program)));
    });
};
