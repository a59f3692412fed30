// The `$ref`s of a JSON Schema written in an experience (a state field's keywords, a node's `schema`),
// checked before anything runs: oe resolves only local references (`#`, `#/json/pointer`, `#anchor`)
// inside the schema that holds them, and never fetches one. Pure.
import type { Json } from '../util/canonical-json.js';
import type { YamlPath } from './issues.js';

/** A `$ref` that cannot be resolved, with where it sits relative to the schema's root. */
export interface BadRef {
  path: YamlPath;
  ref: string;
  reason: string;
}

/** The JSON Pointer of `ref` (RFC 6901, inside a URI fragment: percent-decoded, then ~1 → / and ~0 → ~). */
function pointerTokens(fragment: string): string[] | null {
  if (fragment === '') return [];
  if (!fragment.startsWith('/')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    return null;
  }
  return decoded.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolvePointer(root: Json, tokens: string[]): boolean {
  let cur: Json | undefined = root;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = /^(0|[1-9]\d*)$/.test(t) ? cur[Number(t)] : undefined;
    else if (cur !== null && typeof cur === 'object') cur = Object.hasOwn(cur, t) ? cur[t] : undefined;
    else cur = undefined;
    if (cur === undefined) return false;
  }
  return true;
}

function anchors(v: Json, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => anchors(x, out));
  else if (v !== null && typeof v === 'object') {
    if (typeof v['$anchor'] === 'string') out.add(v['$anchor']);
    for (const x of Object.values(v)) anchors(x, out);
  }
  return out;
}

/**
 * Every `$ref` in `schema` that does not resolve inside `schema` itself: a non-local reference (a URL
 * or a relative file — oe never fetches schemas), a JSON Pointer to nothing, or an unknown `#anchor`.
 */
export function unresolvedRefs(schema: Json): BadRef[] {
  const out: BadRef[] = [];
  const known = anchors(schema);
  const walk = (v: Json, path: YamlPath): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i]));
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      // `enum` and `const` hold data, not schemas: a "$ref" key there is a value.
      if (k === 'enum' || k === 'const' || k === 'examples' || k === 'default') continue;
      if (k === '$ref') {
        if (typeof x !== 'string') out.push({ path: [...path, k], ref: String(x), reason: 'must be a string' });
        else {
          const reason = refProblem(schema, x, known);
          if (reason) out.push({ path: [...path, k], ref: x, reason });
        }
        continue;
      }
      walk(x, [...path, k]);
    }
  };
  walk(schema, []);
  return out;
}

function refProblem(root: Json, ref: string, known: Set<string>): string | undefined {
  if (!ref.startsWith('#')) return 'oe resolves only references inside the same schema (#/$defs/…); it never fetches one';
  const fragment = ref.slice(1);
  const tokens = pointerTokens(fragment);
  if (tokens === null) return /^[A-Za-z_][-A-Za-z0-9._]*$/.test(fragment) && known.has(fragment) ? undefined : `no $anchor ${JSON.stringify(fragment)} in the schema`;
  return resolvePointer(root, tokens) ? undefined : 'points at nothing in the schema';
}
