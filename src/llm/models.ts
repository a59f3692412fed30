// The model table: the one place that names Claude models and what each accepts (issue #15): its
// maximum output (the default `max_tokens`), whether it takes a forced `tool_choice`, non-default
// sampling parameters and which `effort` levels.
//
// Sources (stored copies; no live page reachable; checked 2026-11-21):
// - model overview pages https://platform.claude.com/docs/en/models/<model>/overview and their
//   "How it compares" table: 1M context and 128K max output for every 5.x model;
// - "Forced tool use returns an error" (Sonnet 5.5 what's-new page; the Opus 5.5 and Fable 5.1/5.2
//   migration notes);
// - the model migration guide and "Sampling parameters" notes: Opus 4.7 and later, every 5.x model
//   and Mythos Preview answer a non-default temperature/top_p/top_k with a 400 on every request;
// - the effort page (https://platform.claude.com/docs/en/build-with-claude/effort): Opus 4.5 has
//   low/medium/high, the 4.6 models add max, `xhigh` came with Opus 4.7; Sonnet/Haiku 4.5 reject it.
// Max output of the 4.x models is from the same model pages' earlier rows (64K; Opus 4/4.1 32K).

/**
 * The model an agent or skill node calls when neither the node's `model` nor OE_ANTHROPIC_MODEL
 * names one: Claude Sonnet 5.5, Anthropic's current Sonnet. Changing it changes the input hash of
 * every agent/skill node that relies on the default.
 */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/**
 * The model of `--llm openai` nodes when neither the node's `model` nor OE_OPENAI_MODEL names one:
 * GPT-6.1 Sol (https://developers.openai.com/api/docs/models/gpt-6.1-sol, per stored release notes).
 */
export const DEFAULT_OPENAI_MODEL = 'gpt-6.1-sol';

/**
 * `max_tokens` of a request to a model the table does not know, when the node sets none. Kept under
 * the SDK's non-streaming limit so an unknown model is never streamed by surprise.
 */
export const DEFAULT_MAX_TOKENS = 8192;

/** The effort levels of the Messages API (`output_config.effort`). */
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type Effort = (typeof EFFORT_LEVELS)[number];

/** What one model accepts. */
export interface ModelInfo {
  /** Maximum output tokens; also the default `max_tokens`. */
  maxOutputTokens: number;
  /** False when `tool_choice: {type: 'tool'}` is a 400 (use `auto`). */
  forcedToolChoice: boolean;
  /** False when a non-default `temperature` / `top_p` / `top_k` is a 400. */
  samplingParams: boolean;
  /** The `effort` levels it takes; empty when it rejects the parameter. */
  effort: readonly Effort[];
}

const ALL_EFFORT = EFFORT_LEVELS;
const m = (maxOutputTokens: number, forcedToolChoice: boolean, samplingParams: boolean, effort: readonly Effort[]): ModelInfo => ({
  maxOutputTokens,
  forcedToolChoice,
  samplingParams,
  effort,
});

/** Keyed by model id without a snapshot date (see baseModelId). */
export const MODELS: Readonly<Record<string, ModelInfo>> = {
  'claude-fable-5-2': m(128_000, false, false, ALL_EFFORT),
  'claude-mythos-5-2': m(128_000, false, false, ALL_EFFORT),
  'claude-fable-5-1': m(128_000, false, false, ALL_EFFORT),
  'claude-mythos-5-1': m(128_000, false, false, ALL_EFFORT),
  'claude-fable-5': m(128_000, true, false, ALL_EFFORT),
  'claude-mythos-5': m(128_000, true, false, ALL_EFFORT),
  'claude-opus-5-5': m(128_000, false, false, ALL_EFFORT),
  'claude-opus-5': m(128_000, true, false, ALL_EFFORT),
  'claude-sonnet-5-5': m(128_000, false, false, ALL_EFFORT),
  'claude-sonnet-5': m(128_000, true, false, ALL_EFFORT),
  'claude-haiku-5-5': m(128_000, true, false, ALL_EFFORT),
  'claude-mythos-preview': m(128_000, true, false, ALL_EFFORT),
  'claude-opus-4-8': m(128_000, true, false, ALL_EFFORT),
  'claude-opus-4-7': m(128_000, true, false, ALL_EFFORT),
  'claude-opus-4-6': m(128_000, true, true, ['low', 'medium', 'high', 'max']),
  'claude-sonnet-4-6': m(64_000, true, true, ['low', 'medium', 'high', 'max']),
  'claude-opus-4-5': m(64_000, true, true, ['low', 'medium', 'high']),
  'claude-sonnet-4-5': m(64_000, true, true, []),
  'claude-haiku-4-5': m(64_000, true, true, []),
  'claude-opus-4-1': m(32_000, true, true, []),
  'claude-opus-4-0': m(32_000, true, true, []),
  'claude-opus-4': m(32_000, true, true, []),
  'claude-sonnet-4-0': m(64_000, true, true, []),
  'claude-sonnet-4': m(64_000, true, true, []),
};

/** The model id without a trailing `-YYYYMMDD` snapshot date or `[1m]` suffix. */
export function baseModelId(model: string): string {
  return model.replace(/\[[^\]]*\]$/, '').replace(/-\d{8}$|-\d{4}-\d{2}-\d{2}$/, '');
}

/** The table entry of `model` (a dated snapshot finds its model), or undefined for an unknown one. */
export function modelInfo(model: string): ModelInfo | undefined {
  return MODELS[baseModelId(model)];
}

/**
 * True when `model` accepts `tool_choice: {type: 'tool', name}`. Unknown models are assumed to (the
 * Messages API default); the others get `{type: 'auto'}`.
 */
export function supportsForcedToolChoice(model: string): boolean {
  return modelInfo(model)?.forcedToolChoice ?? true;
}

/**
 * The `max_tokens` oe sends: the node's, capped at the model's maximum output; without one, the
 * model's maximum output (DEFAULT_MAX_TOKENS for a model the table does not know).
 */
export function effectiveMaxTokens(model: string, requested: number | undefined): number {
  const max = modelInfo(model)?.maxOutputTokens;
  if (requested === undefined) return max ?? DEFAULT_MAX_TOKENS;
  return max !== undefined ? Math.min(requested, max) : requested;
}
