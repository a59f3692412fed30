// Reads what a node's input hash needs from disk and the environment (the I/O half of the input
// hash; hash.ts assembles it): the content of the files it names, a tool's local modules and the
// packages they import, its declared `files:` and `env:`, and whether it can see its for_each
// index. Each file and each tool's code is read once per run (issue #8 §4).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileGlobs, globFiles } from '../experience/declared-inputs.js';
import type { NodeDef } from '../experience/types.js';
import { MISSING, UNSET } from '../log/hash-parts.js';
import { moduleGraph } from '../nodes/module-graph.js';
import { PackageResolver } from '../nodes/packages.js';
import { skillMentionsIndex, templateNamesIndex } from '../nodes/sees-index.js';
import { packageParts, type Hasher } from './hash.js';
import { inlineTemplates, namedFiles, type NamedFile } from '../experience/named-files.js';
import type { GatheredParts } from './stand-ins.js';

/** What one file read gives: its content hash and whether its text shows the node its index; null when it is gone. */
type FileFacts = { hash: string; seesIndex: boolean } | null;

/** A tool's code, read once per impl per run. */
interface CodeFacts {
  /** Local modules (not the impl itself): path relative to the impl's directory → hash, and path relative to the experience dir. */
  modules: Array<{ rel: string; fromExperience: string; hash: string | null }>;
  packages: { [name: string]: string };
  seesIndex: boolean;
}

/** Per-run caches of what preparing nodes reads. */
export interface PrepCache {
  /** Facts of files by read mode and absolute path. */
  files: Map<string, Promise<FileFacts>>;
  /** A tool's code by absolute impl path; null when the impl is gone. */
  code: Map<string, Promise<CodeFacts | null>>;
  packages: PackageResolver;
}

/** An empty cache, one per run. */
export function newPrepCache(): PrepCache {
  return { files: new Map(), code: new Map(), packages: new PackageResolver() };
}

/** Thrown while preparing a node (before any attempt): a file that exists but cannot be read. */
export class NodePrepareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodePrepareError';
  }
}

/** What gathering needs from the run. */
export interface PrepContext {
  experienceDir: string;
  hasher: Hasher;
  /** The environment the run's nodes see (declared `env:` is read from it). */
  env: Readonly<Record<string, string | undefined>>;
  prep: PrepCache;
}

const posix = (p: string): string => p.split(sep).join('/');

/**
 * A digest of an environment variable's value for its `env.<NAME>` part: sha256 (truncated to 64
 * bits) of the name and value, so the log never holds the value, nor a fast hash that a short
 * secret could be recovered from; UNSET when the variable is not set.
 */
export function envDigest(name: string, value: string | undefined): string {
  return value === undefined ? UNSET : createHash('sha256').update(`oe env\u0000${name}\u0000${value}`).digest('hex').slice(0, 16);
}

/**
 * Gathers a node's file, code, declared and package parts.
 * @throws {NodePrepareError} when a file exists but cannot be read (a directory, no permission).
 */
export async function gatherParts(pc: PrepContext, node: NodeDef): Promise<{ gathered: GatheredParts; env: { [name: string]: string } }> {
  const g: GatheredParts = { files: {}, modules: {}, declared: {}, packages: {}, seesIndex: false, codeUnknown: false, gone: [], emptyGlobs: [] };
  for (const f of namedFiles(node)) {
    const facts = await fileFacts(pc, node, f.path, f.read === 'module' ? 'data' : f.read);
    if (facts === null) {
      g.gone.push({ part: `file.${f.role}`, path: f.path });
      g.files[f.role] = MISSING;
      if (f.read === 'module') g.codeUnknown = true;
      continue;
    }
    g.files[f.role] = facts.hash;
    if (facts.seesIndex) g.seesIndex = true;
    if (f.read === 'module') await addCode(pc, node, f, g);
  }
  if (inlineTemplates(node).some(templateNamesIndex)) g.seesIndex = true;
  for (const { glob } of fileGlobs(node)) {
    const paths = await globFiles(pc.experienceDir, glob);
    if (paths.length === 0) g.emptyGlobs.push(glob);
    for (const p of paths) {
      if (p in g.declared) continue;
      const facts = await fileFacts(pc, node, p, 'data');
      if (facts) g.declared[p] = facts.hash; // gone between the glob and the read: left out, as a file deleted a moment earlier
    }
  }
  const env: { [name: string]: string } = {};
  for (const name of node.env ?? []) env[name] = envDigest(name, pc.env[name]);
  return { gathered: g, env };
}

/** Adds a tool's local modules, packages and index use to `g` (read once per impl per run). */
async function addCode(pc: PrepContext, node: NodeDef, impl: NamedFile, g: GatheredParts): Promise<void> {
  const abs = resolve(pc.experienceDir, impl.path);
  let p = pc.prep.code.get(abs);
  if (!p) {
    p = readCode(pc, node, abs);
    pc.prep.code.set(abs, p);
  }
  const code = await p;
  if (code === null) {
    g.codeUnknown = true;
    return;
  }
  if (code.seesIndex) g.seesIndex = true;
  Object.assign(g.packages, code.packages);
  for (const m of code.modules) {
    if (m.hash === null) g.gone.push({ part: `module.${m.rel}`, path: m.fromExperience });
    else g.modules[m.rel] = m.hash;
  }
}

async function readCode(pc: PrepContext, node: NodeDef, abs: string): Promise<CodeFacts | null> {
  let graph;
  try {
    graph = await moduleGraph(abs);
  } catch (e) {
    throw new NodePrepareError(`node ${node.id}: cannot read ${posix(relative(pc.experienceDir, abs))} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (graph === null) return null;
  const base = dirname(abs);
  const modules: CodeFacts['modules'] = [];
  for (const file of [...graph.files.slice(1), ...graph.unresolved]) {
    const rel = posix(relative(pc.experienceDir, file));
    const facts = graph.unresolved.includes(file) ? null : await fileFacts(pc, node, rel, 'data');
    modules.push({ rel: posix(relative(base, file)), fromExperience: rel, hash: facts?.hash ?? null });
  }
  const closure = pc.prep.packages.closure(graph.packages);
  return { modules, packages: packageParts(pc.hasher, closure.packages, closure.missing), seesIndex: graph.mentionsIndex };
}

/** Reads one file (once per run): its hash, and for a template or SKILL.md whether it names `$index`. */
function fileFacts(pc: PrepContext, node: NodeDef, rel: string, read: 'template' | 'skill' | 'data'): Promise<FileFacts> {
  const abs = resolve(pc.experienceDir, rel);
  const key = `${read}\u0000${abs}`;
  let p = pc.prep.files.get(key);
  if (!p) {
    p = readFile(abs).then(
      (buf): FileFacts => {
        const text = read === 'data' ? '' : buf.toString('utf8');
        return { hash: pc.hasher.bytes(buf), seesIndex: read === 'template' ? templateNamesIndex(text) : read === 'skill' ? skillMentionsIndex(text) : false };
      },
      (e: NodeJS.ErrnoException): FileFacts => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
        throw new NodePrepareError(`node ${node.id}: cannot read ${rel} (${e.code ?? e.message}) in ${pc.experienceDir}`);
      },
    );
    pc.prep.files.set(key, p);
  }
  return p;
}
