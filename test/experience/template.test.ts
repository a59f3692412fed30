import { describe, expect, it } from 'vitest';
import { TemplateError, renderTemplate, templatePlaceholders } from '../../src/experience/template.js';

describe('templatePlaceholders', () => {
  it('finds each kind of placeholder with its offset and path', () => {
    expect(templatePlaceholders('a {{ x.y }} {{$item.k}} {{$item}} {{$index}} {{$args.repo}}')).toEqual([
      { expr: 'x.y', offset: 2, kind: 'state', path: ['x', 'y'], filters: [] },
      { expr: '$item.k', offset: 12, kind: 'item', path: ['k'], filters: [] },
      { expr: '$item', offset: 24, kind: 'item', path: [], filters: [] },
      { expr: '$index', offset: 34, kind: 'index', path: [], filters: [] },
      { expr: '$args.repo', offset: 45, kind: 'args', path: ['repo'], filters: [] },
    ]);
  });

  it('throws at the offset of a {{ without }}', () => {
    expect(() => templatePlaceholders('ok {{x}} then {{ y')).toThrow(expect.objectContaining({ name: 'TemplateError', offset: 14 }));
  });

  it.each(['{{}}', '{{a b}}', '{{$foo}}', '{{$args}}', '{{1x}}', '{{|length}}'])('rejects the bad placeholder %s', (t) => {
    expect(() => templatePlaceholders(t)).toThrow(TemplateError);
  });

  it('#10: parses filters with the offset of each name', () => {
    expect(templatePlaceholders('n={{ raw_ideas | length }} {{plan|json}}')).toEqual([
      { expr: 'raw_ideas | length', offset: 2, kind: 'state', path: ['raw_ideas'], filters: [{ name: 'length', offset: 17 }] },
      { expr: 'plan|json', offset: 27, kind: 'state', path: ['plan'], filters: [{ name: 'json', offset: 34 }] },
    ]);
  });

  it('#10: an unknown filter is an error at its name, with the closest filter', () => {
    expect(() => templatePlaceholders('ab {{x|lenght}}')).toThrow(
      expect.objectContaining({ name: 'TemplateError', offset: 7, message: 'unknown filter "lenght" in {{x|lenght}}; filters are length, json (did you mean "length"?)' }),
    );
    expect(() => templatePlaceholders('{{x|}}')).toThrow(expect.objectContaining({ offset: 4, message: expect.stringMatching(/^an empty filter/) }));
  });
});

describe('renderTemplate', () => {
  const ctx = { state: { name: 'oe', info: { n: 1 }, list: [1, 2], nul: null }, item: { key: 'k1' }, index: 2, args: { repo: '.' } };

  it('renders strings as-is and other values as JSON', () => {
    expect(renderTemplate('{{name}} {{info}} {{info.n}} {{list}} {{nul}}', ctx)).toBe('oe {"n":1} 1 [1,2] null');
  });

  it('renders $item, $index and $args', () => {
    expect(renderTemplate('{{$item.key}}#{{$index}} in {{$args.repo}}; {{$item}}', ctx)).toBe('k1#2 in .; {"key":"k1"}');
  });

  it('throws on a placeholder missing from the context instead of leaving it as text', () => {
    expect(() => renderTemplate('{{nope}}', ctx)).toThrow(/unknown placeholder \{\{nope\}\}/);
    expect(() => renderTemplate('{{$index}}', { state: {}, args: {} })).toThrow(TemplateError);
    expect(() => renderTemplate('{{$item.missing}}', ctx)).toThrow(TemplateError);
  });

  it('#10: applies the length and json filters, left to right, with spaces around |', () => {
    expect(renderTemplate('{{list|length}} {{ info | length }} {{name|length}} {{info|json}} {{name | json}} {{list|json|length}}', ctx)).toBe(
      `2 1 2 {\n  "n": 1\n} "oe" ${JSON.stringify([1, 2], null, 2).length}`,
    );
  });

  it('#10: length of a number is an error at the placeholder, not text', () => {
    expect(() => renderTemplate('x {{info.n|length}}', ctx)).toThrow(expect.objectContaining({ name: 'TemplateError', offset: 2, message: expect.stringMatching(/length needs a list, a mapping or a string, not number/) }));
  });

  it('#10: a bare name takes the node arg of that name before the reads field', () => {
    expect(renderTemplate('{{topic}} / {{name}} / {{cfg.depth}}', { ...ctx, values: { topic: 'caching', name: 'arg wins', cfg: { depth: 3 } } })).toBe('caching / arg wins / 3');
  });

  it('leaves text without placeholders unchanged', () => {
    expect(renderTemplate('plain { text }', ctx)).toBe('plain { text }');
  });
});
