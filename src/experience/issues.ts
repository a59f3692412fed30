// Turns zod issues into oe problem messages that name the field, the bad value and, for unknown keys,
// the closest known key (SPEC §2.4). Pure.
import { z } from 'zod';
import { didYouMean } from './suggest.js';
import { quote } from '../util/quote.js';

/** A path into parsed YAML: mapping keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>;

/** One problem before it gets a file position: where it is (`key`: point at the key, not its value). */
export interface Finding {
  path: YamlPath;
  message: string;
  key?: boolean;
}

/** True for a YAML mapping (a plain object, not an array or null). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at `path` inside `root`, or undefined. */
export function valueAt(root: unknown, path: YamlPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isMapping(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** A value for a message: JSON, cut to 60 characters. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** `a.b[2].c` for a path relative to the thing a message is about. */
export function dotted(path: YamlPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault) cur = cur.unwrap() as z.ZodType;
  return cur;
}

/** The keys a strict object schema allows at `path` (union options merged), for "did you mean". */
export function keysAt(schema: z.ZodType, path: YamlPath): string[] {
  let cur: z.ZodType | undefined = unwrap(schema);
  for (const seg of path) {
    if (cur instanceof z.ZodObject) cur = cur.shape[String(seg)] as z.ZodType | undefined;
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else if (cur instanceof z.ZodRecord) cur = cur.valueType as z.ZodType;
    else if (cur instanceof z.ZodUnion) cur = (cur.options as z.ZodType[]).map(unwrap).find((o) => o instanceof z.ZodObject && String(seg) in o.shape);
    else cur = undefined;
    if (cur === undefined) return [];
    cur = unwrap(cur);
  }
  if (cur instanceof z.ZodObject) return Object.keys(cur.shape);
  if (cur instanceof z.ZodUnion) return [...new Set((cur.options as z.ZodType[]).map(unwrap).flatMap((o) => (o instanceof z.ZodObject ? Object.keys(o.shape) : [])))];
  return [];
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'null',
};

/**
 * Findings for the issues of `schema.safeParse(value)`, with paths prefixed by `base` (where `value`
 * sits in the file) and messages prefixed by `label` (e.g. `node "review"`); `name` names `value`
 * itself in messages (e.g. `version`) when it is a top-level field. An unrecognized key gives
 * one finding per key, pointing at the key, with the closest allowed key when one is within
 * Levenshtein distance 2, else the list of allowed keys.
 */
export function issueFindings(issues: readonly z.core.$ZodIssue[], opts: { schema: z.ZodType; value: unknown; base: YamlPath; label: string; name?: string | undefined }): Finding[] {
  const out: Finding[] = [];
  const prefix = opts.label ? `${opts.label}: ` : '';
  for (const issue of issues) {
    const rel = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const path = [...opts.base, ...rel];
    const field = dotted(opts.name !== undefined ? [opts.name, ...rel] : rel);
    const subject = field || 'value';
    const v = valueAt(opts.value, rel);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = keysAt(opts.schema, rel);
        for (const key of issue.keys) {
          const hint = didYouMean(key, allowed) || (allowed.length ? `; allowed keys: ${allowed.join(', ')}` : '');
          out.push({ path: [...path, key], key: true, message: `${prefix}unknown key ${quote(key)}${field ? ` in ${field}` : ''}${hint}` });
        }
        break;
      }
      case 'invalid_type':
        out.push({
          path,
          message:
            v === undefined
              ? `${prefix}missing required key ${JSON.stringify(field)}`
              : issue.message.startsWith('Invalid')
                ? `${prefix}${subject} must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${show(v)}`
                : `${prefix}${issue.message}, not ${show(v)}`,
        });
        break;
      case 'invalid_value': {
        const values = issue.values.map((x) => String(x));
        const hint = typeof v === 'string' ? didYouMean(v, values) : '';
        out.push({ path, message: `${prefix}${subject} must be ${values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.join(', ')}`}, not ${show(v)}${hint}` });
        break;
      }
      case 'too_small':
        out.push({
          path,
          message:
            issue.origin === 'string'
              ? `${prefix}${subject} must not be empty`
              : issue.origin === 'array'
                ? `${prefix}${subject} must have at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}`
                : `${prefix}${subject} must be at least ${String(issue.minimum)}, not ${show(v)}`,
        });
        break;
      case 'too_big':
        out.push({ path, message: `${prefix}${subject} must be at most ${String(issue.maximum)}, not ${show(v)}` });
        break;
      case 'invalid_union': {
        // A discriminated union names its options (e.g. on_error.policy): list them, with did-you-mean.
        const options = (issue as { options?: unknown[] }).options;
        if (Array.isArray(options)) {
          const values = options.map(String);
          out.push({ path, message: `${prefix}${subject} must be one of ${values.join(', ')}, not ${show(v)}${typeof v === 'string' ? didYouMean(v, values) : ''}` });
          break;
        }
        // z.json() rejects non-JSON (e.g. .nan); other unions carry their own message.
        out.push({ path, message: `${prefix}${issue.message === 'Invalid input' ? `${subject} must be a JSON value, not ${show(v)}` : `${issue.message}, not ${show(v)}`}` });
        break;
      }
      default:
        // invalid_format and custom: the schema's own message names the field.
        out.push({ path, message: `${prefix}${issue.message.startsWith('Invalid') ? `${subject}: ${issue.message}` : issue.message}${v === undefined ? '' : `, not ${show(v)}`}` });
    }
  }
  return out;
}
