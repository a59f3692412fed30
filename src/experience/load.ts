// Reading an experience: the path a user gave → its experience.yaml → parsed YAML that keeps every
// node's position → validate.ts (SPEC §2, §2.4). The only module here that touches the file system;
// nothing is ever written.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, Scalar, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { NotFoundError, ValidationError, type Problem } from '../util/errors.js';
import type { Graph } from './graph.js';
import type { Experience, LoadedExperience } from './types.js';
import { validateExperience, type Files, type Locate, type Position } from './validate.js';

/** The file a directory's experience is read from. */
export const EXPERIENCE_FILE = 'experience.yaml';

/** File access for validation: existence, and the text of regular files only. */
const diskFiles: Files = {
  exists: (p) => existsSync(p),
  readText: (p) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined),
};

/**
 * Resolves `pathArg` (a directory holding experience.yaml, or the YAML file) against cwd, reads and
 * validates it. Problems name the file as the user gave it (relative to cwd unless given absolute).
 * @throws {NotFoundError} (exit 1) when there is no such file or directory, or the directory has no
 *   experience.yaml.
 * @throws {ValidationError} (exit 2) with every problem at once, each with file:line:col.
 */
export async function loadExperience(pathArg: string, cwd: string): Promise<LoadedExperience> {
  const target = resolve(cwd, pathArg);
  const st = await stat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new NotFoundError(`no experience at ${pathArg}: no such file or directory`, { cause: e });
    throw e;
  });
  const file = st.isDirectory() ? join(target, EXPERIENCE_FILE) : target;
  if (st.isDirectory() && !existsSync(file)) throw new NotFoundError(`no experience at ${pathArg}: the directory has no ${EXPERIENCE_FILE}`);
  const bytes = await readFile(file);
  const label = isAbsolute(pathArg) ? file : relative(cwd, file) || file;
  const dir = dirname(file);
  const parsed = parseExperienceYaml(bytes.toString('utf8'), label);
  if (parsed.problems.length > 0) throw new ValidationError(parsed.problems);
  const { experience, graph, problems } = validateExperience(parsed.value, { file: label, dir, locate: parsed.locate, files: diskFiles });
  if (!experience || !graph) throw new ValidationError(problems);
  return { experience, graph, file, dir, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Re-validates a definition recorded in a run log (`run.started.definition`, an `Experience` after
 * defaults) for `oe resume --no-reload`: the same schema and rules, without YAML positions. `file` labels
 * the problems; `dir` is the experience directory paths resolve against; with `checkFiles` false the
 * file-existence and prompt-file checks are skipped. Idempotent on its own output.
 * @throws {ValidationError} with every problem.
 */
export function experienceFromDefinition(definition: unknown, opts: { file: string; dir: string; checkFiles: boolean }): Experience {
  return definitionFromLog(definition, opts).experience;
}

/**
 * experienceFromDefinition, also returning the graph validation built (so a run builds it once).
 * @throws {ValidationError} with every problem.
 */
export function definitionFromLog(definition: unknown, opts: { file: string; dir: string; checkFiles: boolean }): { experience: Experience; graph: Graph } {
  const { experience, graph, problems } = validateExperience(definition, {
    file: opts.file,
    dir: resolve(opts.dir),
    locate: () => undefined,
    ...(opts.checkFiles ? { files: diskFiles } : {}),
  });
  if (!experience || !graph) throw new ValidationError(problems);
  return { experience, graph };
}

/**
 * Parses YAML text, keeping positions (yaml's parseDocument + LineCounter). Duplicate keys are errors.
 * @returns the plain value, a `Locate` over the document, and the syntax problems (file:line:col) —
 *   when there are any, `value` must not be used.
 */
export function parseExperienceYaml(text: string, file: string): { value: unknown; locate: Locate; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
    const message = `YAML: ${e.message.split(' at line ')[0]!.split('\n')[0]}`;
    const key = `${pos.line}:${pos.col}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line: pos.line, col: pos.col, message });
  }
  const locate = yamlLocator(doc.contents, lineCounter, text);
  return { value: problems.length === 0 ? doc.toJS({ maxAliasCount: 1000 }) : undefined, locate, problems };
}

/**
 * A `Locate` over a parsed document: walks mapping keys and sequence indexes from the root and returns
 * the position of the value (or with `key`, of the key) at the path; when the path leaves the
 * document, the nearest enclosing node. An `offset` inside a scalar is mapped to its line and column:
 * exactly for one-line plain and quoted scalars and literal blocks (`|`), approximately otherwise.
 */
export function yamlLocator(root: YamlNode | null, lc: LineCounter, text: string): Locate {
  const posOf = (offset: number): Position => lc.linePos(offset);
  return (path, at = {}) => {
    let node: YamlNode | null = root;
    let best: number = root?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) === String(seg) : p.key === seg));
        if (!pair) return posOf(best);
        const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        if (i === path.length - 1 && at.key && keyStart !== undefined) return posOf(keyStart);
        node = (pair.value as YamlNode | null) ?? null;
        best = node?.range?.[0] ?? keyStart ?? best;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = (node.items[seg] as YamlNode | undefined) ?? null;
        if (!node) return posOf(best);
        best = node.range?.[0] ?? best;
      } else {
        return posOf(best);
      }
    }
    if (at.offset !== undefined && isScalar(node) && node.range) return scalarOffset(node, at.offset, lc, text);
    return posOf(best);
  };
}

function scalarOffset(node: Scalar, offset: number, lc: LineCounter, text: string): Position {
  const start = node.range![0];
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
    case Scalar.QUOTE_SINGLE:
      return lc.linePos(start + 1 + offset);
    case Scalar.BLOCK_LITERAL:
    case Scalar.BLOCK_FOLDED: {
      const value = String(node.value);
      const before = value.slice(0, offset);
      const lineInValue = before.split('\n').length - 1;
      const colInValue = offset - (before.lastIndexOf('\n') + 1);
      const header = lc.linePos(start).line;
      const firstContentLine = text.split('\n')[header] ?? '';
      const indent = firstContentLine.length - firstContentLine.trimStart().length;
      return { line: header + 1 + lineInValue, col: indent + colInValue + 1 };
    }
    default:
      return lc.linePos(start + offset);
  }
}
