// The packages a tool's code imports (issue #9 §1): each bare import is resolved from the importing
// file the way Node resolves it (`createRequire(file).resolve`, then Node's own node_modules lookup
// list `require.resolve.paths` for packages whose "exports" only serve `import`), and the package
// found is named by its package.json name and version plus its integrity from the nearest npm
// lockfile. A package's own dependencies (package.json dependencies, optionalDependencies and
// peerDependencies, resolved from the package's directory) are reached too: upgrading one changes
// what the tool runs. Reads files; caches everything per instance (one per run).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { BareImport } from './module-graph.js';

/** One installed package as oe identifies it. */
export interface PackageFacts {
  /** package.json `name` (else the directory's name under node_modules). */
  name: string;
  /** package.json `version`; null when it has none. */
  version: string | null;
  /** `integrity` of its entry in the nearest npm lockfile; null when there is no lockfile or entry. */
  integrity: string | null;
  /** Real path of the package directory. */
  dir: string;
}

/** What a tool's bare imports reach: every package instance, and the names that resolved to nothing. */
export interface PackageClosure {
  /** Package instances, by real directory, in discovery order. */
  packages: PackageFacts[];
  /** Names of directly imported packages that are not installed where Node looks (the import fails at run time). */
  missing: string[];
}

/** Lockfiles npm writes, nearest first within a directory: the hidden one in node_modules wins over the project's. */
const LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'];

/** `left-pad/x` → `left-pad`, `@scope/pkg/x` → `@scope/pkg`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Resolves packages and remembers what it read: package.json files, lockfiles, closures. */
export class PackageResolver {
  private readonly facts = new Map<string, PackageFacts>();
  private readonly lockfiles = new Map<string, { root: string; packages: Record<string, { integrity?: string }> } | null>();
  private readonly deps = new Map<string, string[]>();

  /**
   * Every package a module graph's bare imports reach, transitively through their dependencies.
   * Never throws for a package that is missing or has an unreadable package.json (it is left out,
   * or named in `missing` when imported directly).
   */
  closure(imports: readonly BareImport[]): PackageClosure {
    const out: PackageClosure = { packages: [], missing: [] };
    const seen = new Set<string>();
    const queue: string[] = [];
    for (const i of imports) {
      const dir = this.packageDir(i.specifier, i.from);
      if (dir === undefined) {
        const name = i.specifier.startsWith('#') ? i.specifier : packageName(i.specifier);
        if (!out.missing.includes(name)) out.missing.push(name);
      } else queue.push(dir);
    }
    while (queue.length > 0) {
      const dir = queue.shift()!;
      if (seen.has(dir)) continue;
      seen.add(dir);
      const facts = this.factsOf(dir);
      if (!facts) continue;
      out.packages.push(facts);
      for (const d of this.dependencyDirs(dir)) if (!seen.has(d)) queue.push(d);
    }
    return out;
  }

  /** The real directory of the package `specifier` names, as Node finds it from `from`; undefined when not installed. */
  private packageDir(specifier: string, from: string): string | undefined {
    const req = createRequire(from);
    let file: string | undefined;
    try {
      file = req.resolve(specifier);
    } catch {
      // ERR_PACKAGE_PATH_NOT_EXPORTED (an ESM-only "exports"), a missing "main", or not installed:
      // find the directory through Node's own lookup list below.
    }
    if (specifier.startsWith('#')) return file ? enclosingPackage(file) : undefined;
    const name = packageName(specifier);
    if (file) {
      const dir = packageRootOf(file, name);
      if (dir) return dir;
    }
    for (const base of req.resolve.paths(name) ?? []) {
      const dir = join(base, name);
      if (existsSync(join(dir, 'package.json'))) return realpathSync(dir);
    }
    return undefined;
  }

  private factsOf(dir: string): PackageFacts | undefined {
    let f = this.facts.get(dir);
    if (f) return f;
    const pkg = readJson(join(dir, 'package.json'));
    if (!pkg) return undefined;
    const name = typeof pkg.name === 'string' ? pkg.name : nameFromDir(dir);
    f = { name, version: typeof pkg.version === 'string' ? pkg.version : null, integrity: this.integrityOf(dir), dir };
    this.facts.set(dir, f);
    const deps = new Set<string>();
    for (const key of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      const v = pkg[key];
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const d of Object.keys(v)) deps.add(d);
    }
    this.deps.set(dir, [...deps]);
    return f;
  }

  /** Each dependency of the package at `dir` that is installed where Node looks from that package. */
  private dependencyDirs(dir: string): string[] {
    const from = join(dir, 'package.json');
    const out: string[] = [];
    for (const name of this.deps.get(dir) ?? []) {
      const d = this.packageDir(name, from);
      if (d) out.push(d);
    }
    return out;
  }

  /**
   * The package's `integrity` in the nearest npm lockfile above it: node_modules/.package-lock.json
   * (the hidden lockfile, what is really installed), else npm-shrinkwrap.json or package-lock.json
   * of the directory holding node_modules. Lockfile versions 2 and 3 (`packages`, keyed by path).
   */
  private integrityOf(dir: string): string | null {
    for (let up = dirname(dir); ; up = dirname(up)) {
      const candidates = basename(up) === 'node_modules' ? [join(up, '.package-lock.json')] : LOCKFILES.map((f) => join(up, f));
      for (const file of candidates) {
        const lock = this.lockfile(file, basename(file) === '.package-lock.json' ? dirname(up) : up);
        if (lock) return lock.packages[relative(lock.root, dir).split(sep).join('/')]?.integrity ?? null;
      }
      if (dirname(up) === up) return null;
    }
  }

  private lockfile(file: string, root: string): { root: string; packages: Record<string, { integrity?: string }> } | null {
    if (this.lockfiles.has(file)) return this.lockfiles.get(file)!;
    const json = existsSync(file) ? readJson(file) : undefined;
    const packages = json?.packages;
    const lock = packages !== null && typeof packages === 'object' && !Array.isArray(packages) ? { root, packages: packages as Record<string, { integrity?: string }> } : null;
    this.lockfiles.set(file, lock);
    return lock;
  }
}

/** The directory `node_modules/<name>` (or the package.json named `name`) holding `file`. */
function packageRootOf(file: string, name: string): string | undefined {
  for (let d = dirname(file); dirname(d) !== d; d = dirname(d)) {
    if (d.endsWith(`${sep}node_modules${sep}${name.split('/').join(sep)}`)) return d;
    const pkg = existsSync(join(d, 'package.json')) ? readJson(join(d, 'package.json')) : undefined;
    if (pkg?.name === name) return d;
  }
  return undefined;
}

/** The package under node_modules that holds `file` (for `#` subpath imports that lead into one). */
function enclosingPackage(file: string): string | undefined {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at === -1 || at + 1 >= parts.length) return undefined;
  const len = parts[at + 1]!.startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + len).join(sep);
}

function nameFromDir(dir: string): string {
  const parts = dir.split(sep);
  const at = parts.lastIndexOf('node_modules');
  return at === -1 ? basename(dir) : parts.slice(at + 1).join('/');
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    // Unreadable or not JSON: the package is left out (its import fails when the tool runs, if at all).
    return undefined;
  }
}
