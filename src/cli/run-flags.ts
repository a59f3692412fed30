// The flags every run-starting command takes (`oe run`, `oe resume`, `oe modify`; `oe worker` and
// `oe validate` share the LLM ones) and what they resolve to with the environment: the run args,
// the gates' verdicts, the LLM settings, the secrets never to log, a USD amount. No I/O.
import type { Command } from 'commander';
import type { LlmSettings } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import { UsageError } from '../util/errors.js';
import { quote } from '../util/quote.js';
import { parsePositiveInt, type Globals } from './globals.js';

/** The raw run flags as commander parses them. */
export interface RunFlags {
  args?: string;
  concurrency?: string;
  llm?: string;
  record?: string;
  replay?: string;
  llmMaxRetries?: string;
  llmTimeout?: string;
  approve?: string[];
  reject?: string[];
  /** Issue #11 §6: the cap, in USD, on what the run (and its resume chain) spends on LLM requests. */
  maxCost?: string;
  /** Issue #14 §1: commander's negation of --no-progress (false when given). */
  progress?: boolean;
  /** `--tui`, OpenExpertise's name for the live view. */
  tui?: boolean;
  /** Issue #14 §2: print the final state in full at the end (pretty format). */
  showState?: boolean;
  /** Issue #14 §6: JSON lines on stdout (as --log-format json). */
  json?: boolean;
  /** Issue #13: where attempts run (`inline` or `bullmq`) and, for bullmq, the queue's Redis. */
  executor?: string;
  redis?: string;
  queue?: string;
  workerLostMs?: string;
}

/** Adds the flags every run-starting command takes (SPEC §4, §3.2; issue #4's LLM flags). */
export function addRunFlags(cmd: Command): Command {
  return cmd
    .option('--args <json>', 'run args as a JSON object, checked against the experience\'s inputs')
    .option('--concurrency <n>', 'nodes running at once (default: runtime.concurrency, else 1)')
    .option('--llm <provider>', 'LLM provider for agent and skill nodes: anthropic or openai (default: anthropic if ANTHROPIC_API_KEY is set, else openai if OPENAI_API_KEY is set, else anthropic)')
    .option('--record <dir>', 'record every LLM request/response pair into <dir>')
    .option('--replay <dir>', 'answer LLM requests from recordings in <dir>, with no network')
    .option('--llm-max-retries <n>', 'retries of an LLM request after 429/5xx/timeouts (default 2)')
    .option('--llm-timeout <ms>', 'timeout of one LLM request in ms (default 600000)')
    .option('--approve <gate>', 'give the gate the verdict approve (repeatable; same as --args \'{"<gate>": "approve"}\')', collect, [])
    .option('--reject <gate>', 'give the gate the verdict reject (repeatable)', collect, [])
    .option('--max-cost <usd>', 'a hard cap on what LLM requests may cost, in USD (with a resume: what its chain spent counts); a request whose worst case would pass it is not sent, and the run pauses (exit 3)')
    .option('--json', 'one JSON object per stdout line (the same as --log-format json)')
    .option('--no-progress', 'no live view on a terminal: one line per finished node')
    .option('--tui', 'the live view (OpenExpertise\'s flag; the default on a terminal)')
    .option('--show-state', 'print the final state in full at the end')
    .option('--executor <kind>', 'where node attempts run: inline (this process, the default) or bullmq (oe workers, through Redis)')
    .option('--redis <url>', 'with --executor bullmq: the Redis server of the queue (env OE_REDIS_URL)')
    .option('--queue <name>', 'with --executor bullmq: the queue the workers take attempts from (default oe)')
    .option('--worker-lost-ms <ms>', 'with --executor bullmq: a worker silent this long has lost its attempt (default 10000)');
}

/** commander's collector for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Parses `--args`: a JSON object.
 * @throws {UsageError} naming the problem when it is not JSON or not an object.
 */
export function parseArgsFlag(text: string | undefined): { [name: string]: Json } {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--args is not valid JSON: ${(e as Error).message} (got ${quote(text)})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new UsageError(`--args must be a JSON object such as '{"repo": "."}', not ${Array.isArray(v) ? 'an array' : typeof v === 'string' ? quote(v) : JSON.stringify(v)}`);
  }
  return v as { [name: string]: Json };
}

/** Providers `--llm` accepts. */
const PROVIDERS = ['anthropic', 'openai'];

/** Names of environment variables whose values are secrets (SPEC §3). */
const SECRET_NAME = /(^|_)(KEY|TOKEN|SECRET)$/i;

/** The values of secret environment variables, never to be logged. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([k, v]) => v !== undefined && SECRET_NAME.test(k))
    .map(([, v]) => v!);
}

/**
 * Resolves the LLM settings from flags and the environment (the only place they are read).
 * @throws {UsageError} for an unknown provider or a bad number.
 */
export async function llmSettings(flags: RunFlags, g: Globals): Promise<LlmSettings> {
  // Issue #10 §5, OpenExpertise's rule: without --llm, Anthropic if its key is set, else OpenAI if its key is set.
  const provider = flags.llm ?? (!g.env.ANTHROPIC_API_KEY && g.env.OPENAI_API_KEY ? 'openai' : 'anthropic');
  if (!PROVIDERS.includes(provider)) throw new UsageError(`--llm must be one of ${PROVIDERS.join(', ')}, not ${JSON.stringify(provider)}`);
  if (flags.record && flags.replay) throw new UsageError('--record and --replay cannot be used together');
  const { DEFAULT_MODEL, DEFAULT_OPENAI_MODEL } = await import('../llm/models.js');
  const openai = provider === 'openai';
  const [keyVar, urlVar] = openai ? (['OPENAI_API_KEY', 'OPENAI_BASE_URL'] as const) : (['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'] as const);
  const maxRetries = flags.llmMaxRetries === undefined ? undefined : parseNonNegativeInt('--llm-max-retries', flags.llmMaxRetries);
  const timeout = parsePositiveInt('--llm-timeout', flags.llmTimeout);
  const { resolve } = await import('node:path');
  return {
    provider,
    defaultModel: openai ? g.env.OE_OPENAI_MODEL || DEFAULT_OPENAI_MODEL : g.env.OE_ANTHROPIC_MODEL || DEFAULT_MODEL,
    ...(g.env[keyVar] ? { apiKey: g.env[keyVar] } : {}),
    ...(g.env[urlVar] ? { baseURL: g.env[urlVar] } : {}),
    ...(flags.record ? { recordDir: resolve(g.cwd, flags.record) } : {}),
    ...(flags.replay ? { replayDir: resolve(g.cwd, flags.replay) } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(timeout !== undefined ? { requestTimeoutMs: timeout } : {}),
  };
}

/**
 * A USD amount flag: a number ≥ 0 such as `5` or `0.25`.
 * @throws {UsageError} naming the flag and the value otherwise.
 */
export function parseUsd(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new UsageError(`${flag} must be an amount in USD such as 5 or 0.25, not ${JSON.stringify(value)}`);
  return Number(value);
}

function parseNonNegativeInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** `--approve <gate>` and `--reject <gate>` as verdict args (repeatable, comma-separated). */
export function verdictFlags(flags: RunFlags): { [gate: string]: string } {
  const out: { [gate: string]: string } = {};
  for (const [list, verdict] of [[flags.approve, 'approve'], [flags.reject, 'reject']] as const) {
    for (const gate of (list ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) out[gate] = verdict;
  }
  return out;
}
