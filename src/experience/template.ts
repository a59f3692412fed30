// Prompt templates (SPEC §2.2, issue #10 §1): `{{name}}`, `{{field.sub}}`, `{{$item}}`, `{{$item.key}}`,
// `{{$index}}`, `{{$args.x}}`, each optionally followed by filters: `{{raw_ideas|length}}`,
// `{{plan | json}}`. A bare name is the node's own arg of that name when it has one, else the `reads`
// field (OpenExpertise's order: args win). An unknown placeholder or filter is an error, never
// literal text. Pure.
import type { Json } from '../util/canonical-json.js';
import { getPath } from './path.js';
import { didYouMean } from './suggest.js';

/** A malformed template, or a placeholder with no value; `offset` (0-based) is where in the text. */
export class TemplateError extends Error {
  readonly offset?: number;
  constructor(message: string, offset?: number) {
    super(message);
    this.name = 'TemplateError';
    if (offset !== undefined) this.offset = offset;
  }
}

/**
 * The filters a placeholder may apply, left to right:
 * - `length`: the number of elements of a list, keys of a mapping, or characters (code points) of a string;
 * - `json`: the value as JSON, indented by 2 spaces (a string gets its quotes).
 */
export const TEMPLATE_FILTERS = ['length', 'json'] as const;
/** One of TEMPLATE_FILTERS. */
export type TemplateFilter = (typeof TEMPLATE_FILTERS)[number];

/** One `{{…}}` in a template. */
export interface TemplatePlaceholder {
  /** The text between the braces, trimmed, e.g. `$item.key` or `raw_ideas|length`. */
  expr: string;
  /** 0-based offset of the opening `{{`. */
  offset: number;
  /**
   * state: a bare `{{name.sub}}` (the node's arg `name`, else its `reads` field `name`);
   * item: `{{$item…}}`; args: `{{$args.x}}` (a run arg); index: `{{$index}}`.
   */
  kind: 'state' | 'item' | 'args' | 'index';
  /** The segments after the kind's root: `field.sub` → ['field', 'sub']; `$item.k` → ['k']; `$args.x` → ['x']; `$index` → []. */
  path: string[];
  /** The filters after `|`, in order, each with the 0-based offset of its name in the template. */
  filters: Array<{ name: TemplateFilter; offset: number }>;
}

const SEG = '[A-Za-z_][A-Za-z0-9_-]*';
const STATE_RE = new RegExp(`^${SEG}(?:\\.${SEG})*$`);
const ITEM_RE = new RegExp(`^\\$item(?:\\.${SEG})*$`);
const ARGS_RE = new RegExp(`^\\$args(?:\\.${SEG})+$`);

/**
 * Finds every placeholder of a template, in order. Whitespace inside the braces and around `|` is
 * allowed (`{{ field | length }}`).
 * @throws {TemplateError} at the offset of a `{{` without a closing `}}`, of a placeholder that is
 *   not one of the forms above (e.g. `{{a b}}`, `{{$foo}}`, `{{}}`), or of an unknown filter.
 */
export function templatePlaceholders(text: string): TemplatePlaceholder[] {
  const out: TemplatePlaceholder[] = [];
  let i = text.indexOf('{{');
  while (i !== -1) {
    const close = text.indexOf('}}', i + 2);
    if (close === -1) throw new TemplateError('"{{" without a closing "}}"', i);
    out.push(parsePlaceholder(text, i, close));
    i = text.indexOf('{{', close + 2);
  }
  return out;
}

function parsePlaceholder(text: string, open: number, close: number): TemplatePlaceholder {
  const inner = text.slice(open + 2, close);
  const parts = inner.split('|');
  const head = parts[0]!.trim();
  const filters: TemplatePlaceholder['filters'] = [];
  let at = open + 2 + parts[0]!.length + 1;
  for (const raw of parts.slice(1)) {
    const name = raw.trim();
    const offset = at + (raw.length - raw.trimStart().length);
    if (!(TEMPLATE_FILTERS as readonly string[]).includes(name)) {
      const what = name === '' ? 'an empty filter' : `unknown filter ${JSON.stringify(name)}`;
      throw new TemplateError(`${what} in {{${inner.trim()}}}; filters are ${TEMPLATE_FILTERS.join(', ')}${didYouMean(name, TEMPLATE_FILTERS)}`, offset);
    }
    filters.push({ name: name as TemplateFilter, offset });
    at += raw.length + 1;
  }
  const expr = inner.trim();
  const base = { expr, offset: open, filters };
  if (head === '$index') return { ...base, kind: 'index', path: [] };
  if (ITEM_RE.test(head)) return { ...base, kind: 'item', path: head.split('.').slice(1) };
  if (ARGS_RE.test(head)) return { ...base, kind: 'args', path: head.split('.').slice(1) };
  if (STATE_RE.test(head)) return { ...base, kind: 'state', path: head.split('.') };
  throw new TemplateError(
    `bad placeholder {{${expr}}} (expected {{field}}, {{field.sub}}, {{$item}}, {{$item.key}}, {{$index}} or {{$args.x}}, optionally with filters such as |length or |json)`,
    open,
  );
}

/** How a value appears in a rendered prompt: strings as-is, everything else as JSON. */
function show(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Applies one filter.
 * @throws {TemplateError} for `length` of a number, boolean or null.
 */
export function applyFilter(name: TemplateFilter, v: Json, where: { expr: string; offset: number }): Json {
  switch (name) {
    case 'json':
      return JSON.stringify(v, null, 2);
    case 'length':
      if (typeof v === 'string') return Array.from(v).length;
      if (Array.isArray(v)) return v.length;
      if (v !== null && typeof v === 'object') return Object.keys(v).length;
      throw new TemplateError(`{{${where.expr}}}: length needs a list, a mapping or a string, not ${v === null ? 'null' : typeof v}`, where.offset);
  }
}

/** What a template is rendered against. */
export interface TemplateContext {
  /** The node's `_state` (its `reads` fields). */
  state: Record<string, Json>;
  /** The node's resolved `args`; a bare `{{name}}` takes the arg `name` before the field `name`. */
  values?: Record<string, Json>;
  /** Under for_each. */
  item?: Json;
  index?: number;
  /** The run args (`{{$args.x}}`). */
  args: Record<string, Json>;
}

/**
 * Renders a template.
 * @throws {TemplateError} for malformed templates, for a placeholder whose value is missing from
 *   `ctx` (never left as literal text), and for a filter that does not apply to its value.
 */
export function renderTemplate(text: string, ctx: TemplateContext): string {
  const placeholders = templatePlaceholders(text);
  let out = '';
  let last = 0;
  for (const p of placeholders) {
    let value: Json | undefined;
    switch (p.kind) {
      case 'state':
        value = ctx.values && Object.hasOwn(ctx.values, p.path[0]!) ? getPath(ctx.values, p.path) : getPath(ctx.state, p.path);
        break;
      case 'item':
        value = ctx.item === undefined ? undefined : getPath(ctx.item, p.path);
        break;
      case 'index':
        value = ctx.index;
        break;
      case 'args':
        value = getPath(ctx.args, p.path);
        break;
    }
    if (value === undefined) throw new TemplateError(`unknown placeholder {{${p.expr}}}: no such value`, p.offset);
    for (const f of p.filters) value = applyFilter(f.name, value, p);
    out += text.slice(last, p.offset) + show(value);
    last = text.indexOf('}}', p.offset + 2) + 2;
  }
  return out + text.slice(last);
}
