// `oe completion bash|zsh|fish` (issue #14 §7): prints a shell completion script generated from the
// command table — commands, their flags, the values of the global enum flags, files where a path
// goes, and run ids, asked from `oe completion --runs` when Tab is pressed (short id, a tab,
// experience and status; newest first; without loading the logger), so they are the workspace's
// runs now. The scripts are pure: a CompletionSpec in, a script out.
import { Option, type Command } from 'commander';
import { UsageError } from '../util/errors.js';
import type { Register } from '../cli/command.js';
import { resolveGlobals } from '../cli/globals.js';
import { writeStdout } from '../cli/stdout.js';

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

/** Adds `oe completion`. */
export const register: Register = (program, proc) => {
  program
    .command('completion')
    .description('print a shell completion script: commands, flags and run ids (bash, zsh or fish)')
    .argument('[shell]', 'bash, zsh or fish')
    .addOption(new Option('--runs', 'print the workspace\'s runs for completion scripts').hideHelp())
    .action(async (shell: string | undefined, opts: { runs?: boolean }, cmd: Command) => {
      if (opts.runs) {
        const g = resolveGlobals(cmd, proc);
        const [{ listRuns }, { isRunProcessAlive }] = await Promise.all([import('../inspect/list-runs.js'), import('../log/liveness.js')]);
        const rows = listRuns(g.workspace, { cwd: g.cwd, limit: MAX_RUNS, pidAlive: isRunProcessAlive });
        return writeStdout(rows.map((r) => `${r.runId.slice(-8)}\t${r.experience ? `${r.experience.name} ` : ''}${r.status}${r.startedAt ? ` ${r.startedAt.slice(0, 16).replace('T', ' ')}` : ''}\n`).join(''));
      }
      const make = { bash: bashScript, zsh: zshScript, fish: fishScript }[shell ?? ''];
      if (!make) throw new UsageError(`oe completion needs a shell: bash, zsh or fish${shell === undefined ? '' : `, not ${JSON.stringify(shell)}`}`);
      return writeStdout(make(completionSpec(program)));
    });
};

/** A flag as completion needs it. */
export interface FlagSpec {
  /** `--json`, and `-o` for flags with a short form. */
  names: string[];
  takesValue: boolean;
  description: string;
}

/** What a command's positional arguments complete to. */
export type Positional = 'run' | 'file' | 'shell' | 'none';

/** A command as completion needs it. */
export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  positional: Positional;
}

/** Everything a script completes. */
export interface CompletionSpec {
  commands: CommandSpec[];
  globals: FlagSpec[];
  /** Values of flags that take one of a few words. */
  enums: Record<string, string[]>;
}

/** Flags whose value is a path. */
const PATH_FLAGS = ['--workspace', '--experience', '--record', '--replay', '--output', '-o', '--html'];

const words = (list: string[]): string => list.join(' ');
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const valued = (spec: CompletionSpec): string[] => [...new Set([...spec.globals, ...spec.commands.flatMap((c) => c.flags)].filter((f) => f.takesValue).flatMap((f) => f.names))];
const byKind = (spec: CompletionSpec, kind: Positional): string[] => spec.commands.filter((c) => c.positional === kind).map((c) => c.name);

/** The bash script: `source <(oe completion bash)`. Defines `_oe` and registers it for `oe`. */
export function bashScript(spec: CompletionSpec): string {
  const globals = spec.globals.flatMap((f) => f.names);
  const cases = spec.commands.map((c) => `    ${c.name}) flags=${sq(words(c.flags.flatMap((f) => f.names)))} ;;`).join('\n');
  const enums = Object.entries(spec.enums).map(([flag, vals]) => `    ${flag}) COMPREPLY=($(compgen -W ${sq(words(vals))} -- "$cur")); return ;;`).join('\n');
  return `# oe completion for bash. Load it with:  source <(oe completion bash)
_oe() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local valued=${sq(` ${words(valued(spec))} `)} cmd="" ws=() i
  for ((i = 1; i < COMP_CWORD; i++)); do
    local w="\${COMP_WORDS[i]}"
    if [[ "$w" == --workspace ]]; then ws=(--workspace "\${COMP_WORDS[i+1]}"); fi
    if [[ "$w" == -* ]]; then continue; fi
    if [[ "$valued" == *" \${COMP_WORDS[i-1]} "* ]]; then continue; fi
    cmd="$w"; break
  done
  case "$prev" in
${enums}
    ${PATH_FLAGS.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ "$valued" == *" $prev "* ]]; then COMPREPLY=(); return; fi
  if [[ -z "$cmd" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${sq(words(globals))} -- "$cur"));
    else COMPREPLY=($(compgen -W ${sq(words(spec.commands.map((c) => c.name)))} -- "$cur")); fi
    return
  fi
  local flags=""
  case "$cmd" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$flags ${words(globals)}" -- "$cur")); return; fi
  case "$cmd" in
    ${byKind(spec, 'run').join('|') || '__none__'}) COMPREPLY=($(compgen -W "latest $(oe "\${ws[@]}" completion --runs 2>/dev/null | cut -f1)" -- "$cur")) ;;
    ${byKind(spec, 'file').join('|') || '__none__'}) COMPREPLY=($(compgen -f -- "$cur")) ;;
    ${byKind(spec, 'shell').join('|') || '__none__'}) COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur")) ;;
  esac
}
complete -o filenames -F _oe oe
`;
}

/** The zsh script: put it in a directory of $fpath as `_oe`, or `source <(oe completion zsh)`. */
export function zshScript(spec: CompletionSpec): string {
  const esc = (s: string): string => s.replace(/[:\\]/g, (c) => `\\${c}`);
  const cmds = spec.commands.map((c) => sq(`${c.name}:${esc(c.description)}`)).join(' ');
  const cases = spec.commands.map((c) => `    ${c.name}) flags=(${c.flags.flatMap((f) => f.names).join(' ')}) ;;`).join('\n');
  const enums = Object.entries(spec.enums).map(([flag, vals]) => `    ${flag}) compadd -- ${words(vals)}; return ;;`).join('\n');
  return `#compdef oe
# oe completion for zsh: save as _oe in a directory of $fpath, or: source <(oe completion zsh)
_oe() {
  local -a commands flags runs ws
  local valued=${sq(` ${words(valued(spec))} `)} cmd="" i
  commands=(${cmds})
  for ((i = 2; i < CURRENT; i++)); do
    if [[ $words[i] == --workspace ]]; then ws=(--workspace $words[i+1]); fi
    [[ $words[i] == -* ]] && continue
    [[ $valued == *" $words[i-1] "* ]] && continue
    cmd=$words[i]; break
  done
  case $words[CURRENT-1] in
${enums}
    ${PATH_FLAGS.join('|')}) _files; return ;;
  esac
  [[ $valued == *" $words[CURRENT-1] "* ]] && return
  if [[ -z $cmd ]]; then
    if [[ $PREFIX == -* ]]; then compadd -- ${words(spec.globals.flatMap((f) => f.names))}; else _describe 'command' commands; fi
    return
  fi
  case $cmd in
${cases}
  esac
  if [[ $PREFIX == -* ]]; then compadd -- $flags ${words(spec.globals.flatMap((f) => f.names))}; return; fi
  case $cmd in
    ${byKind(spec, 'run').join('|') || '__none__'}) runs=(\${(f)"$(oe $ws completion --runs 2>/dev/null | sed 's/:/\\\\:/g; s/\\t/:/')"} 'latest:the newest run'); _describe 'run' runs ;;
    ${byKind(spec, 'file').join('|') || '__none__'}) _files ;;
    ${byKind(spec, 'shell').join('|') || '__none__'}) compadd -- bash zsh fish ;;
  esac
}
if [[ $funcstack[1] == _oe ]]; then _oe "$@"; else compdef _oe oe; fi
`;
}

/** The fish script: `oe completion fish > ~/.config/fish/completions/oe.fish`. */
export function fishScript(spec: CompletionSpec): string {
  const all = words(spec.commands.map((c) => c.name));
  const flag = (f: FlagSpec, cond: string): string => {
    const parts = f.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`));
    const name = f.names.find((n) => n.startsWith('--'))?.slice(2);
    const values = name && spec.enums[`--${name}`] ? ` -x -a ${sq(words(spec.enums[`--${name}`]!))}` : f.takesValue ? (PATH_FLAGS.some((p) => f.names.includes(p)) ? ' -r -F' : ' -x') : '';
    return `complete -c oe -n ${sq(cond)} ${parts.join(' ')}${values} -d ${sq(f.description)}`;
  };
  const lines = ['# oe completion for fish: oe completion fish > ~/.config/fish/completions/oe.fish', 'complete -c oe -f'];
  for (const c of spec.commands) lines.push(`complete -c oe -n ${sq(`not __fish_seen_subcommand_from ${all}`)} -a ${c.name} -d ${sq(c.description)}`);
  for (const g of spec.globals) lines.push(flag(g, '__fish_is_first_arg; or true'));
  for (const c of spec.commands) {
    const cond = `__fish_seen_subcommand_from ${c.name}`;
    for (const f of c.flags) lines.push(flag(f, cond));
    if (c.positional === 'run') lines.push(`complete -c oe -n ${sq(cond)} -a '(oe completion --runs 2>/dev/null)'`, `complete -c oe -n ${sq(cond)} -a latest -d 'the newest run'`);
    if (c.positional === 'file') lines.push(`complete -c oe -n ${sq(cond)} -F`);
    if (c.positional === 'shell') lines.push(`complete -c oe -n ${sq(cond)} -a 'bash zsh fish'`);
  }
  return `${lines.join('\n')}\n`;
}
