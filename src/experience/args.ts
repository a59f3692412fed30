// Run args against the declared `inputs` (SPEC §2.4: "declared inputs against the given args"). Pure.
import type { Json } from '../util/canonical-json.js';
import type { Problem } from '../util/errors.js';
import { didYouMean } from './suggest.js';
import type { FieldType, InputDecl } from './types.js';

/** The `file` of problems about run args. */
export const ARGS_FILE = '<args>';

/** True when `v` has JSON type `type` (`integer`: a safe integer; `object`: a non-array object; `null`: null; `any`: every value). */
export function hasType(v: Json, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'null':
      return v === null;
    case 'any':
      return true;
  }
}

/** A value for a message: JSON, cut to 60 characters. */
export function showValue(v: Json): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Structural equality of two JSON values (for `enum`). */
export function jsonEquals(a: Json, b: Json): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k]!)]));
  return v;
}

/**
 * Checks one value against an input declaration: its type, then its `enum`.
 * @returns a message fragment ("must be boolean, not \"yes\"") or undefined when the value fits.
 */
export function checkInputValue(decl: Pick<InputDecl, 'type' | 'enum'>, v: Json): string | undefined {
  if (!hasType(v, decl.type)) return `must be ${decl.type === 'integer' || decl.type === 'array' || decl.type === 'object' || decl.type === 'any' ? 'an' : 'a'} ${decl.type}, not ${showValue(v)}`;
  if (decl.enum && !decl.enum.some((e) => jsonEquals(e, v))) return `must be one of ${decl.enum.map(showValue).join(', ')}, not ${showValue(v)}`;
  return undefined;
}

/**
 * Validates run args against declared `inputs` and applies defaults.
 * - With no inputs declared (OpenExpertise files), `given` passes through unchanged.
 * - Otherwise: every given name must be declared (else a problem with "did you mean"), each value must
 *   match its input's `type` and `enum`, an input without a `default` is required, and a missing input
 *   with a default gets it. `args` holds the declared inputs in declaration order.
 * Problems have file "<args>" and name the offending key and value; all are returned at once.
 */
export function resolveArgs(inputs: Record<string, InputDecl>, given: Record<string, Json>): { args: Record<string, Json>; problems: Problem[] } {
  const names = Object.keys(inputs);
  if (names.length === 0) return { args: given, problems: [] };
  const problems: Problem[] = [];
  const problem = (message: string): void => void problems.push({ file: ARGS_FILE, message });
  for (const [k, v] of Object.entries(given)) {
    if (!Object.hasOwn(inputs, k)) problem(`unknown arg ${JSON.stringify(k)} = ${showValue(v)}${didYouMean(k, names)}; declared inputs: ${names.join(', ')}`);
  }
  const args: Record<string, Json> = {};
  for (const [name, decl] of Object.entries(inputs)) {
    if (Object.hasOwn(given, name)) {
      const v = given[name]!;
      const bad = checkInputValue(decl, v);
      if (bad !== undefined) problem(`arg ${JSON.stringify(name)} ${bad}`);
      args[name] = v;
    } else if (decl.default !== undefined) {
      args[name] = decl.default;
    } else {
      problem(`missing required arg ${JSON.stringify(name)} (${decl.type}${decl.description ? `: ${decl.description}` : ''})`);
    }
  }
  return { args, problems };
}
