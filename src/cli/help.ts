// What `oe --help` and each command's help add after the options (issue #14 §7): examples, the exit
// codes (SPEC §3.3) and the environment variables oe reads. Plain text, no I/O.

/** Exit codes as oe sets them (SPEC §3.3). */
export const EXIT_CODES = `Exit codes:
  0    success
  1    the run failed, or the experience, run or log was not found, or a control command timed out
  2    usage or validation error (bad flags, an invalid experience, an ambiguous run id)
  3    paused (oe pause, a gate waiting for a verdict, the --max-cost budget); oe resume continues it
  130  cancelled (Ctrl-C, SIGTERM, oe cancel)`;

/** The environment variables oe reads. */
export const ENVIRONMENT = `Environment:
  OE_WORKSPACE          the workspace (like --workspace); default: the nearest directory with
                        .openexpertise/, else the current one
  ANTHROPIC_API_KEY     key for agent and skill nodes (--llm anthropic); ANTHROPIC_BASE_URL another endpoint
  OPENAI_API_KEY        key for --llm openai; OPENAI_BASE_URL another endpoint
  OE_ANTHROPIC_MODEL    default model for --llm anthropic; OE_OPENAI_MODEL for --llm openai
  OE_REDIS_URL          Redis for BullMQ workers (checked by oe doctor)
  NO_COLOR, FORCE_COLOR turn colour off / on (--color wins over both)
  TERM=dumb, CI         plain lines instead of the live view`;

/** Run ids, as every command taking one accepts them (issue #14 §4). */
export const RUN_IDS = `Run ids: a full UUID, a unique prefix of at least 4 hex digits (like git), the 8-digit short id
oe prints (the end of the id), or latest (the newest run; with --experience, of that experience).`;

/** Examples per command, shown after its options. */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  run: ['oe run experiences/weather-stats', `oe run . --args '{"repo": "../app"}' --concurrency 4`, 'oe run . --json | jq -c \'select(.msg == "node.failed")\'', 'oe run . --replay recordings/   # LLM answers from recordings, no network'],
  resume: ['oe resume latest', 'oe resume 1a2b3c4d --args \'{"strict": true}\'', 'oe resume 1a2b3c4d --approve review   # a gate\'s verdict', 'oe resume latest --dry-run   # what would execute, and why', 'oe resume 1a2b3c4d --no-reload   # the definition recorded in the log'],
  inspect: ['oe inspect latest', 'oe inspect 1a2b3c4d --node review', 'oe inspect 1a2b3c4d --why decide', 'oe inspect latest --html report.html', 'oe inspect latest --events --type node.failed | jq .error'],
  runs: ['oe runs', 'oe runs --experience experiences/weather-stats --limit 5', 'oe runs --json | jq -r \'select(.status == "failure") | .runId\''],
  diff: ['oe diff 1a2b3c4d latest', 'oe diff 1a2b3c4d 5e6f7a8b --json | jq \'.nodes[] | select(.changed)\''],
  validate: ['oe validate experiences/weather-stats', 'oe validate . --json'],
  graph: ['oe graph . > graph.mmd', 'oe graph . --html -o graph.html --direction LR'],
  init: ['oe init my-experience && oe run my-experience'],
  pause: ['oe pause latest', 'oe pause 1a2b3c4d --wait --timeout 120 --json'],
  cancel: ['oe cancel 1a2b3c4d'],
  modify: ['oe modify latest -c exp/experience.edited.yaml            # validate, pause, report', 'oe modify 1a2b3c4d -c exp/experience.edited.yaml --resume   # and resume with it'],
  schema: ['oe schema > experience.schema.json'],
  doctor: ['oe doctor', 'oe doctor --json | jq \'.checks[] | select(.status != "ok")\''],
  completion: ['source <(oe completion bash)        # in ~/.bashrc', 'oe completion zsh > "${fpath[1]}/_oe"', 'oe completion fish > ~/.config/fish/completions/oe.fish'],
};

/** The text after a command's options: its examples, and the run-id forms where it takes one. */
export function commandHelp(name: string): string {
  const ex = EXAMPLES[name] ?? [];
  const parts = ex.length ? [`Examples:\n${ex.map((e) => `  $ ${e}`).join('\n')}`] : [];
  if (['inspect', 'resume', 'diff', 'pause', 'cancel', 'modify'].includes(name)) parts.push(RUN_IDS);
  if (['run', 'resume', 'modify'].includes(name)) parts.push(EXIT_CODES);
  return parts.length ? `\n${parts.join('\n\n')}\n` : '';
}

/** The text after `oe --help`'s command list. */
export function rootHelp(): string {
  const ex = ['oe init hello && oe run hello', 'oe runs', 'oe inspect latest', 'oe resume latest'];
  return `\nExamples:\n${ex.map((e) => `  $ ${e}`).join('\n')}\n\n${RUN_IDS}\n\n${EXIT_CODES}\n\n${ENVIRONMENT}\n\nEach command's help (oe help <command>) shows its examples. Docs: README.md, docs/inspect.md.\n`;
}
