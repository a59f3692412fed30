// `cli-agent` nodes (SPEC §2.1, issue #10 §2): one coding-agent CLI sub-process per attempt —
// `claude -p`, `codex exec` or `gemini --prompt` (cli-agent-command.ts) — whose answer becomes the
// node's output (cli-agent-output.ts). The CLI's `--version` is part of the input hash (through the
// `model` part), so upgrading the CLI re-runs its nodes; `--record`/`--replay` cover these calls
// (cli-agent-recording.ts), so CI runs them offline.
import { BudgetUnboundedError } from '../engine/budget.js';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { CliAgentNode, CliProvider } from '../experience/types.js';
import type { Usage } from '../log/events.js';
import { CLI_BINARIES, MAX_ARG_BYTES, cliCommand } from './cli-agent-command.js';
import { answerResult, claudeResult, claudeUsage, cliAnswer } from './cli-agent-output.js';
import { KILL_GRACE_MS, runProcess, type ProcessOutcome } from './cli-agent-process.js';
import { readCliRecording, recordCliVersion, recordedCliVersion, writeCliRecording, type CliRequest } from './cli-agent-recording.js';
import { renderNodePrompt } from './prompt.js';
import type { HashContext, NodeRunner } from './runner.js';

/** The sub-process timeout when a node sets no `timeout_ms`, in ms (OpenExpertise's default: 10 minutes). */
export const DEFAULT_CLI_TIMEOUT_MS = 600_000;
/** How long `<cli> --version` may take, in ms. */
const VERSION_TIMEOUT_MS = 30_000;

/** A cli-agent attempt failed: the CLI exited non-zero, timed out, or could not be given its prompt. */
export class CliAgentError extends Error {
  readonly retryable: boolean;
  /** What a claude call spent before failing, when its result object said. */
  readonly usage?: Usage;
  constructor(message: string, opts: { retryable?: boolean; usage?: Usage } = {}) {
    super(message);
    this.name = 'CliAgentError';
    this.retryable = opts.retryable ?? true;
    if (opts.usage) this.usage = opts.usage;
  }
}

/** Names of environment variables whose values are secrets (SPEC §3), and the shortest worth redacting. */
const SECRET_NAME = /(^|_)(KEY|TOKEN|SECRET)$/i;
const MIN_SECRET_LENGTH = 8;

/** The values of the secret variables in `env`, longest first. */
export function secretsOf(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([k, v]) => v !== undefined && v.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(k))
    .map(([, v]) => v!)
    .sort((a, b) => b.length - a.length);
}

const redact = (text: string, secrets: readonly string[]): string => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);

// `<cli> --version` once per executable and PATH in this process.
const versions = new Map<string, Promise<string>>();

/**
 * The provider's version: the recorded one under `--replay`, else the first line of `<cli> --version`
 * (recorded beside the recordings under `--record`).
 * @throws {CliNotFoundError} when the CLI is not on PATH; {RecordingNotFoundError} when replaying without one.
 */
export async function cliVersion(provider: CliProvider, ctx: HashContext): Promise<string> {
  if (ctx.llm.replayDir) return recordedCliVersion(ctx.llm.replayDir, provider);
  const bin = CLI_BINARIES[provider];
  const key = `${bin}\u0000${process.env['PATH'] ?? ''}`;
  let p = versions.get(key);
  if (!p) {
    p = runProcess(bin, ['--version'], { cwd: ctx.experienceDir, env: process.env, timeoutMs: VERSION_TIMEOUT_MS, signal: new AbortController().signal }).then((o) => {
      if (o.exitCode !== 0) throw new CliAgentError(`${bin} --version exited with ${o.exitCode ?? o.signal}: ${o.stderrTail.trim().slice(-300)}`, { retryable: false });
      return o.stdout.trim().split('\n')[0] ?? '';
    });
    versions.set(key, p);
    p.catch(() => versions.delete(key)); // a failed lookup is retried by the next node; the caller sees the error
  }
  const version = await p;
  if (ctx.llm.recordDir) await recordCliVersion(ctx.llm.recordDir, provider, version);
  return version;
}

/** Why a finished process failed the node, or undefined when it succeeded. */
function failure(node: CliAgentNode, o: Pick<ProcessOutcome, 'stdout' | 'stderrTail' | 'exitCode' | 'signal'>, secrets: readonly string[]): CliAgentError | undefined {
  if (o.exitCode === 0) return undefined;
  const who = `${CLI_BINARIES[node.provider]} (${node.provider})`;
  const how = o.exitCode === null ? `was killed by ${o.signal}` : `exited with code ${o.exitCode}`;
  const claude = node.provider === 'claude-code' ? claudeResult(o.stdout) : undefined;
  const detail = claude?.result ? String(claude.result) : o.stderrTail.trim() || o.stdout.trim().slice(-500) || 'no output';
  const usage = claude ? claudeUsage(claude, node.model ?? node.provider) : undefined;
  return new CliAgentError(`${who} ${how}: ${redact(detail.slice(-1_000), secrets)}`, usage ? { usage } : {});
}

/**
 * Runs a cli-agent node: renders the prompt (the file `prompt_file`, else inline; SPEC §2.2 templates
 * with node args), runs the CLI in `workdir` (default: the experience directory) under `timeout_ms`
 * (default DEFAULT_CLI_TIMEOUT_MS) and the attempt's signal, and reads its answer. Under `--replay`
 * the recorded outcome stands in for the process.
 */
export const runner: NodeRunner<CliAgentNode> = {
  kind: 'cli-agent',
  model: async (node, ctx) => `${node.provider} ${await cliVersion(node.provider, ctx)}; model ${node.model ?? '(the CLI default)'}`,
  async run(node, input, ctx) {
    const template = node.prompt_file ? await readFile(resolve(ctx.experienceDir, node.prompt_file), 'utf8') : node.prompt;
    const prompt = renderNodePrompt(template, input, ctx.args);
    if (Buffer.byteLength(prompt) > MAX_ARG_BYTES) {
      throw new CliAgentError(`the rendered prompt is ${Buffer.byteLength(prompt)} bytes; a command-line argument can hold at most ${MAX_ARG_BYTES}`, { retryable: false });
    }
    const { cmd, args } = cliCommand(node, prompt);
    const cwd = resolve(ctx.experienceDir, node.workdir ?? '.');
    const req: CliRequest = { provider: node.provider, args, cwd: relative(ctx.experienceDir, cwd) || '.' };
    const secrets = secretsOf(process.env);
    let outcome: Pick<ProcessOutcome, 'stdout' | 'stderrTail' | 'exitCode' | 'signal'>;
    if (ctx.llm.replayDir) outcome = await readCliRecording(ctx.llm.replayDir, req);
    else {
      // Issue #11 §6: a CLI reports what it spent only after it ran, so no worst case can be reserved.
      if (ctx.llm.budget) throw new BudgetUnboundedError(`node ${node.id}: --max-cost cannot bound a cli-agent node (${node.provider} reports its cost only after it has run); run it without --max-cost, or answer it from recordings with --replay`);
      const timeoutMs = node.timeout_ms ?? DEFAULT_CLI_TIMEOUT_MS;
      const o = await runProcess(cmd, args, { cwd, env: process.env, timeoutMs, signal: ctx.signal });
      if (o.timedOut) throw new CliAgentError(`${cmd} (${node.provider}) timed out after ${timeoutMs} ms; its process group got SIGTERM, then SIGKILL if still running ${KILL_GRACE_MS / 1000} s later`);
      if (ctx.llm.recordDir) await writeCliRecording(ctx.llm.recordDir, req, o, secrets);
      outcome = o;
    }
    const failed = failure(node, outcome, secrets);
    if (failed) throw failed;
    ctx.log.debug({ provider: node.provider, stdoutBytes: outcome.stdout.length }, 'cli-agent answered');
    const { text, usage } = cliAnswer(node.provider, outcome.stdout, node.model ?? node.provider);
    return answerResult(node, text, usage);
  },
};
