// Resume without the files (issue #9 §4): when a run executes a definition recorded in a prior log
// (`oe resume --no-reload`, or a recorded experience file that is gone), a file that is gone counts
// as unchanged — the part the nearest run of the chain recorded for it stands in — so every node
// whose definition and inputs still match is restored. A node that must execute anyway and needs a
// file that is gone fails naming it (node-decide.ts `missingFilesFailure`). Pure.
import { globMatches, type FileGlob } from '../experience/declared-inputs.js';
import { MISSING } from '../log/hash-parts.js';
import type { RecordedParts } from './memo.js';

/** A node's file and code parts as read from disk, before stand-ins. */
export interface GatheredParts {
  /** `file.<role>` → content hash, or MISSING when the file is gone. */
  files: { [role: string]: string };
  /** A tool's local modules: path relative to the impl's directory → content hash. */
  modules: { [path: string]: string };
  /** Declared files that exist: path relative to the experience directory → content hash. */
  declared: { [path: string]: string };
  /** `pkg.<name>` values. */
  packages: { [name: string]: string };
  /** Whether the node can see its for_each index. */
  seesIndex: boolean;
  /** True when the node's code could not be read (a tool whose impl is gone): its modules, packages and index use are unknown. */
  codeUnknown: boolean;
  /** Files that are gone: role files, and local modules a tool imports (paths relative to the experience directory). */
  gone: Array<{ part: string; path: string }>;
  /** Globs that match no file now. */
  emptyGlobs: string[];
}

/** The parts to hash, and the files the node needs that are not there. */
export interface ResolvedParts extends Pick<GatheredParts, 'files' | 'modules' | 'declared' | 'packages' | 'seesIndex'> {
  /** Paths (relative to the experience directory) or globs the node needs and cannot reach: executing it fails. */
  missing: string[];
}

/**
 * Without stand-ins (a definition read from its file): a gone role file hashes as MISSING and the
 * node cannot execute; a gone local module is left out (its import fails when the tool runs).
 */
export function withoutStandIns(g: GatheredParts, globs: readonly FileGlob[]): ResolvedParts {
  return {
    files: g.files,
    modules: g.modules,
    declared: g.declared,
    packages: g.packages,
    seesIndex: g.seesIndex || g.codeUnknown,
    missing: [...g.gone.filter((f) => f.part.startsWith('file.')).map((f) => f.path), ...requiredEmpty(g, globs)],
  };
}

/**
 * With a recorded definition: each gone file takes the part `recorded` has for it (a tool whose impl
 * is gone takes every recorded module and package part, and the recorded index use); a declared
 * file the run recorded under one of the node's globs that is gone now stands in too. What has no
 * recorded part stays MISSING. Everything gone is in `missing`, stood in or not: the node can be
 * restored, not executed.
 */
export function applyStandIns(g: GatheredParts, recorded: RecordedParts | undefined, globs: readonly FileGlob[]): ResolvedParts {
  const rec = recorded?.parts ?? {};
  const files = { ...g.files };
  const modules = { ...g.modules };
  const declared = { ...g.declared };
  let packages = g.packages;
  let seesIndex = g.seesIndex;
  const missing: string[] = [];
  for (const f of g.gone) {
    missing.push(f.path);
    const stand = rec[f.part];
    if (f.part.startsWith('file.')) files[f.part.slice(5)] = stand ?? MISSING;
    else if (stand !== undefined && f.part.startsWith('module.')) modules[f.part.slice(7)] = stand;
  }
  if (g.codeUnknown) {
    seesIndex = recorded ? recorded.seesIndex : true;
    packages = {};
    for (const [part, v] of Object.entries(rec)) {
      if (part.startsWith('module.')) modules[part.slice(7)] = v;
      else if (part.startsWith('pkg.')) packages[part.slice(4)] = v;
    }
  }
  const stoodFor = new Set<string>();
  for (const [part, v] of Object.entries(rec)) {
    if (!part.startsWith('files.')) continue;
    const path = part.slice(6);
    const glob = globs.find((gl) => globMatches(path, gl.glob));
    if (!glob || path in declared) continue;
    declared[path] = v;
    missing.push(path);
    stoodFor.add(glob.glob);
  }
  missing.push(...requiredEmpty(g, globs).filter((gl) => !stoodFor.has(gl)));
  return { files, modules, declared, packages, seesIndex, missing };
}

/** Non-optional globs that match nothing and so name files the node needs. */
function requiredEmpty(g: GatheredParts, globs: readonly FileGlob[]): string[] {
  return globs.filter((gl) => !gl.optional && g.emptyGlobs.includes(gl.glob)).map((gl) => gl.glob);
}
