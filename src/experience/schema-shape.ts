// The shape of a JSON Schema written in an experience (a state field's keywords, a node's `schema`),
// checked before anything runs, so that `oe run` never meets a schema it cannot apply (issue #10 §7):
// each keyword of JSON Schema 2020-12's validation and applicator vocabularies must have the kind of
// value the specification gives it (json-schema.org/draft/2020-12/json-schema-validation,
// …/json-schema-core §10). Unknown keywords are annotations and pass, as in JSON Schema. Pure.
import type { Json } from '../util/canonical-json.js';
import type { YamlPath } from './issues.js';

/** A keyword whose value is wrong, relative to the schema's root. */
export interface ShapeProblem {
  path: YamlPath;
  message: string;
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'];
const ONE_SCHEMA = ['additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'additionalItems', 'unevaluatedItems', 'unevaluatedProperties', 'items'];
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains'];
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];

const isObject = (v: Json | undefined): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
const isSchema = (v: Json | undefined): boolean => typeof v === 'boolean' || isObject(v);

function badRegex(p: string): string | undefined {
  try {
    new RegExp(p, 'u');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Every keyword of `schema` (and of the schemas inside it) whose value JSON Schema 2020-12 does not
 * allow. `skip` names top-level keys that are not JSON Schema here (a state field's `merge`).
 */
export function schemaShapeProblems(schema: Json, skip: readonly string[] = []): ShapeProblem[] {
  const out: ShapeProblem[] = [];
  const walk = (s: Json, path: YamlPath, top: boolean): void => {
    if (typeof s === 'boolean') return;
    if (!isObject(s)) return void out.push({ path, message: `a schema must be a mapping or true/false, not ${JSON.stringify(s)}` });
    for (const [k, v] of Object.entries(s)) {
      if (top && skip.includes(k)) continue;
      const at = [...path, k];
      const bad = (what: string): void => void out.push({ path: at, message: `${k} must be ${what}, not ${JSON.stringify(v)?.slice(0, 60)}` });
      if (k === 'type') {
        const list = Array.isArray(v) ? v : [v];
        if (list.length === 0 || !list.every((t) => typeof t === 'string' && TYPES.includes(t))) bad(`one of ${TYPES.join(', ')} (or a list of them)`);
      } else if (ONE_SCHEMA.includes(k)) {
        if (k === 'items' && Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i], false)); // draft-07 tuple form, as OpenExpertise's draft-07 files may use
        else if (!isSchema(v)) bad('a schema (a mapping or true/false)');
        else walk(v, at, false);
      } else if (SCHEMA_MAPS.includes(k)) {
        if (!isObject(v)) bad('a mapping of names to schemas');
        else
          for (const [name, x] of Object.entries(v)) {
            if (k === 'patternProperties' && badRegex(name)) out.push({ path: [...at, name], message: `patternProperties key ${JSON.stringify(name)} is not a regular expression: ${badRegex(name)}` });
            walk(x, [...at, name], false);
          }
      } else if (SCHEMA_LISTS.includes(k)) {
        if (!Array.isArray(v) || v.length === 0) bad('a non-empty list of schemas');
        else v.forEach((x, i) => walk(x, [...at, i], false));
      } else if (COUNTS.includes(k)) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad('a whole number, 0 or more');
      } else if (NUMBERS.includes(k)) {
        if (typeof v !== 'number') bad('a number');
      } else if (k === 'multipleOf') {
        if (typeof v !== 'number' || v <= 0) bad('a number above 0');
      } else if (k === 'enum') {
        if (!Array.isArray(v)) bad('a list of values');
      } else if (k === 'required') {
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) bad('a list of property names');
      } else if (k === 'dependentRequired') {
        if (!isObject(v) || !Object.values(v).every((l) => Array.isArray(l) && l.every((x) => typeof x === 'string'))) bad('a mapping of property names to lists of property names');
      } else if (k === 'pattern') {
        if (typeof v !== 'string') bad('a regular expression (a string)');
        else if (badRegex(v)) out.push({ path: at, message: `pattern ${JSON.stringify(v)} is not a regular expression: ${badRegex(v)}` });
      } else if (k === 'uniqueItems') {
        if (typeof v !== 'boolean') bad('true or false');
      } else if (k === 'format' || k === '$anchor' || k === '$id' || k === '$schema' || k === '$comment') {
        if (typeof v !== 'string') bad('a string');
      }
      // const, default, examples, title, description and unknown keywords: any value.
    }
  };
  walk(schema, [], true);
  return out;
}
