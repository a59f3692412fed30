// The code a tool is made of (SPEC §3.1, issue #9 §1): its impl file, every local module it imports,
// transitively, and the packages (bare specifiers) each of those imports. Local modules are found by
// the specifiers Node would follow, and resolved from the importing file with Node's own resolver
// (`createRequire(file).resolve`), so a CommonJS `require('./h')` reaches `h.js` as Node would.
import { readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, resolve, sep } from 'node:path';
import { mentionsIndexInCode } from './sees-index.js';

/** `require('x')` in CommonJS, which the ES module lexer does not see. */
const REQUIRE_RE = /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** A bare import of a module of the graph: a package name (or subpath), and the file importing it. */
export interface BareImport {
  specifier: string;
  /** Absolute path of the importing file. */
  from: string;
}

/** A tool's code as read from disk. */
export interface ModuleGraph {
  /** Absolute paths of the entry and of each local module it reaches, the entry first, then in discovery order. */
  files: string[];
  /** Each bare import of those files (packages), in discovery order; Node builtins are left out. */
  packages: BareImport[];
  /** Relative imports that resolve to no file (absolute paths Node would have tried): the import fails when the tool runs. */
  unresolved: string[];
  /** True when a file of the graph mentions `$index` or `iteration` (issue #9 §5: the tool can see its index). */
  mentionsIndex: boolean;
}

/** Every string specifier a module imports: static, dynamic with a literal, re-exports, require(). */
async function specifiers(source: string): Promise<string[]> {
  const { init, parse } = await import('es-module-lexer');
  await init;
  const found: string[] = [];
  try {
    const [imports] = parse(source);
    for (const i of imports) if (i.n !== undefined) found.push(i.n);
  } catch {
    // Not an ES module the lexer can read (CommonJS with syntax it rejects): the require() scan
    // below still finds its dependencies, and the file itself is hashed either way.
  }
  for (const m of source.matchAll(REQUIRE_RE)) found.push(m[2]!);
  return found;
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** Is the specifier a package (not a path, a URL or a builtin)? `#x` subpath imports are resolved first. */
function isBare(spec: string): boolean {
  return !spec.startsWith('.') && !spec.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(spec) && !isBuiltin(spec);
}

/** Where Node would load a relative (or `#` subpath) import of `from` from; undefined when nothing is there. */
function resolveLocal(spec: string, from: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const exact = resolve(dirname(from), spec);
    if (isFile(exact)) return exact;
  }
  try {
    return createRequire(from).resolve(spec);
  } catch {
    return undefined;
  }
}

/**
 * Reads a tool's module graph.
 * @param entry absolute path of the impl file.
 * @returns null when the entry does not exist (ENOENT); the graph otherwise.
 * @throws {Error} when the entry exists but cannot be read (EACCES, EISDIR, …).
 */
export async function moduleGraph(entry: string): Promise<ModuleGraph | null> {
  const graph: ModuleGraph = { files: [], packages: [], unresolved: [], mentionsIndex: false };
  const seen = new Set<string>();
  const visit = async (abs: string, isEntry: boolean): Promise<boolean> => {
    if (seen.has(abs)) return true;
    seen.add(abs);
    let source: string;
    try {
      source = await readFile(abs, 'utf8');
    } catch (e) {
      if (isEntry && (e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      if (isEntry) throw e;
      graph.unresolved.push(abs);
      return true;
    }
    graph.files.push(abs);
    if (mentionsIndexInCode(source)) graph.mentionsIndex = true;
    for (const spec of await specifiers(source)) {
      if (spec.startsWith('#')) {
        // Subpath imports map to a local file or to a package (package.json "imports").
        const target = resolveLocal(spec, abs);
        if (target && !target.split(sep).includes('node_modules')) await visit(target, false);
        else graph.packages.push({ specifier: spec, from: abs });
      } else if (isBare(spec)) {
        graph.packages.push({ specifier: spec, from: abs });
      } else if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = resolveLocal(spec, abs);
        if (target) await visit(target, false);
        else graph.unresolved.push(resolve(dirname(abs), spec));
      }
    }
    return true;
  };
  return (await visit(entry, true)) ? graph : null;
}
