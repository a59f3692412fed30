// Which workspace a command uses (issue #14 §5, SPEC §1): `--workspace`, else env OE_WORKSPACE, else
// the nearest directory holding `.openexpertise/` — the current one or a parent, the way git finds
// `.git` — else the current directory (where a first run creates it).
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** True when `path` is a directory; the file-system test, injected in unit tests. */
export type IsDirectory = (path: string) => boolean;

const isDirectory: IsDirectory = (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

/**
 * The nearest ancestor of `cwd` (itself included) that holds a `.openexpertise` directory, or
 * undefined when none does up to the root of the file system.
 */
export function findWorkspace(cwd: string, isDir: IsDirectory = isDirectory): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (isDir(join(dir, '.openexpertise'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The absolute workspace: `given` (the flag or OE_WORKSPACE, relative to `cwd`) when set; else the
 * discovered one; else `cwd`.
 */
export function resolveWorkspace(given: string | undefined, cwd: string, isDir: IsDirectory = isDirectory): string {
  if (given !== undefined && given !== '') return isAbsolute(given) ? given : resolve(cwd, given);
  return findWorkspace(cwd, isDir) ?? cwd;
}
