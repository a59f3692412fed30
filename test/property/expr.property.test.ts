// Property tests of the `when` parser and evaluator (issue #12 §3): any text either parses or is an
// ExprSyntaxError with an offset inside it — never another error, however deep it nests; every
// expression built from the grammar parses back to itself and evaluates to a boolean over any state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExprSyntaxError, evalExpr, evalWhen, parseExpr, type Expr } from '../../src/experience/expr.js';
import type { Json } from '../../src/util/canonical-json.js';

/** Pieces expressions are made of, so random text is often nearly an expression. */
const piece = fc.constantFrom('$.', '$.a', '.b', '$', '(', ')', '!', '&&', '||', '&', '|', '==', '=', '!=', '<', '<=', '>', '>=', 'length', 'length(', 'true', 'false', 'null', '1', '-2.5e3', '"s"', "'x", '\\', ' ', 'x', '"', '\u0000', '😀');
const soup = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), soup);

/** Parses, and returns the error when it throws one. */
function parseOrError(src: string): Expr | Error {
  try {
    return parseExpr(src);
  } catch (e) {
    return e as Error;
  }
}

describe('when: parseExpr on any text', () => {
  it('returns an expression or throws ExprSyntaxError with an offset within the text', () => {
    fc.assert(
      fc.property(anyText, (src) => {
        const r = parseOrError(src);
        if (r instanceof Error) {
          expect(r).toBeInstanceOf(ExprSyntaxError);
          expect((r as ExprSyntaxError).offset).toBeGreaterThanOrEqual(0);
          expect((r as ExprSyntaxError).offset).toBeLessThanOrEqual(src.length);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('#12: refuses deep nesting with ExprSyntaxError instead of overflowing the stack', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 101, max: 20_000 }), fc.constant(200_000)), fc.constantFrom('(', '!', 'length(', '!('), (n, open) => {
        const close = open.includes('(') ? ')'.repeat(n) : '';
        const r = parseOrError(`${open.repeat(n)}$.a${close}`);
        expect(r).toBeInstanceOf(ExprSyntaxError);
        expect((r as Error).message).toMatch(/nests more than \d+ levels/);
      }),
      { numRuns: 8 },
    );
  });
});

/** Expressions from the grammar, printed with full parentheses. */
const field = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/);
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(field, { minLength: 1, maxLength: 3 }).map((p) => `$.${p.join('.')}`),
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.constantFrom('true', 'false', 'null', '"s"', "'it\\'s'"),
    tie('expr').map((e) => `!(${e})`),
    tie('expr').map((e) => `length(${e})`),
    fc.tuple(tie('expr'), fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '&&', '||'), tie('expr')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
  ),
}));

/** Prints an expression back in the same fully parenthesized form. */
function print(e: Expr): string {
  switch (e.type) {
    case 'literal':
      return typeof e.value === 'string' ? (e.value === 's' ? '"s"' : "'it\\'s'") : String(e.value);
    case 'path':
      return `$.${e.path.join('.')}`;
    case 'not':
      return `!(${print(e.operand)})`;
    case 'call':
      return `length(${print(e.arg)})`;
    case 'binary':
      return `(${print(e.left)}) ${e.op} (${print(e.right)})`;
  }
}

const state = fc.dictionary(field, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) as fc.Arbitrary<Record<string, Json>>;

describe('when: expressions of the grammar', () => {
  it('parse back to what was written', () => {
    fc.assert(
      fc.property(expr, (src) => {
        expect(print(parseExpr(src))).toBe(src);
      }),
      { numRuns: 200 },
    );
  });

  it('evaluate over any state without throwing, and a when is a boolean', () => {
    fc.assert(
      fc.property(expr, state, (src, view) => {
        const ast = parseExpr(src);
        const v = evalExpr(ast, view);
        expect(v === undefined || JSON.parse(JSON.stringify(v)) !== undefined).toBe(true);
        expect(typeof evalWhen(src, view)).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });

  it('never sees inherited properties: $.constructor of an empty state is missing', () => {
    fc.assert(
      fc.property(fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'), (name) => {
        expect(evalWhen(`$.${name} == null`, {})).toBe(true);
        expect(evalWhen(`length($.${name}) == 0`, {})).toBe(true);
      }),
    );
  });
});
