// Edge `when` expressions (SPEC §2.2): `$.a.b` paths, literals, `== != < <= > >=`, `&& || !`,
// parentheses and `length(x)`. A Pratt parser and a total evaluator. Pure.
import type { Json } from '../util/canonical-json.js';
import { getPath } from './path.js';

/** A syntax error in an expression; `offset` is the 0-based index into the source where it is. */
export class ExprSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'ExprSyntaxError';
    this.offset = offset;
  }
}

/** A binary operator. */
export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/** The parsed form of an expression. Every node records the 0-based source offset where it starts. */
export type Expr =
  | { type: 'literal'; value: Json; offset: number }
  /** `$.a.b` → path ['a', 'b']. */
  | { type: 'path'; path: string[]; offset: number }
  | { type: 'not'; operand: Expr; offset: number }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; offset: number }
  | { type: 'call'; fn: 'length'; arg: Expr; offset: number };

type Token =
  | { t: 'num'; value: number; offset: number }
  | { t: 'str'; value: string; offset: number; end: number }
  | { t: 'path'; path: string[]; offset: number }
  | { t: 'ident'; name: string; offset: number }
  | { t: 'op'; op: string; offset: number }
  | { t: 'eof'; offset: number };

const SEGMENT_RE = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const OPS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')'] as const;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** Splits `src` into tokens. @throws {ExprSyntaxError} at the first character that starts no token. */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '$') {
      const path: string[] = [];
      i++;
      while (src[i] === '.') {
        SEGMENT_RE.lastIndex = i + 1;
        const m = SEGMENT_RE.exec(src);
        if (!m) throw new ExprSyntaxError('expected a field name after "."', i + 1);
        path.push(m[0]);
        i = SEGMENT_RE.lastIndex;
      }
      if (path.length === 0) throw new ExprSyntaxError('expected a state path such as $.field', start);
      out.push({ t: 'path', path, offset: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(src)!;
      out.push({ t: 'num', value: Number(m[0]), offset: start });
      i = NUMBER_RE.lastIndex;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ExprSyntaxError('unterminated string', start);
        const d = src[i]!;
        if (d === c) break;
        if (d === '\\') {
          const e = ESCAPES[src[i + 1] ?? ''];
          if (e === undefined) throw new ExprSyntaxError('unknown escape in string', i);
          value += e;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      out.push({ t: 'str', value, offset: start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      SEGMENT_RE.lastIndex = i;
      const name = SEGMENT_RE.exec(src)![0];
      i = SEGMENT_RE.lastIndex;
      out.push({ t: 'ident', name, offset: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) {
      const hint = c === '=' ? ' (use == to compare)' : c === '&' || c === '|' ? ` (use ${c}${c})` : '';
      throw new ExprSyntaxError(`unexpected character ${JSON.stringify(c)}${hint}`, i);
    }
    out.push({ t: 'op', op, offset: start });
    i += op.length;
  }
  out.push({ t: 'eof', offset: src.length });
  return out;
}

/** Left binding power of each binary operator (higher binds tighter), as in JavaScript. */
const BINDING: Record<BinaryOp, number> = { '||': 10, '&&': 20, '==': 30, '!=': 30, '<': 40, '<=': 40, '>': 40, '>=': 40 };
const PREFIX_NOT = 50;
/** Deepest nesting of `(`, `!` and `length(` accepted; deeper text would overflow the parser's stack (issue #12). */
export const MAX_EXPR_DEPTH = 100;

/**
 * Parses an expression with a Pratt (top-down operator precedence) parser. Precedence, loosest first:
 * `||`, `&&`, `== !=`, `< <= > >=`, prefix `!`; binary operators associate to the left.
 * @throws {ExprSyntaxError} with the offset of the offending token; at the first token nested deeper
 *   than MAX_EXPR_DEPTH.
 */
export function parseExpr(src: string): Expr {
  const tokens = tokenize(src);
  let pos = 0;
  let depth = 0;
  const nested = <T>(at: number, inner: () => T): T => {
    if (++depth > MAX_EXPR_DEPTH) throw new ExprSyntaxError(`the expression nests more than ${MAX_EXPR_DEPTH} levels deep`, at);
    const r = inner();
    depth--;
    return r;
  };
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;
  const expectOp = (op: string): void => {
    const t = next();
    if (t.t !== 'op' || t.op !== op) throw new ExprSyntaxError(`expected "${op}" but found ${describeAt(t)}`, t.offset);
  };
  const describeAt = (t: Token): string => (t.t === 'eof' ? 'end of expression' : JSON.stringify(tokenText(src, t)));

  const prefix = (): Expr => {
    const t = next();
    switch (t.t) {
      case 'num':
        return { type: 'literal', value: t.value, offset: t.offset };
      case 'str':
        return { type: 'literal', value: t.value, offset: t.offset };
      case 'path':
        return { type: 'path', path: t.path, offset: t.offset };
      case 'ident': {
        if (t.name === 'true' || t.name === 'false') return { type: 'literal', value: t.name === 'true', offset: t.offset };
        if (t.name === 'null') return { type: 'literal', value: null, offset: t.offset };
        if (t.name === 'length') {
          expectOp('(');
          const arg = nested(t.offset, () => expr(0));
          expectOp(')');
          return { type: 'call', fn: 'length', arg, offset: t.offset };
        }
        throw new ExprSyntaxError(`unknown name ${JSON.stringify(t.name)} (state paths start with "$.", e.g. $.${t.name}; functions: length)`, t.offset);
      }
      case 'op':
        if (t.op === '!') return { type: 'not', operand: nested(t.offset, () => expr(PREFIX_NOT)), offset: t.offset };
        if (t.op === '(') {
          const inner = nested(t.offset, () => expr(0));
          expectOp(')');
          return inner;
        }
        throw new ExprSyntaxError(`unexpected ${describeAt(t)}`, t.offset);
      case 'eof':
        throw new ExprSyntaxError('unexpected end of expression', t.offset);
    }
  };

  const expr = (minBp: number): Expr => {
    let left = prefix();
    for (;;) {
      const t = peek();
      if (t.t !== 'op' || !(t.op in BINDING)) break;
      const op = t.op as BinaryOp;
      const bp = BINDING[op];
      if (bp <= minBp) break;
      next();
      const right = expr(bp);
      left = { type: 'binary', op, left, right, offset: left.offset };
    }
    return left;
  };

  const result = expr(0);
  const rest = peek();
  if (rest.t !== 'eof') throw new ExprSyntaxError(`unexpected ${describeAt(rest)} (expected an operator or the end)`, rest.offset);
  return result;
}

/** The source text of one token. */
function tokenText(src: string, t: Token): string {
  switch (t.t) {
    case 'op':
      return t.op;
    case 'ident':
      return t.name;
    case 'path':
      return `$.${t.path.join('.')}`;
    case 'num':
      return String(t.value);
    case 'str':
      return src.slice(t.offset, t.end);
    case 'eof':
      return '';
  }
}

/**
 * Truthiness of a value: false, null, missing (undefined), 0, NaN, "" and — unlike JavaScript — the
 * empty array and the empty object are false, so `when: "$.findings"` means "there are findings".
 * Everything else is true.
 */
export function truthy(v: Json | undefined): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Structural equality of JSON values; a missing value (undefined) equals null. */
function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x)) {
    const ys = y as Json[];
    return x.length === ys.length && x.every((v, i) => jsonEqual(v, ys[i]));
  }
  const xo = x as { [k: string]: Json };
  const yo = y as { [k: string]: Json };
  const keys = Object.keys(xo);
  return keys.length === Object.keys(yo).length && keys.every((k) => k in yo && jsonEqual(xo[k], yo[k]));
}

/** `<`-family comparison: numbers numerically, strings by UTF-16 code units; any other pair is false. */
function compare(op: '<' | '<=' | '>' | '>=', a: Json | undefined, b: Json | undefined): boolean {
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return false;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/**
 * Evaluates a parsed expression over a view of the state (SPEC §2.5). Total: never throws.
 * - a path that is missing yields undefined (null-like: `== null` is true, comparisons are false);
 * - `&&`, `||`, `!` and comparisons yield booleans (`&&`/`||` short-circuit, using `truthy`);
 * - `==`/`!=` compare structurally; `< <= > >=` compare two numbers or two strings, else false;
 * - `length(x)`: elements of an array, characters (code points) of a string, keys of an object,
 *   0 for null/missing, undefined for a number or boolean.
 */
export function evalExpr(expr: Expr, view: Record<string, Json>): Json | undefined {
  switch (expr.type) {
    case 'literal':
      return expr.value;
    case 'path':
      return getPath(view, expr.path);
    case 'not':
      return !truthy(evalExpr(expr.operand, view));
    case 'call': {
      const v = evalExpr(expr.arg, view);
      if (v === undefined || v === null) return 0;
      if (Array.isArray(v)) return v.length;
      if (typeof v === 'string') return [...v].length;
      if (typeof v === 'object') return Object.keys(v).length;
      return undefined;
    }
    case 'binary': {
      switch (expr.op) {
        case '&&':
          return truthy(evalExpr(expr.left, view)) && truthy(evalExpr(expr.right, view));
        case '||':
          return truthy(evalExpr(expr.left, view)) || truthy(evalExpr(expr.right, view));
        case '==':
          return jsonEqual(evalExpr(expr.left, view), evalExpr(expr.right, view));
        case '!=':
          return !jsonEqual(evalExpr(expr.left, view), evalExpr(expr.right, view));
        default:
          return compare(expr.op, evalExpr(expr.left, view), evalExpr(expr.right, view));
      }
    }
  }
}

/**
 * Parses and evaluates an edge's `when` over a node's view; the edge lets its target run when the
 * result is `truthy`. Missing data never throws (it is null-like).
 * @throws {ExprSyntaxError} when `src` does not parse (validation reports this before any run).
 */
export function evalWhen(src: string, view: Record<string, Json>): boolean {
  return truthy(evalExpr(parseExpr(src), view));
}

/** The state paths an expression reads, in source order (e.g. `$.a.b` → ['a', 'b']), for validation. */
export function exprPaths(expr: Expr): string[][] {
  switch (expr.type) {
    case 'literal':
      return [];
    case 'path':
      return [expr.path];
    case 'not':
      return exprPaths(expr.operand);
    case 'call':
      return exprPaths(expr.arg);
    case 'binary':
      return [...exprPaths(expr.left), ...exprPaths(expr.right)];
  }
}

/** Like `exprPaths`, with the 0-based source offset of each path (to point at it in messages). */
export function exprPathRefs(expr: Expr): Array<{ path: string[]; offset: number }> {
  switch (expr.type) {
    case 'literal':
      return [];
    case 'path':
      return [{ path: expr.path, offset: expr.offset }];
    case 'not':
      return exprPathRefs(expr.operand);
    case 'call':
      return exprPathRefs(expr.arg);
    case 'binary':
      return [...exprPathRefs(expr.left), ...exprPathRefs(expr.right)];
  }
}
