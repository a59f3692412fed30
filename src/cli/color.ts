// Whether oe colours its output (issue #14 §3): `--color auto|always|never`, then the FORCE_COLOR
// and NO_COLOR conventions (force-color.org, no-color.org), then whether the stream is a terminal.
// Pure: the environment and the TTY-ness are inputs.
import { UsageError } from '../util/errors.js';

/** `--color`: colour when the stream is a terminal (auto), always, or never. */
export type ColorMode = 'auto' | 'always' | 'never';
const MODES: readonly ColorMode[] = ['auto', 'always', 'never'];

/**
 * Parses `--color`.
 * @throws {UsageError} (exit 2) for anything but auto, always or never.
 */
export function parseColorMode(value: string | undefined): ColorMode {
  if (value === undefined) return 'auto';
  if (!MODES.includes(value as ColorMode)) throw new UsageError(`--color must be auto, always or never, not ${JSON.stringify(value)}`);
  return value as ColorMode;
}

/**
 * Decides colour for one stream. Precedence, highest first (Node's own order for its console):
 * `--color always|never`; FORCE_COLOR set (any value but `0`/`false` forces colour, those two turn it
 * off); NO_COLOR set to a non-empty value (off); then `auto`: colour on a terminal whose TERM is not
 * `dumb`.
 */
export function useColor(mode: ColorMode, env: { [k: string]: string | undefined }, isTTY: boolean): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}
