// JSON-Schema checks with @cfworker/json-schema (draft 2020-12, `$ref` inside the schema): one
// compiled validator per schema object, and violations in oe's words. Pure.
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import type { Json } from './canonical-json.js';

const validators = new WeakMap<object, Validator>();

/** `#/0/a` (a JSON Pointer in a URI fragment) under `root` → `root[0].a`. */
function instancePath(root: string, location: string): string {
  const tokens = location.replace(/^#\/?/, '').split('/').filter((t) => t !== '');
  const seg = (t: string): string => (/^\d+$/.test(t) ? `[${t}]` : /^[A-Za-z_$][\w$-]*$/.test(t) ? `.${t}` : `[${JSON.stringify(t)}]`);
  return root + tokens.map((t) => seg(decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'))).join('');
}

/** The errors that explain a failure: those no deeper error sits under (cfworker also reports each enclosing keyword). */
function leaves(errors: readonly OutputUnit[]): OutputUnit[] {
  return errors.filter((e) => !errors.some((f) => f !== e && f.keywordLocation.startsWith(`${e.keywordLocation}/`)));
}

/**
 * Every way `value` fails `schema`, each as `<path>: <what is wrong>` with the path under `root`
 * (`findings[1].url: …`); empty when it matches. The schema object is compiled once (keep the same
 * object to reuse it).
 * @throws {Error} for a `$ref` that does not resolve (validation reports those first: schema-refs.ts).
 */
export function schemaViolations(schema: object, value: Json, root: string): string[] {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = new Validator(schema as Schema, '2020-12', false)));
  const r = v.validate(value);
  return r.valid ? [] : [...new Set(leaves(r.errors).map((e) => `${instancePath(root, e.instanceLocation)}: ${e.error}`))];
}

/** Up to five violations joined for a message, with how many more there were. */
export function joinViolations(list: readonly string[]): string {
  return list.slice(0, 5).join('; ') + (list.length > 5 ? `; and ${list.length - 5} more` : '');
}
