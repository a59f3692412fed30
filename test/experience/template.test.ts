import { describe, expect, it } from 'vitest';
import { TemplateError, renderTemplate, templatePlaceholders } from '../../src/experience/template.js';

describe('templatePlaceholders', () => {
  it('finds each kind of placeholder with its offset and path', () => {
    expect(templatePlaceholders('a {{ x.y }} {{$item.k}} {{$item}} {{$index}} {{$args.repo}}')).toEqual([
      { expr: 'x.y', offset: 2, kind: 'state', path: ['x', 'y'] },
      { expr: '$item.k', offset: 12, kind: 'item', path: ['k'] },
      { expr: '$item', offset: 24, kind: 'item', path: [] },
      { expr: '$index', offset: 34, kind: 'index', path: [] },
      { expr: '$args.repo', offset: 45, kind: 'args', path: ['repo'] },
    ]);
  });

  it('throws at the offset of a {{ without }}', () => {
    expect(() => templatePlaceholders('ok {{x}} then {{ y')).toThrow(expect.objectContaining({ name: 'TemplateError', offset: 14 }));
  });

  it.each(['{{}}', '{{a b}}', '{{$foo}}', '{{$args}}', '{{1x}}'])('rejects the bad placeholder %s', (t) => {
    expect(() => templatePlaceholders(t)).toThrow(TemplateError);
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

  it('leaves text without placeholders unchanged', () => {
    expect(renderTemplate('plain { text }', ctx)).toBe('plain { text }');
  });
});
