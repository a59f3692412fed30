// The local modules a tool's code is made of: its impl file and every file it imports by a relative
// specifier, transitively. All of them enter the input hash (SPEC §3.1: "its own code"), so editing a
// helper module re-executes the tools that use it on resume — as Bazel hashes an action's inputs.
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';

/** `require('./x')` in CommonJS, which the ES module lexer does not see. */
const REQUIRE_RE = /\brequire\s*\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*\)/g;

/** The relative specifiers a module imports (static, dynamic with a string literal, re-exports, require). */
async function relativeSpecifiers(source: string): Promise<string[]> {
  const { init, parse } = await import('es-module-lexer');
  await init;
  const found: string[] = [];
  try {
    const [imports] = parse(source);
    for (const i of imports) if (i.n !== undefined && (i.n.startsWith('./') || i.n.startsWith('../'))) found.push(i.n);
  } catch {
    // Not an ES module the lexer can read (CommonJS with syntax it rejects): the require scan below
    // still finds its dependencies; the file itself is hashed either way.
  }
  for (const m of source.matchAll(REQUIRE_RE)) found.push(m[2]!);
  return found;
}

/**
 * The files of a module and of its local imports, transitively, as paths relative to `baseDir`
 * (POSIX separators), the entry first, then in discovery order. Package imports (bare specifiers) and
 * specifiers built at run time are not followed. A relative import that does not resolve to a file is
 * left out: the import itself fails when the tool runs.
 * @param entry path of the module relative to `baseDir`.
 * @throws {Error} when the entry cannot be read.
 */
export async function localModuleFiles(baseDir: string, entry: string): Promise<string[]> {
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = async (abs: string, required: boolean): Promise<void> => {
    if (seen.has(abs)) return;
    seen.add(abs);
    let source: string;
    try {
      source = await readFile(abs, 'utf8');
    } catch (e) {
      if (required) throw e;
      return;
    }
    order.push(relative(baseDir, abs).split(sep).join('/'));
    for (const spec of await relativeSpecifiers(source)) await visit(resolve(dirname(abs), spec), false);
  };
  await visit(resolve(baseDir, entry), true);
  return order;
}
