// Checks a value against a node's whole JSON Schema (issue #15 §2) with @cfworker/json-schema
// (drafts 4 to 2020-12: `$ref`/`$defs`, `allOf`, `anyOf`, `oneOf`, `not`, `if`, formats …), after the
// strict tool's constrained decoding has enforced what it can. Only the reporting is ours: the
// library's output units become one `<path>: <problem>` line per failing keyword.
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import type { Json } from '../util/canonical-json.js';

/** A JSON Schema (object form) or a boolean schema. */
export type JsonSchema = boolean | { [keyword: string]: Json };

/** Keywords whose failure only says a subschema failed; the subschema's own errors say what. */
const WRAPPERS = new Set(['properties', 'items', 'prefixItems', 'additionalItems', '$ref', '$dynamicRef', '$recursiveRef', 'allOf', 'dependentSchemas', 'dependencies', 'patternProperties', 'unevaluatedItems', 'unevaluatedProperties', 'propertyNames', 'contains', 'if', 'then', 'else']);
/** Keywords whose subschemas' errors are alternatives, not the problem: reported as one line. */
const ALTERNATIVES = new Set(['anyOf', 'oneOf', 'not']);

const cache = new WeakMap<object, Validator>();

/**
 * Checks `value` against `schema` (draft 2020-12 unless `$schema` names another) and returns every
 * problem as `<path>: <what is wrong>`, the path in `$.a[0].b` form. An empty list means valid.
 */
export function validateJson(schema: JsonSchema, value: Json): string[] {
  let validator = typeof schema === 'object' ? cache.get(schema) : undefined;
  if (!validator) {
    validator = new Validator(schema as Schema | boolean, draftOf(schema), false);
    if (typeof schema === 'object') cache.set(schema, validator);
  }
  const { valid, errors } = validator.validate(value);
  return valid ? [] : report(errors);
}

function draftOf(schema: JsonSchema): '4' | '7' | '2019-09' | '2020-12' {
  const s = typeof schema === 'object' && typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  if (s.includes('draft-04')) return '4';
  if (s.includes('draft-07') || s.includes('draft-06')) return '7';
  if (s.includes('2019-09')) return '2019-09';
  return '2020-12';
}

/** The leaf errors, one line each, in the library's order. */
function report(errors: OutputUnit[]): string[] {
  const under = (parent: OutputUnit, e: OutputUnit) => e !== parent && e.keywordLocation.startsWith(`${parent.keywordLocation}/`);
  const alternatives = errors.filter((e) => ALTERNATIVES.has(e.keyword));
  const kept = errors.filter((e) => !alternatives.some((a) => under(a, e)));
  const lines: string[] = [];
  for (const e of kept) {
    if (WRAPPERS.has(e.keyword) && kept.some((c) => under(e, c))) continue;
    if (e.keyword === 'false' && kept.some((p) => p.keyword === 'additionalProperties' && e.instanceLocation.startsWith(`${p.instanceLocation}/`))) continue;
    lines.push(`${jsonPath(e.instanceLocation)}: ${message(e)}`);
  }
  return [...new Set(lines)];
}

function message(e: OutputUnit): string {
  const extra = /^Property "(.*)" does not match additional properties schema\.$/.exec(e.error);
  if (e.keyword === 'additionalProperties' && extra) return `has property ${JSON.stringify(extra[1])}, which is not allowed`;
  if (e.keyword === 'false') return 'no value is allowed here';
  return e.error.replace(/\.$/, '');
}

/** `#/a/0/b c` → `$.a[0]["b c"]` (JSON Pointer segments unescaped). */
export function jsonPath(pointer: string): string {
  const segs = pointer.replace(/^#\/?/, '').split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  return segs.reduce((p, s) => (/^\d+$/.test(s) ? `${p}[${s}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? `${p}.${s}` : `${p}[${JSON.stringify(s)}]`), '$');
}
