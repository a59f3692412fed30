// A node's state_delta against its fields' JSON Schemas (issue #10 §1): each written value must match
// the JSON-Schema keywords of its `state.schema` field (type, items, properties, required, enum, $ref,
// …), checked with @cfworker/json-schema (draft 2020-12, util/json-schema.ts). Pure.
import type { Schema } from '@cfworker/json-schema';
import type { StateField } from '../experience/types.js';
import type { Json } from '../util/canonical-json.js';
import { joinViolations, schemaViolations } from '../util/json-schema.js';

/** Keys of a state field that are oe's, not JSON Schema's. */
const OE_KEYS = new Set(['merge']);

const schemas = new WeakMap<StateField, Schema>();

/** The JSON Schema of a field: its declaration without `merge`, and without `type` when it is `any`. */
export function fieldJsonSchema(decl: StateField): Schema {
  const schema: Schema = {};
  for (const [k, v] of Object.entries(decl)) if (!OE_KEYS.has(k) && v !== undefined && !(k === 'type' && v === 'any')) schema[k] = v;
  return schema;
}

/**
 * The first violation of a state delta, or undefined when every value matches its field's schema.
 * An `array_append` field takes an array of new elements or one element (checked as a one-element
 * array). Fields without a declaration are left to the writes check.
 * @returns `{ field, message }` where message lists the violations as `<path>: <what is wrong>`.
 */
export function stateDeltaViolation(delta: { readonly [field: string]: Json }, schema: Readonly<Record<string, StateField>>): { field: string; message: string } | undefined {
  for (const [field, value] of Object.entries(delta)) {
    const decl = schema[field];
    if (!decl) continue;
    let s = schemas.get(decl);
    if (!s) schemas.set(decl, (s = fieldJsonSchema(decl)));
    const list = schemaViolations(s, decl.merge === 'array_append' && !Array.isArray(value) ? [value] : value, field);
    if (list.length > 0) return { field, message: joinViolations(list) };
  }
  return undefined;
}
