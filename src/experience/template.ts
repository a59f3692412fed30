// Prompt templates (SPEC §2.2): `{{field}}`, `{{field.sub}}`, `{{$item}}`, `{{$item.key}}`,
// `{{$index}}`, `{{$args.x}}`. An unknown placeholder is an error, never literal text. Pure.
import type { Json } from '../util/canonical-json.js';
import { getPath } from './path.js';

/** A malformed template, or a placeholder with no value; `offset` (0-based) is where in the text. */
export class TemplateError extends Error {
  readonly offset?: number;
  constructor(message: string, offset?: number) {
    super(message);
    this.name = 'TemplateError';
    if (offset !== undefined) this.offset = offset;
  }
}

/** One `{{…}}` in a template. */
export interface TemplatePlaceholder {
  /** The text between the braces, trimmed, e.g. `$item.key`. */
  expr: string;
  /** 0-based offset of the opening `{{`. */
  offset: number;
  /** state: `{{field.sub}}`; item: `{{$item…}}`; args: `{{$args.x}}`; index: `{{$index}}`. */
  kind: 'state' | 'item' | 'args' | 'index';
  /** The segments after the kind's root: `field.sub` → ['field', 'sub']; `$item.k` → ['k']; `$args.x` → ['x']; `$index` → []. */
  path: string[];
}

const SEG = '[A-Za-z_][A-Za-z0-9_-]*';
const STATE_RE = new RegExp(`^${SEG}(?:\\.${SEG})*$`);
const ITEM_RE = new RegExp(`^\\$item(?:\\.${SEG})*$`);
const ARGS_RE = new RegExp(`^\\$args(?:\\.${SEG})+$`);

/**
 * Finds every placeholder of a template, in order. Whitespace inside the braces is allowed
 * (`{{ field }}`).
 * @throws {TemplateError} at the offset of a `{{` without a closing `}}`, or of a placeholder that is
 *   not one of the forms above (e.g. `{{a b}}`, `{{$foo}}`, `{{}}`).
 */
export function templatePlaceholders(text: string): TemplatePlaceholder[] {
  const out: TemplatePlaceholder[] = [];
  let i = text.indexOf('{{');
  while (i !== -1) {
    const close = text.indexOf('}}', i + 2);
    if (close === -1) throw new TemplateError('"{{" without a closing "}}"', i);
    const expr = text.slice(i + 2, close).trim();
    out.push(classify(expr, i));
    i = text.indexOf('{{', close + 2);
  }
  return out;
}

function classify(expr: string, offset: number): TemplatePlaceholder {
  if (expr === '$index') return { expr, offset, kind: 'index', path: [] };
  if (ITEM_RE.test(expr)) return { expr, offset, kind: 'item', path: expr.split('.').slice(1) };
  if (ARGS_RE.test(expr)) return { expr, offset, kind: 'args', path: expr.split('.').slice(1) };
  if (STATE_RE.test(expr)) return { expr, offset, kind: 'state', path: expr.split('.') };
  throw new TemplateError(
    `bad placeholder {{${expr}}} (expected {{field}}, {{field.sub}}, {{$item}}, {{$item.key}}, {{$index}} or {{$args.x}})`,
    offset,
  );
}

/** How a value appears in a rendered prompt: strings as-is, everything else as JSON. */
function show(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Renders a template. `state` is what `{{field}}` reads (a node passes its `_state`), `item`/`index`
 * exist under `for_each`, `args` are the run args.
 * @throws {TemplateError} for malformed templates, and for a placeholder whose value is missing from
 *   `ctx` (never left as literal text).
 */
export function renderTemplate(
  text: string,
  ctx: { state: Record<string, Json>; item?: Json; index?: number; args: Record<string, Json> },
): string {
  const placeholders = templatePlaceholders(text);
  let out = '';
  let last = 0;
  for (const p of placeholders) {
    let value: Json | undefined;
    switch (p.kind) {
      case 'state':
        value = getPath(ctx.state, p.path);
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
    out += text.slice(last, p.offset) + show(value);
    last = text.indexOf('}}', p.offset + 2) + 2;
  }
  return out + text.slice(last);
}
