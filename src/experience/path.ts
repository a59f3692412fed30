// `$.a.b` state paths and `$args.x` arg references (SPEC §2.2). Pure.
import type { Json } from '../util/canonical-json.js';

const SEGMENT = '[A-Za-z_][A-Za-z0-9_-]*';
const STATE_PATH_RE = new RegExp(`^\\$(?:\\.${SEGMENT})+$`);
const ARG_REF_RE = new RegExp(`^\\$args\\.(${SEGMENT})$`);

/** The segments of a `$.a.b` path (`['a', 'b']`), or null when `s` is not exactly such a path. */
export function parseStatePath(s: string): string[] | null {
  return STATE_PATH_RE.test(s) ? s.slice(2).split('.') : null;
}

/** The arg name of a string that is exactly `$args.x`, or null. */
export function parseArgRef(s: string): string | null {
  return ARG_REF_RE.exec(s)?.[1] ?? null;
}

/** True when `s` starts like a reference (`$.` or `$args`) — used to report malformed ones. */
export function looksLikeRef(s: string): boolean {
  return s.startsWith('$.') || s.startsWith('$args');
}

/**
 * The value at `segments` inside `root`, or undefined when any step is missing. Only own properties
 * count: `$.constructor` of `{}` is missing, not Object (issue #12, found by the property tests).
 */
export function getPath(root: { [k: string]: Json } | Json | undefined, segments: readonly string[]): Json | undefined {
  let cur: Json | undefined = root as Json | undefined;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as { [k: string]: Json })[seg];
  }
  return cur;
}
