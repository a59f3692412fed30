// The vocabulary of `hashParts` (node.started, node.cached; docs/decisions.md "The input hash"): the
// names of the parts an input hash is made of and the shape of the values that are more than a
// hash. The engine writes them (engine/hash.ts) and `inspect --why` / `oe diff` read them back.

/** The value of a part whose file, package or variable is not there (a missing file, a package not installed). */
export const MISSING = 'missing';
/** The value of an `env.<NAME>` part whose variable is not set (an empty value is set). */
export const UNSET = 'unset';

/**
 * A `pkg.<name>` part: the versions of the package instances the tool's code reaches (usually one;
 * sorted, comma-separated) and the xxh64 of their name, version and lockfile integrity.
 */
export function packagePartValue(versions: readonly string[], hash: string): string {
  return `${[...new Set(versions)].sort().join(',') || '?'} ${hash}`;
}

/** Reads a `pkg.<name>` value back: the versions, or null when the package was not installed. */
export function parsePackagePart(value: string): { versions: string } | null {
  if (value === MISSING) return null;
  const at = value.lastIndexOf(' ');
  return { versions: at === -1 ? value : value.slice(0, at) };
}
