// The input hash (SPEC §3.1): xxh64 of the canonical JSON of everything a node's result depends on.
// Each part is hashed on its own and recorded in node.started (`hashParts`), so `oe inspect --why`
// can name the part that changed; the input hash is the hash of those part hashes.
import xxhash from 'xxhash-wasm';
import { MISSING, packagePartValue } from '../log/hash-parts.js';
import { canonicalJson, type Json } from '../util/canonical-json.js';
import { asInputHash, type InputHash } from '../util/ids.js';

/**
 * The runner's cache version, part of every input hash. Bump it when a change to oe would make a
 * recorded output wrong for the same inputs, so resumes re-execute instead of restoring.
 * - 1: first version (issue #2).
 * - 2: the input hash covers everything a result depends on (issue #9): files are keyed by role and
 *   content, not path (`file.impl`, `module.<path>`), and the definition part leaves out the paths it
 *   names and what only steers execution (timeouts, retries, phase, cache); new parts `pkg.<name>`,
 *   `files.<path>`, `env.<NAME>`; a for_each item is keyed by its content, its index only where the
 *   node can see it. Every hash recorded by version 1 differs, so a resume of an older run
 *   re-executes once.
 */
export const CACHE_VERSION = 2;

/** xxh64 as 16 lowercase hex digits, over a string (UTF-8), bytes, or a JSON value's canonical form. */
export interface Hasher {
  string(s: string): string;
  bytes(b: Uint8Array): string;
  /**
   * xxh64 of `canonicalJson(value)`. An object or array is hashed once per hasher and remembered
   * (a WeakMap keyed by the object), so a node definition or a fan-out's shared args cost one hash
   * per run however many iterations name them. Values handed in must not be mutated afterwards.
   */
  json(value: Json): string;
}

/** Loads the xxhash WebAssembly module (once per process; ~1 ms). */
export async function createHasher(): Promise<Hasher> {
  const api = await xxhash();
  const known = new WeakMap<object, string>();
  const string = (s: string): string => api.h64ToString(s);
  return {
    string,
    bytes: (b) => api.h64Raw(b).toString(16).padStart(16, '0'),
    json(value) {
      if (value === null || typeof value !== 'object') return string(canonicalJson(value));
      let h = known.get(value);
      if (h === undefined) {
        h = string(canonicalJson(value));
        known.set(value, h);
      }
      return h;
    },
  };
}

/**
 * What a node's result depends on, before hashing (docs/decisions.md "The input hash"). Part names
 * are stable: they appear in logs and in `inspect --why`. Files are keyed by the role they play and
 * their content, never by where they are, so a moved experience keeps its hits (issue #9 §3).
 */
export interface HashInputs {
  /** The node's definition after defaults, without the paths of the files it names and without what only steers execution (node-files.ts `definitionPart`). */
  definition: Json;
  /** Its resolved args. */
  args: Json;
  /** Its `_state`: the value of each `reads` field (undefined when unset). */
  state: { [field: string]: Json | undefined };
  /** Its `_edge_inputs`: predecessor id → edge_output. */
  edges: { [pred: string]: Json };
  /** Content hash (xxh64) of each file its definition names, by role: `impl`, `prompt`, `source` (or MISSING). */
  files: { [role: string]: string };
  /** A tool's local modules: content hash by path relative to the impl's directory. */
  modules?: { [path: string]: string };
  /** Declared `files:`: content hash of each matching file, by path relative to the experience directory. */
  declared?: { [path: string]: string };
  /** Declared `env:`: a digest of each variable's value (never the value), or UNSET. */
  env?: { [name: string]: string };
  /** The packages a tool's code reaches: `packagePartValue(versions, hash)` or MISSING, by package name. */
  packages?: { [name: string]: string };
  /** The model an LLM node calls. */
  model?: string;
  /** Under for_each: the iteration's item; its index only when the node can see it (nodes/sees-index.ts). */
  item?: Json;
  index?: number;
  /** For a for_each node's own (aggregate) hash: the whole source array. */
  items?: Json;
  /** For a loop body's iteration (issue #10 §1): its number, `$iter`. */
  iter?: number;
  /** For a gate (issue #11 §1): its verdict. */
  verdict?: string;
}

/** An input hash and the hash of each of its parts. */
export interface InputHashResult {
  inputHash: InputHash;
  hashParts: { [part: string]: string };
}

/**
 * Computes the input hash: each part is hashed as canonical JSON (RFC 8785 key order), named
 * `definition`, `args`, `state.<field>`, `edge.<pred>`, `file.<role>`, `module.<path>`,
 * `files.<path>`, `env.<NAME>`, `pkg.<name>`, `model`, `item`, `index`, `items`, `iter` (a loop body's
 * iteration), `verdict` (a gate's), `cacheVersion`
 * (content parts are recorded as given: hashes, or readable values such as a package's versions);
 * the input hash is xxh64 of the canonical JSON of that name → value map. Pure given the hasher.
 * @throws {NotJsonError} if a part is not JSON (cannot happen for values that came through the log).
 */
export function computeInputHash(h: Hasher, inputs: HashInputs): InputHashResult {
  const parts: { [part: string]: string } = {};
  const put = (name: string, value: Json | undefined): void => {
    parts[name] = value === undefined ? h.string('undefined') : h.json(value);
  };
  const copy = (prefix: string, from: { [k: string]: string } | undefined): void => {
    if (from) for (const k of Object.keys(from).sort()) parts[`${prefix}${k}`] = from[k]!;
  };
  put('definition', inputs.definition);
  put('args', inputs.args);
  for (const field of Object.keys(inputs.state).sort()) put(`state.${field}`, inputs.state[field]);
  for (const pred of Object.keys(inputs.edges).sort()) put(`edge.${pred}`, inputs.edges[pred]);
  copy('file.', inputs.files);
  copy('module.', inputs.modules);
  copy('files.', inputs.declared);
  copy('env.', inputs.env);
  copy('pkg.', inputs.packages);
  if (inputs.model !== undefined) put('model', inputs.model);
  if (inputs.item !== undefined) put('item', inputs.item);
  if (inputs.index !== undefined) put('index', inputs.index);
  if (inputs.items !== undefined) put('items', inputs.items);
  if (inputs.iter !== undefined) put('iter', inputs.iter);
  if (inputs.verdict !== undefined) put('verdict', inputs.verdict);
  put('cacheVersion', CACHE_VERSION);
  return { inputHash: asInputHash(h.string(canonicalJson(parts))), hashParts: parts };
}

/** One package instance, as a `pkg.<name>` part covers it. */
export interface PackageIdentity {
  name: string;
  version: string | null;
  /** Lockfile integrity, when a lockfile has the package. */
  integrity: string | null;
}

/**
 * The `pkg.<name>` parts of what a tool's code reaches (issue #9 §1): per name, its versions and the
 * xxh64 of every instance's name, version and integrity (sorted, so discovery order does not
 * matter); MISSING for a directly imported package that is not installed.
 */
export function packageParts(h: Hasher, packages: readonly PackageIdentity[], missing: readonly string[]): { [name: string]: string } {
  const byName = new Map<string, PackageIdentity[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const out: { [name: string]: string } = {};
  for (const name of missing) out[name] = MISSING;
  for (const [name, list] of byName) {
    const ids = list.map((p) => ({ name: p.name, version: p.version, integrity: p.integrity })).map((id) => canonicalJson(id)).sort();
    out[name] = packagePartValue(list.map((p) => p.version ?? '?'), h.string(`[${ids.join(',')}]`));
  }
  return out;
}
