// The one place that names Claude models oe uses by default, and what each model accepts.

/**
 * The model an agent or skill node calls when neither the node's `model` nor OE_ANTHROPIC_MODEL
 * names one. Claude Sonnet 5.5 is Anthropic's current Sonnet ("the best combination of speed and
 * intelligence", https://platform.claude.com/docs/en/models/sonnet-5-5/overview, checked 2026-11-21).
 * Changing it changes the input hash of every agent/skill node that relies on the default.
 */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** `max_tokens` of a request when the node sets none. Adaptive thinking spends output tokens too. */
export const DEFAULT_MAX_TOKENS = 8192;

/**
 * Models that answer a forced `tool_choice` (`{type: 'tool'}` or `{type: 'any'}`) with a 400.
 * Sources: "Forced tool use returns an error" for Claude Sonnet 5.5
 * (https://platform.claude.com/docs/en/models/sonnet-5-5/whats-new-sonnet-5-5); the Opus 5.5 migration
 * notes (forced tool_choice returns 400) and public client code that relaxes forcing for Opus 5.5 and
 * Fable 5.1. Checked 2026-11-21 against stored copies; no live page could be reached.
 */
const NO_FORCED_TOOL_CHOICE: ReadonlySet<string> = new Set(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-fable-5-1']);

/** The model id without a trailing `-YYYYMMDD` snapshot date or `[1m]` suffix. */
export function baseModelId(model: string): string {
  return model.replace(/\[[^\]]*\]$/, '').replace(/-\d{8}$/, '');
}

/**
 * True when `model` accepts `tool_choice: {type: 'tool', name}`. Unknown models are assumed to (the
 * Messages API default); the ones listed above get `{type: 'auto'}` plus an instruction instead.
 */
export function supportsForcedToolChoice(model: string): boolean {
  return !NO_FORCED_TOOL_CHOICE.has(baseModelId(model));
}
