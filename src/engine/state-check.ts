// A node's state_delta against its fields' JSON Schemas (issue #10 §1): each written value must match
// the JSON-Schema keywords of its `state.schema` field (type, items, properties, required, enum, $ref,
// …), checked with @cfworker/json-schema (draft 2020-12). Pure: a validator is compiled once per field
// declaration and kept beside it.
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import type { StateField } from '../experience/types.js';
import type { Json } from '../util/canonical-json.js';

/** Keys of a state field that are oe's, not JSON Schema's. */
const OE_KEYS = new Set(['merge']);

const validators = new WeakMap<StateField, Validator>();

/** The JSON Schema of a field: its declaration without `merge`, and without `type` when it is `any`. */
export function fieldJsonSchema(decl: StateField): Schema {
  const schema: Schema = {};
  for (const [k, v] of Object.entries(decl)) if (!OE_KEYS.has(k) && v !== undefined && !(k === 'type' && v === 'any')) schema[k] = v;
  return schema;
}

function validatorFor(decl: StateField): Validator {
  let v = validators.get(decl);
  if (!v) {
    v = new Validator(fieldJsonSchema(decl), '2020-12', false);
    validators.set(decl, v);
  }
  return v;
}

/** `#/0/a` (a JSON Pointer in a URI fragment) → `field[0].a`. */
function instancePath(field: string, location: string): string {
  const tokens = location.replace(/^#\/?/, '').split('/').filter((t) => t !== '');
  return field + tokens.map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~')).map((t) => (/^\d+$/.test(t) ? `[${t}]` : /^[A-Za-z_$][\w$-]*$/.test(t) ? `.${t}` : `[${JSON.stringify(t)}]`)).join('');
}

/** The errors that explain a failure: those no deeper error sits under (cfworker also reports each enclosing keyword). */
function leaves(errors: readonly OutputUnit[]): OutputUnit[] {
  return errors.filter((e) => !errors.some((f) => f !== e && f.keywordLocation.startsWith(`${e.keywordLocation}/`)));
}

/**
 * The first violation of a state delta, or undefined when every value matches its field's schema.
 * An `array_append` field takes an array of new elements or one element (checked as a one-element
 * array). Fields without a declaration are left to the writes check.
 * @returns `{ field, message }` where message lists each violation as `<path>: <what is wrong>`.
 */
export function stateDeltaViolation(delta: { readonly [field: string]: Json }, schema: Readonly<Record<string, StateField>>): { field: string; message: string } | undefined {
  for (const [field, value] of Object.entries(delta)) {
    const decl = schema[field];
    if (!decl) continue;
    const checked = decl.merge === 'array_append' && !Array.isArray(value) ? [value] : value;
    const result = validatorFor(decl).validate(checked);
    if (result.valid) continue;
    const parts = leaves(result.errors).map((e) => `${instancePath(field, e.instanceLocation)}: ${e.error}`);
    return { field, message: [...new Set(parts)].slice(0, 5).join('; ') + (parts.length > 5 ? `; and ${parts.length - 5} more` : '') };
  }
  return undefined;
}
