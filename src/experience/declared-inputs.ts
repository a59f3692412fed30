// A node's declared run-time inputs (issue #9 §2): `files:` (globs relative to the experience
// directory, whose matching files' contents join the input hash) and `env:` (environment variable
// names, whose values' digests join it). The glob rules, shared by validation and the engine:
// tinyglobby matches on disk, picomatch checks syntax and matches recorded paths. Both load lazily.
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import type { GlobOptions } from 'tinyglobby';
import type { NodeDef } from './types.js';

/** An environment variable name a node may declare. */
export const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One `files:` entry after normalizing: a string is `{ glob, optional: false }`. */
export interface FileGlob {
  glob: string;
  /** True when matching nothing is fine (else it is a validation error). */
  optional: boolean;
}

/** The node's `files:` entries, normalized; [] when it declares none. */
export function fileGlobs(node: NodeDef): FileGlob[] {
  return (node.files ?? []).map((f) => (typeof f === 'string' ? { glob: f, optional: false } : { glob: f.glob, optional: f.optional ?? false }));
}

/**
 * How globs match (docs/decisions.md "Declared files"): files only; a directory pattern means
 * everything under it; `*` and `**` do not match names starting with a dot (so `**` never reaches
 * `.openexpertise/` or `.git/`); symbolic links are followed.
 */
export const GLOB_OPTIONS = { onlyFiles: true, dot: false, expandDirectories: true, followSymbolicLinks: true } as const satisfies GlobOptions;

const requireHere = createRequire(import.meta.url);
let picomatch: typeof import('picomatch') | undefined;
const pm = (): typeof import('picomatch') => (picomatch ??= requireHere('picomatch') as typeof import('picomatch'));

/**
 * What is wrong with a glob's syntax, or undefined when it is fine: an absolute path, a negation
 * (`!x`: a node declares what it reads), or an unbalanced bracket, brace or parenthesis
 * (picomatch's `strictBrackets`).
 */
export function globSyntaxError(glob: string): string | undefined {
  if (isAbsolute(glob)) return `${JSON.stringify(glob)} is an absolute path; globs are relative to the experience directory`;
  if (glob.startsWith('!')) return `${JSON.stringify(glob)} is a negation; list the files the node reads instead`;
  try {
    pm().makeRe(glob, { strictBrackets: true, dot: GLOB_OPTIONS.dot });
    return undefined;
  } catch (e) {
    return `${JSON.stringify(glob)} is not a valid glob: ${(e as Error).message}`;
  }
}

/** `./data/x.json` → `data/x.json`. */
const normalize = (p: string): string => p.replace(/^(\.\/)+/, '');

/**
 * Whether a path (relative to the experience directory, POSIX separators) is one the glob matches
 * on disk, directory expansion included. Pure: for recorded parts that stand in for missing files.
 */
export function globMatches(path: string, glob: string): boolean {
  const g = normalize(glob).replace(/\/+$/, '');
  const opts = { dot: GLOB_OPTIONS.dot };
  return pm().isMatch(normalize(path), g, opts) || pm().isMatch(normalize(path), `${g}/**`, opts);
}

/**
 * The files a glob matches under `dir`: paths relative to it (POSIX separators, `../` for files
 * outside it), sorted. Reads the file system.
 */
export function globFilesSync(dir: string, glob: string): string[] {
  const { globSync } = requireHere('tinyglobby') as typeof import('tinyglobby');
  return globSync(glob, { ...GLOB_OPTIONS, cwd: dir }).sort();
}

/** As globFilesSync, without blocking the event loop (the engine's node preparation). */
export async function globFiles(dir: string, glob: string): Promise<string[]> {
  const { glob: globAsync } = requireHere('tinyglobby') as typeof import('tinyglobby');
  return (await globAsync(glob, { ...GLOB_OPTIONS, cwd: dir })).sort();
}
