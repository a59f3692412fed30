// Reading an experience: the path a user gave → its experience.yaml → parsed YAML that keeps every
// node's position → validate-experience.ts (SPEC §2, §2.4). The only module here that touches the file system;
// nothing is ever written.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, Scalar, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { NotFoundError, ValidationError, type Problem } from '../util/errors.js';
import type { Graph } from './topology.js';
import { MAX_YAML_BYTES, formatBytes } from '../util/limits.js';
import { invalidUtf8At } from '../util/utf8.js';
import type { Experience, LoadedExperience } from './types.js';
import { globFilesSync } from './declared-inputs.js';
import { validateExperience, type Files, type Locate, type Position } from './validate-experience.js';
import { checkYamlTree, parseYamlDocument } from './yaml-guard.js';

/** The file a directory's experience is read from. */
export const EXPERIENCE_FILE = 'experience.yaml';

/** File access for validation: existence, and the text of regular files only. */
const diskFiles: Files = {
  exists: (p) => existsSync(p),
  readText: (p) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined),
  glob: globFilesSync,
};

/**
 * Resolves `pathArg` (a directory holding experience.yaml, or the YAML file) against cwd, reads and
 * validates it. Problems name the file as the user gave it (relative to cwd unless given absolute).
 * @throws {NotFoundError} (exit 1) when there is no such file or directory, the directory has no
 *   experience.yaml, or the path is not a regular file (a device, a pipe: reading it could hang).
 * @throws {ValidationError} (exit 2) with every problem at once, each with file:line:col; a file over
 *   MAX_YAML_BYTES or not UTF-8 is one problem, found before it is parsed.
 */
export async function loadExperience(pathArg: string, cwd: string): Promise<LoadedExperience> {
  const loaded = await loadOne(pathArg, cwd);
  const problems = await childProblems(loaded, cwd, [loaded.file]);
  if (problems.length > 0) throw new ValidationError(problems);
  return loaded;
}

/**
 * The problems of the experiences an experience's `experience` nodes run (issue #10 §7: what
 * validates, runs), each at its own file:line:col, depth first; an experience that runs itself,
 * directly or through others, is a problem naming the cycle.
 */
async function childProblems(parent: LoadedExperience, cwd: string, path: string[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const node of parent.experience.graph.nodes) {
    if (node.kind !== 'experience') continue;
    const target = resolve(parent.dir, node.impl);
    const file = /\.ya?ml$/.test(target) ? target : join(target, EXPERIENCE_FILE);
    const label = relative(cwd, parent.file) || parent.file;
    if (path.includes(file)) {
      problems.push({ file: label, message: `node ${node.id}: experience ${node.impl} runs itself: ${[...path, file].map((f) => relative(cwd, f) || f).join(' → ')}` });
      continue;
    }
    try {
      const child = await loadOne(relative(cwd, target) || target, cwd);
      problems.push(...(await childProblems(child, cwd, [...path, file])));
    } catch (e) {
      if (e instanceof ValidationError) problems.push(...e.problems);
      else if (e instanceof NotFoundError) problems.push({ file: label, message: `node ${node.id}: ${e.message}` });
      else throw e;
    }
  }
  return problems;
}

/** Reads and validates one experience file (loadExperience without its children). */
async function loadOne(pathArg: string, cwd: string): Promise<LoadedExperience> {
  const target = resolve(cwd, pathArg);
  const st = await stat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new NotFoundError(`no experience at ${pathArg}: no such file or directory`, { cause: e });
    throw e;
  });
  const file = st.isDirectory() ? join(target, EXPERIENCE_FILE) : target;
  const fileSt = st.isDirectory() ? await stat(file).catch(() => undefined) : st;
  if (!fileSt) throw new NotFoundError(`no experience at ${pathArg}: the directory has no ${EXPERIENCE_FILE}`);
  if (!fileSt.isFile()) throw new NotFoundError(`no experience at ${pathArg}: ${st.isDirectory() ? `its ${EXPERIENCE_FILE} ` : ''}is ${fileSt.isDirectory() ? 'a directory' : 'not a regular file'}`);
  const label = isAbsolute(pathArg) ? file : relative(cwd, file) || file;
  // Limits first (issue #12 §4): a 5 GB file is refused by its size, not read.
  if (fileSt.size > MAX_YAML_BYTES) {
    throw new ValidationError([{ file: label, message: `the file is ${formatBytes(fileSt.size)}; an experience.yaml may be at most ${formatBytes(MAX_YAML_BYTES)} (put large prompts and data in files it names)` }]);
  }
  const bytes = await readFile(file);
  const dir = dirname(file);
  const parsed = parseExperienceYaml(decodeUtf8(bytes, label), label);
  if (parsed.problems.length > 0) throw new ValidationError(parsed.problems);
  const { experience, graph, problems } = validateExperience(parsed.value, { file: label, dir, locate: parsed.locate, files: diskFiles });
  if (!experience || !graph) throw new ValidationError(problems);
  return { experience, graph, file, dir, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * The text of a YAML file: UTF-8 (YAML 1.2 §5.2; a UTF-8 BOM is allowed and yaml skips it).
 * @throws {ValidationError} naming the line and column of the first byte that is not UTF-8, and
 *   saying so when the file is UTF-16.
 */
function decodeUtf8(bytes: Buffer, file: string): string {
  const bad = invalidUtf8At(bytes, false);
  if (bad === -1) return bytes.toString('utf8');
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const before = bytes.subarray(0, bad).toString('utf8');
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  const message = utf16 ? 'the file is UTF-16; save it as UTF-8' : `not UTF-8 text (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')}); save the file as UTF-8`;
  throw new ValidationError([{ file, line, col, message }]);
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
 * Parses YAML text, keeping positions, within the limits of util/limits.ts (yaml-guard.ts): at most
 * MAX_YAML_BYTES, collections nested at most MAX_YAML_DEPTH deep, aliases expanding to at most
 * MAX_YAML_ALIAS_NODES nodes. Duplicate keys, aliases to nothing, collection keys and NUL characters
 * are errors. Never throws on any text.
 * @returns the plain value, a `Locate` over the document, and the problems (file:line:col) — when
 *   there are any, `value` must not be used.
 */
export function parseExperienceYaml(text: string, file: string): { value: unknown; locate: Locate; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const none: Locate = () => undefined;
  if (text.length > MAX_YAML_BYTES || Buffer.byteLength(text) > MAX_YAML_BYTES) {
    return { value: undefined, locate: none, problems: [{ file, message: `the file is ${formatBytes(Buffer.byteLength(text))}; an experience.yaml may be at most ${formatBytes(MAX_YAML_BYTES)}` }] };
  }
  const { doc, issues } = parseYamlDocument(text, lineCounter);
  if (doc && issues.length === 0) issues.push(...checkYamlTree(doc, text));
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const pos = lineCounter.linePos(issue.offset);
    const key = `${pos.line}:${pos.col}:${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line: pos.line, col: pos.col, message: issue.message });
  }
  if (!doc) return { value: undefined, locate: none, problems };
  const locate = yamlLocator(doc.contents, lineCounter, text);
  // Aliases were counted by checkYamlTree, so yaml's own alias limit is off.
  return { value: problems.length === 0 ? doc.toJS({ maxAliasCount: -1 }) : undefined, locate, problems };
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
