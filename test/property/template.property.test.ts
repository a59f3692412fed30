// Property tests of prompt templates (issue #12 §3): any text either renders or is a TemplateError at
// an offset inside it; text without `{{` renders to itself; a placeholder renders its value, and one
// with no value is an error — never literal text, never an inherited property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateError, renderTemplate, templatePlaceholders } from '../../src/experience/template.js';
import type { Json } from '../../src/util/canonical-json.js';

const piece = fc.constantFrom('{{', '}}', '{', '}', '$item', '$item.k', '$index', '$args.x', '$args', 'a', 'a.b', '.', ' ', '\n', 'x y', '$foo', '😀', '\u0000');
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.array(piece, { maxLength: 30 }).map((p) => p.join('')));
const field = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/);
const json = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const ctx = fc.record({
  state: fc.dictionary(field, json, { maxKeys: 4 }) as fc.Arbitrary<Record<string, Json>>,
  item: fc.option(json, { nil: undefined }),
  index: fc.option(fc.nat(), { nil: undefined }),
  args: fc.dictionary(field, json, { maxKeys: 3 }) as fc.Arbitrary<Record<string, Json>>,
});

function renderOrError(text: string, c: Parameters<typeof renderTemplate>[1]): string | Error {
  try {
    return renderTemplate(text, c);
  } catch (e) {
    return e as Error;
  }
}

describe('templates on any text', () => {
  it('render to a string or throw TemplateError with an offset within the text', () => {
    fc.assert(
      fc.property(anyText, ctx, (text, c) => {
        const r = renderOrError(text, c);
        if (typeof r === 'string') return;
        expect(r).toBeInstanceOf(TemplateError);
        const offset = (r as TemplateError).offset;
        if (offset !== undefined) expect(offset >= 0 && offset < text.length).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('leave text without {{ unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }).filter((t) => !t.includes('{{')), ctx, (text, c) => {
        expect(renderTemplate(text, c)).toBe(text);
        expect(templatePlaceholders(text)).toEqual([]);
      }),
    );
  });
});

describe('placeholders', () => {
  it('render the value of a field: strings as they are, anything else as JSON', () => {
    fc.assert(
      fc.property(field, json, fc.string({ maxLength: 10 }).filter((t) => !t.includes('{')), (name, value, around) => {
        const out = renderTemplate(`${around}{{ ${name} }}${around}`, { state: { [name]: value }, args: {} });
        expect(out).toBe(`${around}${typeof value === 'string' ? value : JSON.stringify(value)}${around}`);
      }),
    );
  });

  it('#12: are an error when the value is missing, even for names every object inherits', () => {
    fc.assert(
      fc.property(fc.oneof(field, fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty')), (name) => {
        expect(renderOrError(`{{${name}}}`, { state: {}, args: {} })).toBeInstanceOf(TemplateError);
        expect(renderOrError(`{{$args.${name}}}`, { state: {}, args: {} })).toBeInstanceOf(TemplateError);
        expect(renderOrError(`{{$item.${name}}}`, { state: {}, item: {}, args: {} })).toBeInstanceOf(TemplateError);
      }),
    );
  });
});
