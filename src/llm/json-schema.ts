// A small JSON Schema validator for the keywords a node's `schema` uses to describe structured output.
// zod cannot take an arbitrary JSON Schema at runtime and no validator is a dependency, so this covers
// the subset that matters, with JSON Schema 2020-12 meanings: type (one or a list), enum, const,
// properties, required, additionalProperties (boolean or schema), items, minItems, maxItems,
// uniqueItems, minLength, maxLength, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
// multipleOf, anyOf, oneOf, allOf, not. Annotations (title, description, default, examples, format)
// are ignored, as 2020-12 does by default. `$ref` and other keywords that change validation are
// reported as unsupported instead of being silently skipped.
import { canonicalJson, type Json } from '../util/canonical-json.js';

/** A JSON Schema (object form) or a boolean schema. */
export type JsonSchema = boolean | { [keyword: string]: Json };

const IGNORED = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'format', 'deprecated', 'readOnly', 'writeOnly', '$defs', 'definitions']);
const SUPPORTED = new Set([
  'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'uniqueItems',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'anyOf', 'oneOf', 'allOf', 'not',
]);

/**
 * Checks `value` against `schema` and returns every problem, each as `<path>: <what is wrong>` with
 * the path in `$.a[0].b` form. An empty list means the value is valid.
 */
export function validateJson(schema: JsonSchema, value: Json, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  const errors: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!SUPPORTED.has(key) && !IGNORED.has(key)) errors.push(`${path}: the schema keyword "${key}" is not supported by oe's validator`);
  }
  const s = schema;
  if (s['type'] !== undefined) {
    const types = Array.isArray(s['type']) ? (s['type'] as string[]) : [s['type'] as string];
    if (!types.some((t) => hasType(value, t))) {
      errors.push(`${path}: must be ${types.join(' or ')} (got ${typeName(value)})`);
      return errors; // the other keywords would only repeat the type problem
    }
  }
  if (Array.isArray(s['enum']) && !s['enum'].some((e) => same(e, value))) {
    errors.push(`${path}: must be one of ${s['enum'].map((e) => JSON.stringify(e)).join(', ')} (got ${show(value)})`);
  }
  if (s['const'] !== undefined && !same(s['const'], value)) errors.push(`${path}: must be ${JSON.stringify(s['const'])} (got ${show(value)})`);
  if (typeof value === 'string') checkString(s, value, path, errors);
  if (typeof value === 'number') checkNumber(s, value, path, errors);
  if (Array.isArray(value)) checkArray(s, value, path, errors);
  else if (isObject(value)) checkObject(s, value, path, errors);
  checkCombinators(s, value, path, errors);
  return errors;
}

function checkString(s: { [k: string]: Json }, v: string, path: string, errors: string[]): void {
  const len = [...v].length; // code points, as JSON Schema counts
  if (typeof s['minLength'] === 'number' && len < s['minLength']) errors.push(`${path}: must have at least ${s['minLength']} characters (got ${len})`);
  if (typeof s['maxLength'] === 'number' && len > s['maxLength']) errors.push(`${path}: must have at most ${s['maxLength']} characters (got ${len})`);
  if (typeof s['pattern'] === 'string' && !new RegExp(s['pattern'], 'u').test(v)) errors.push(`${path}: must match /${s['pattern']}/ (got ${show(v)})`);
}

function checkNumber(s: { [k: string]: Json }, v: number, path: string, errors: string[]): void {
  const n = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  const min = n('minimum'), max = n('maximum'), xmin = n('exclusiveMinimum'), xmax = n('exclusiveMaximum'), mult = n('multipleOf');
  if (min !== undefined && v < min) errors.push(`${path}: must be >= ${min} (got ${v})`);
  if (max !== undefined && v > max) errors.push(`${path}: must be <= ${max} (got ${v})`);
  if (xmin !== undefined && v <= xmin) errors.push(`${path}: must be > ${xmin} (got ${v})`);
  if (xmax !== undefined && v >= xmax) errors.push(`${path}: must be < ${xmax} (got ${v})`);
  if (mult !== undefined && mult > 0 && Math.abs(v / mult - Math.round(v / mult)) > 1e-9) errors.push(`${path}: must be a multiple of ${mult} (got ${v})`);
}

function checkArray(s: { [k: string]: Json }, v: Json[], path: string, errors: string[]): void {
  if (typeof s['minItems'] === 'number' && v.length < s['minItems']) errors.push(`${path}: must have at least ${s['minItems']} items (got ${v.length})`);
  if (typeof s['maxItems'] === 'number' && v.length > s['maxItems']) errors.push(`${path}: must have at most ${s['maxItems']} items (got ${v.length})`);
  if (s['uniqueItems'] === true) {
    const seen = new Map<string, number>();
    v.forEach((item, i) => {
      const key = canonicalJson(item);
      const first = seen.get(key);
      if (first !== undefined) errors.push(`${path}[${i}]: duplicates item ${first} (items must be unique)`);
      else seen.set(key, i);
    });
  }
  const items = s['items'];
  if (items !== undefined && (typeof items === 'boolean' || isObject(items))) {
    v.forEach((item, i) => errors.push(...validateJson(items as JsonSchema, item, `${path}[${i}]`)));
  }
}

function checkObject(s: { [k: string]: Json }, v: { [k: string]: Json }, path: string, errors: string[]): void {
  const props = isObject(s['properties']) ? s['properties'] : {};
  if (Array.isArray(s['required'])) {
    for (const r of s['required']) if (typeof r === 'string' && !(r in v)) errors.push(`${path}: is missing required property "${r}"`);
  }
  const extra = s['additionalProperties'];
  for (const [k, child] of Object.entries(v)) {
    const childPath = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
    const ps = props[k];
    if (ps !== undefined && (typeof ps === 'boolean' || isObject(ps))) errors.push(...validateJson(ps as JsonSchema, child, childPath));
    else if (extra === false) errors.push(`${path}: has property "${k}", which is not allowed (allowed: ${Object.keys(props).join(', ') || 'none'})`);
    else if (isObject(extra)) errors.push(...validateJson(extra, child, childPath));
  }
}

function checkCombinators(s: { [k: string]: Json }, v: Json, path: string, errors: string[]): void {
  const list = (k: string) => (Array.isArray(s[k]) ? (s[k] as JsonSchema[]) : undefined);
  const allOf = list('allOf'), anyOf = list('anyOf'), oneOf = list('oneOf');
  if (allOf) for (const sub of allOf) errors.push(...validateJson(sub, v, path));
  if (anyOf && !anyOf.some((sub) => validateJson(sub, v, path).length === 0)) {
    errors.push(`${path}: must match at least one of ${anyOf.length} alternatives (anyOf); the first says: ${validateJson(anyOf[0]!, v, path).join('; ')}`);
  }
  if (oneOf) {
    const matching = oneOf.filter((sub) => validateJson(sub, v, path).length === 0).length;
    if (matching !== 1) errors.push(`${path}: must match exactly one of ${oneOf.length} alternatives (oneOf), matches ${matching}`);
  }
  const not = s['not'];
  if (not !== undefined && (typeof not === 'boolean' || isObject(not)) && validateJson(not as JsonSchema, v, path).length === 0) {
    errors.push(`${path}: must not match the "not" schema`);
  }
}

function hasType(v: Json, t: string): boolean {
  switch (t) {
    case 'null': return v === null;
    case 'boolean': return typeof v === 'boolean';
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'array': return Array.isArray(v);
    case 'object': return isObject(v);
    default: return false;
  }
}

function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: Json, b: Json): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function show(v: Json): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
