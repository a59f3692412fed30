// The command line of a cli-agent node (issue #10 §2): each provider's documented non-interactive
// shape, as OpenExpertise 0.1 runs it. Pure.
//   claude-code  claude -p <prompt> --output-format json [--model M] [extra_args]
//   codex        codex exec --skip-git-repo-check [--model M] [extra_args] <prompt>
//   gemini       gemini --yolo --prompt <prompt> [--model M] [extra_args]
// claude-code always runs with `--output-format json` (whatever the node's output_format): its result
// object carries the answer, the token usage and total_cost_usd; the node's output_format says how the
// answer itself is read (cli-agent-output.ts).
import type { CliProvider } from '../experience/types.js';

/** The executable each provider runs, looked up on PATH. */
export const CLI_BINARIES: { readonly [P in CliProvider]: string } = { 'claude-code': 'claude', codex: 'codex', gemini: 'gemini' };

/** Linux's limit on one argument (MAX_ARG_STRLEN, 32 pages), in bytes; a longer prompt cannot be passed. */
export const MAX_ARG_BYTES = 131_072;

/** An executable and its arguments. */
export interface CliCommand {
  cmd: string;
  args: string[];
}

/** The command for one attempt. `prompt` is already rendered. */
export function cliCommand(node: { provider: CliProvider; model?: string; extra_args?: string[] }, prompt: string): CliCommand {
  const model = node.model !== undefined ? ['--model', node.model] : [];
  const extra = node.extra_args ?? [];
  const cmd = CLI_BINARIES[node.provider];
  switch (node.provider) {
    case 'claude-code':
      return { cmd, args: ['-p', prompt, '--output-format', 'json', ...model, ...extra] };
    case 'codex':
      return { cmd, args: ['exec', '--skip-git-repo-check', ...model, ...extra, prompt] };
    case 'gemini':
      return { cmd, args: ['--yolo', '--prompt', prompt, ...model, ...extra] };
  }
}
