// YAML with limits (issue #12 §4): parses one document the way yaml's parseDocument does, but stops as
// soon as collections nest too deep, and checks the composed tree before it becomes a JS value —
// aliases that name nothing, alias bombs, cycles, collection keys and NUL characters. Pure: text in,
// document and issues (each at a source offset) out.
import { Composer, Lexer, Parser, Scalar, isAlias, isMap, isScalar, isSeq, type CST, type Document, type LineCounter, type Node as YamlNode } from 'yaml';
import { MAX_YAML_ALIAS_NODES, MAX_YAML_DEPTH } from '../util/limits.js';

/** Something wrong in the YAML text, at a 0-based offset into it. */
export interface YamlIssue {
  offset: number;
  message: string;
}

class TooDeep extends Error {
  constructor(readonly offset: number) {
    super('too deep');
  }
}

/**
 * The parser's stack holds the document, each open collection, and the scalar being read: more than
 * this many entries means more than MAX_YAML_DEPTH collections are open (one level more is left to
 * checkYamlTree, which names the exact collection). This bound only has to stop 1 MB of `[` early.
 */
const MAX_PARSER_STACK = MAX_YAML_DEPTH + 3;

/**
 * Parses `text` as one YAML document with duplicate keys as errors, feeding `lineCounter`.
 * @returns the document (undefined only when the nesting limit stopped the parse) and its syntax
 *   errors and warnings as issues; a second document is an issue too.
 */
export function parseYamlDocument(text: string, lineCounter: LineCounter): { doc: Document.Parsed | undefined; issues: YamlIssue[] } {
  const parser = new Parser(lineCounter.addNewLine);
  function* tokens(): Generator<CST.Token> {
    lineCounter.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      yield* parser.next(lexeme);
      if (parser.stack.length > MAX_PARSER_STACK) throw new TooDeep(parser.offset);
    }
    yield* parser.end();
  }
  let doc: Document.Parsed | undefined;
  const issues: YamlIssue[] = [];
  try {
    for (const next of new Composer({ uniqueKeys: true }).compose(tokens(), true, text.length)) {
      if (doc) {
        issues.push({ offset: next.range[0], message: 'YAML: a second document (---) in the file; an experience is one document' });
        break;
      }
      doc = next;
    }
  } catch (e) {
    if (!(e instanceof TooDeep)) throw e;
    return { doc: undefined, issues: [{ offset: e.offset, message: `YAML: collections nest more than ${MAX_YAML_DEPTH} levels deep (the limit)` }] };
  }
  for (const e of [...doc!.errors, ...doc!.warnings]) {
    const quote = e.code === 'MISSING_CHAR' ? /closing (["'])quote/.exec(e.message)?.[1] : undefined;
    if (quote) issues.push({ offset: openingQuote(doc!, e.pos[0]), message: `YAML: the string opened by this ${quote} is never closed (missing closing ${quote})` });
    else issues.push({ offset: e.pos[0], message: `YAML: ${e.message.split('\n')[0]}` });
  }
  return { doc, issues };
}

/**
 * yaml reports an unclosed quote where the file ends; the user needs the quote that opened it
 * (issue #12): the last quoted scalar starting before the error.
 */
function openingQuote(doc: Document.Parsed, errorOffset: number): number {
  let best = -1;
  walk(doc.contents, (node) => {
    const start = isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) ? node.range?.[0] : undefined;
    if (start !== undefined && start <= errorOffset && start > best) best = start;
  });
  return best === -1 ? errorOffset : best;
}

/** Calls `visit` on every node of the tree in document order (a key before its value), not into aliases. */
function walk(node: unknown, visit: (node: unknown, depth: number, isKey: boolean) => void, depth = 1, isKey = false): void {
  visit(node, depth, isKey);
  if (isMap(node)) {
    for (const pair of node.items) {
      walk(pair.key, visit, depth + 1, true);
      walk(pair.value, visit, depth + 1, false);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) walk(item, visit, depth + 1, false);
  }
}

/**
 * Checks a composed document before it becomes a JS value, and returns every issue, in text order:
 * - collections nested more than MAX_YAML_DEPTH deep;
 * - an alias whose anchor is not defined before it, or that sits inside the value it names;
 * - aliases that together expand to more than MAX_YAML_ALIAS_NODES nodes (each alias counts the
 *   nodes of its anchored value, aliases inside included), reported at the alias that passes it;
 * - a mapping key that is a mapping or sequence (JS objects have string keys);
 * - a NUL character (U+0000) in a string, or anywhere in the text (issue #12: `"ba\u0000se"`).
 */
export function checkYamlTree(doc: Document.Parsed, text: string): YamlIssue[] {
  const issues: YamlIssue[] = [];
  const size = aliasSizes(doc);
  let expanded = 0;
  let nulInString = false;
  walk(doc.contents, (node, depth, isKey) => {
    const at = (node as YamlNode | null)?.range?.[0] ?? 0;
    const collection = isMap(node) || isSeq(node);
    if (collection && depth === MAX_YAML_DEPTH + 1) issues.push({ offset: at, message: `YAML: collections nest more than ${MAX_YAML_DEPTH} levels deep (the limit)` });
    if (collection && isKey) issues.push({ offset: at, message: `YAML: a mapping key must be a string, not a ${isMap(node) ? 'mapping' : 'sequence'}` });
    if (isScalar(node) && typeof node.value === 'string' && node.value.includes('\u0000')) {
      nulInString = true;
      issues.push({ offset: at, message: 'YAML: a string holds a NUL character (U+0000), which no name, path or prompt may contain' });
    }
    if (!isAlias(node)) return;
    const target = node.resolve(doc);
    if (!target) {
      issues.push({ offset: at, message: `YAML: alias *${node.source} names no anchor (&${node.source} must be defined before it)` });
      return;
    }
    const n = size(target);
    if (n < 0) {
      issues.push({ offset: at, message: `YAML: alias *${node.source} is inside the value it names (a cycle)` });
      return;
    }
    const before = expanded;
    expanded += n;
    if (before <= MAX_YAML_ALIAS_NODES && expanded > MAX_YAML_ALIAS_NODES) {
      issues.push({ offset: at, message: `YAML: aliases expand to more than ${MAX_YAML_ALIAS_NODES} nodes (the limit; an alias bomb?)` });
    }
  });
  const nul = text.indexOf('\u0000');
  if (nul !== -1 && !nulInString) issues.push({ offset: nul, message: 'YAML: a NUL character (U+0000) in the file; an experience is text' });
  return issues.sort((a, b) => a.offset - b.offset);
}

/**
 * The number of nodes each value has once its aliases are expanded, memoized and capped just past
 * MAX_YAML_ALIAS_NODES (so an alias bomb costs no more than the limit); -1 for a value that contains
 * an alias to itself.
 */
function aliasSizes(doc: Document.Parsed): (node: unknown) => number {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  const cap = MAX_YAML_ALIAS_NODES + 1;
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    if (isAlias(node)) return size(node.resolve(doc));
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return -1;
    open.add(node);
    let n = 1;
    const children = isMap(node) ? node.items.flatMap((p) => [p.key, p.value]) : isSeq(node) ? node.items : [];
    for (const child of children) {
      const s = size(child);
      if (s < 0) {
        n = -1;
        break;
      }
      n = Math.min(cap, n + s);
    }
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  return size;
}
