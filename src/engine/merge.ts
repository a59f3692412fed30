// State merges (SPEC §2 `merge`): how a node's delta folds into the state, in the fixed order of
// SPEC §2.5. Pure.
import type { StateField } from '../experience/types.js';
import type { Json } from '../util/canonical-json.js';

/** A state (or a view of it): field → value. */
export type StateValues = { [field: string]: Json };

/** A write that broke a `set_once` field: it was already set to something else. */
export class MergeConflictError extends Error {
  constructor(readonly field: string) {
    super(`state field "${field}" is set_once and was already set by an earlier node`);
    this.name = 'MergeConflictError';
  }
}

/**
 * Merges `delta` into `target` in place, field by field, by each field's strategy:
 * - `last_wins`: the delta's value replaces the current one;
 * - `set_once`: the first value stays; a later different value throws (an equal one is a no-op);
 * - `array_append`: an array delta is concatenated, any other value is appended as one element.
 * Fields missing from `schema` (cannot happen after validation) are treated as `last_wins`.
 * @throws {MergeConflictError} for a second, different write to a `set_once` field.
 */
export function mergeDelta(target: StateValues, delta: StateValues, schema: Readonly<Record<string, StateField>>): StateValues {
  for (const field of Object.keys(delta)) {
    const value = delta[field]!;
    const merge = schema[field]?.merge ?? 'last_wins';
    const current = target[field];
    switch (merge) {
      case 'last_wins':
        target[field] = value;
        break;
      case 'set_once':
        if (current === undefined) target[field] = value;
        else if (JSON.stringify(current) !== JSON.stringify(value)) throw new MergeConflictError(field);
        break;
      case 'array_append': {
        const base = Array.isArray(current) ? current : current === undefined || current === null ? [] : [current];
        target[field] = Array.isArray(value) ? [...base, ...value] : [...base, value];
        break;
      }
    }
  }
  return target;
}
