// Input-hash parts named for people (issue #5, issue #9 §7): `file.impl` → "file tools/a.mjs",
// `pkg.left-pad` → "package left-pad 1.3.0 → 1.4.0", `env.API_REGION` → "env API_REGION changed".
// Shared by `inspect --why` and `oe diff`. Pure: a node's definition, when given, maps a file role
// back to the path the run used.
import { posix } from 'node:path';
import { namedFiles } from '../experience/named-files.js';
import type { NodeDef } from '../experience/types.js';
import { MISSING, UNSET, parsePackagePart } from '../log/hash-parts.js';
import type { Hunk } from './hunks.js';

/** How one hash part compares with the prior run. */
export interface PartChange {
  /** The part's name as recorded: `definition`, `args`, `state.<field>`, `edge.<pred>`, `file.<role>`, `pkg.<name>`, … */
  part: string;
  change: 'changed' | 'added' | 'removed';
  /** The part named for people, e.g. `file tools/x.mjs changed`, `package left-pad 1.3.0 → 1.4.0`. */
  text: string;
  /** `--why` (issue #14 §10): how the value changed, when both logs hold it (why-values.ts). */
  hunks?: Hunk[];
}

/** The node definitions of the two runs compared, when known (for the paths behind file roles). */
export interface PartDefs {
  now?: NodeDef | undefined;
  before?: NodeDef | undefined;
}

const ORDER = ['definition', 'args', 'state.', 'edge.', 'items', 'item', 'index', 'file.', 'module.', 'files.', 'env.', 'pkg.', 'model', 'cacheVersion'];
function rank(part: string): number {
  const i = ORDER.findIndex((p) => (p.endsWith('.') ? part.startsWith(p) : part === p));
  return i === -1 ? ORDER.length : i;
}

/** The path a node's definition gives the file of a role; undefined when unknown (a hand-made log, another kind). */
function rolePath(def: NodeDef | undefined, role: string): string | undefined {
  try {
    return def ? namedFiles(def).find((f) => f.role === role)?.path : undefined;
  } catch {
    // A recorded definition that is not a validated node (a hand-made log): name the role instead.
    return undefined;
  }
}

/**
 * Names a hash part for people: `args` → `args`, `state.licenses` → `state field licenses`,
 * `file.impl` → `file tools/a.mjs` (with the node's definition; else `impl file`), `module.lib/x.mjs`
 * → `file tools/lib/x.mjs` (else `module lib/x.mjs`), `files.data/x.json` → `file data/x.json`,
 * `env.API_REGION` → `env API_REGION`, `pkg.left-pad` → `package left-pad`.
 */
export function describePart(part: string, def?: NodeDef): string {
  if (part === 'definition') return 'node definition';
  if (part === 'args') return 'args';
  if (part === 'item') return 'for_each item';
  if (part === 'items') return 'for_each items';
  if (part === 'index') return 'for_each index';
  if (part === 'model') return 'model';
  if (part === 'cacheVersion') return 'runner cache version (an oe upgrade)';
  if (part.startsWith('state.')) return `state field ${part.slice(6)}`;
  if (part.startsWith('edge.')) return `edge input from ${part.slice(5)}`;
  if (part.startsWith('file.')) {
    const role = part.slice(5);
    if (role !== 'impl' && role !== 'prompt' && role !== 'source') return `file ${role}`; // a log of CACHE_VERSION 1: keyed by path
    const path = rolePath(def, role);
    return path !== undefined ? `file ${path}` : `${role} file`;
  }
  if (part.startsWith('module.')) {
    const impl = rolePath(def, 'impl');
    return impl !== undefined ? `file ${posix.normalize(posix.join(posix.dirname(impl), part.slice(7)))}` : `module ${part.slice(7)}`;
  }
  if (part.startsWith('files.')) return `file ${part.slice(6)}`;
  if (part.startsWith('env.')) return `env ${part.slice(4)}`;
  if (part.startsWith('pkg.')) return `package ${part.slice(4)}`;
  return `input part ${part}`;
}

/** The sentence for one differing part; a package's, an env var's and a missing file's say more. */
function changeText(part: string, a: string | undefined, b: string | undefined, defs: PartDefs): string {
  const d = describePart(part, a === undefined ? defs.before : defs.now);
  if (part.startsWith('pkg.')) {
    const now = a === undefined ? undefined : parsePackagePart(a);
    const was = b === undefined ? undefined : parsePackagePart(b);
    if (a === undefined) return `${d} is no longer imported`;
    if (b === undefined) return now ? `${d} ${now.versions} is new (not in the prior run's inputs)` : `${d} is new and is not installed`;
    if (!now) return `${d} ${was!.versions} → not installed`;
    if (!was) return `${d} is now installed (${now.versions})`;
    return now.versions === was.versions ? `${d} ${now.versions} changed (same version, another lockfile integrity)` : `${d} ${was.versions} → ${now.versions}`;
  }
  if (a !== undefined && b !== undefined) {
    if (part.startsWith('env.')) return a === UNSET ? `${d} changed (now unset)` : b === UNSET ? `${d} changed (was unset)` : `${d} changed`;
    if (a === MISSING) return `${d} changed (it is missing now)`;
    return `${d} changed`;
  }
  return b === undefined ? `${d} is new (not in the prior run's inputs)` : `${d} was removed`;
}

/**
 * Compares two sets of hash parts.
 * @param defs the node's definitions in the two runs, to name file roles by their paths.
 * @returns the parts whose values differ, were added (only in `now`) or removed (only in `before`),
 *   in a fixed order (definition, args, state.*, edge.*, items, item, index, file.*, module.*,
 *   files.*, env.*, pkg.*, model, cacheVersion, others), names sorted within a group.
 */
export function compareParts(now: { [p: string]: string }, before: { [p: string]: string }, defs: PartDefs = {}): PartChange[] {
  const names = [...new Set([...Object.keys(now), ...Object.keys(before)])].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: PartChange[] = [];
  for (const part of names) {
    const a = now[part];
    const b = before[part];
    if (a === b) continue;
    const change = b === undefined ? 'added' : a === undefined ? 'removed' : 'changed';
    out.push({ part, change, text: changeText(part, a, b, defs) });
  }
  return out;
}
