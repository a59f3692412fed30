import { describe, expect, it } from 'vitest';
import { ExprSyntaxError, evalExpr, evalWhen, exprPaths, parseExpr, truthy } from '../../src/experience/expr.js';

const syntaxError = (src: string): ExprSyntaxError => {
  try {
    parseExpr(src);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${src}`);
};

describe('parseExpr', () => {
  it('parses paths, literals, calls and operators into an AST with offsets', () => {
    expect(parseExpr('length($.findings) > 0')).toEqual({
      type: 'binary',
      op: '>',
      offset: 0,
      left: { type: 'call', fn: 'length', offset: 0, arg: { type: 'path', path: ['findings'], offset: 7 } },
      right: { type: 'literal', value: 0, offset: 21 },
    });
  });

  it('gives && tighter binding than ||, and comparisons tighter than &&', () => {
    const e = parseExpr('$.a == 1 || $.b && !$.c');
    expect(e).toMatchObject({ type: 'binary', op: '||', right: { type: 'binary', op: '&&', right: { type: 'not' } } });
  });

  it('respects parentheses', () => {
    expect(parseExpr('($.a || $.b) && $.c')).toMatchObject({ op: '&&', left: { op: '||' } });
  });

  it('reads single- and double-quoted strings with escapes, negative numbers, true/false/null', () => {
    expect(evalExpr(parseExpr(`'it\\'s'`), {})).toBe("it's");
    expect(evalExpr(parseExpr('"a\\"b"'), {})).toBe('a"b');
    expect(evalExpr(parseExpr('-1.5'), {})).toBe(-1.5);
    expect(evalExpr(parseExpr('null'), {})).toBe(null);
    expect(evalExpr(parseExpr('true'), {})).toBe(true);
  });

  it.each([
    ['$.a = 1', 4, 'use =='],
    ['$.a ==', 6, 'end of expression'],
    ['$.a == "x', 7, 'unterminated string'],
    ['($.a', 4, 'expected ")"'],
    ['foo == 1', 0, 'unknown name "foo"'],
    ['$.a 1', 4, 'unexpected "1"'],
    ['$ == 1', 0, 'state path'],
    ['$.a & $.b', 4, 'use &&'],
    ['$.', 2, 'field name'],
    ['', 0, 'end of expression'],
  ])('reports %j as a syntax error at offset %i', (src, offset, text) => {
    const e = syntaxError(src);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(text);
  });
});

describe('evalExpr / evalWhen', () => {
  const view = { n: 3, s: 'abc', list: [1, 2], empty: [], obj: { k: 'v' }, flag: false };

  it('compares numbers and strings, and is false for mixed types', () => {
    expect(evalWhen('$.n > 2 && $.n <= 3', view)).toBe(true);
    expect(evalWhen('$.s < "abd"', view)).toBe(true);
    expect(evalWhen('$.s > 1', view)).toBe(false);
  });

  it('compares structurally with == and !=', () => {
    expect(evalWhen('$.obj.k == "v"', view)).toBe(true);
    expect(evalWhen('$.list != null', view)).toBe(true);
  });

  it('treats missing paths as null-like and never throws', () => {
    expect(evalWhen('$.missing.deep == null', view)).toBe(true);
    expect(evalWhen('$.missing > 0', view)).toBe(false);
    expect(evalWhen('!$.missing', view)).toBe(true);
    expect(evalExpr(parseExpr('$.n.k'), view)).toBeUndefined();
  });

  it('length counts arrays, strings, objects, and is 0 for missing', () => {
    expect(evalExpr(parseExpr('length($.list)'), view)).toBe(2);
    expect(evalExpr(parseExpr('length($.s)'), view)).toBe(3);
    expect(evalExpr(parseExpr('length($.obj)'), view)).toBe(1);
    expect(evalExpr(parseExpr('length($.nothing)'), view)).toBe(0);
    expect(evalExpr(parseExpr('length($.n)'), view)).toBeUndefined();
  });

  it('treats empty arrays and objects as false (unlike JavaScript)', () => {
    expect(truthy([])).toBe(false);
    expect(truthy({})).toBe(false);
    expect(truthy([0])).toBe(true);
    expect(evalWhen('$.empty', view)).toBe(false);
    expect(evalWhen('$.list', view)).toBe(true);
    expect(evalWhen('$.flag || $.n', view)).toBe(true);
  });

  it('evalWhen throws ExprSyntaxError for bad syntax', () => {
    expect(() => evalWhen('$.a ==', view)).toThrow(ExprSyntaxError);
  });
});

describe('exprPaths', () => {
  it('lists the paths an expression reads, in source order', () => {
    expect(exprPaths(parseExpr('length($.a.b) > 0 && !($.c == $.d.e)'))).toEqual([['a', 'b'], ['c'], ['d', 'e']]);
  });
});
