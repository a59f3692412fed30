// The input hash (SPEC §3.1): xxh64 of the canonical JSON of everything a node's result depends on.
// Each part is hashed on its own and recorded in node.started (`hashParts`), so `oe inspect --why`
// can name the part that changed; the input hash is the hash of those part hashes.
import xxhash from 'xxhash-wasm';
import { canonicalJson, type Json } from '../util/canonical-json.js';
import { asInputHash, type InputHash } from '../util/ids.js';

/**
 * The runner's cache version, part of every input hash. Bump it when a change to oe would make a
 * recorded output wrong for the same inputs, so resumes re-execute instead of restoring.
 * - 1: first version (issue #2).
 */
export const CACHE_VERSION = 1;

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
 * What a node's result depends on, before hashing. Part names are stable: they appear in logs and in
 * `inspect --why`.
 */
export interface HashInputs {
  /** The node's definition after defaults. */
  definition: Json;
  /** Its resolved args. */
  args: Json;
  /** Its `_state`: the value of each `reads` field (undefined when unset). */
  state: { [field: string]: Json | undefined };
  /** Its `_edge_inputs`: predecessor id → edge_output. */
  edges: { [pred: string]: Json };
  /** Content hash of each file it names (impl, prompt, SKILL.md, data file), by relative path. */
  files: { [path: string]: string };
  /** The model an LLM node calls. */
  model?: string;
  /** Under for_each: the iteration's item and index. */
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
 * `definition`, `args`, `state.<field>`, `edge.<pred>`, `file.<path>`, `model`, `item`, `index`,
 * `items`, `iter`, `verdict`, `cacheVersion`; the input hash is xxh64 of the canonical JSON of that name → hash map.
 * Pure given the hasher.
 * @throws {NotJsonError} if a part is not JSON (cannot happen for values that came through the log).
 */
export function computeInputHash(h: Hasher, inputs: HashInputs): InputHashResult {
  const parts: { [part: string]: string } = {};
  const put = (name: string, value: Json | undefined): void => {
    parts[name] = value === undefined ? h.string('undefined') : h.json(value);
  };
  put('definition', inputs.definition);
  put('args', inputs.args);
  for (const field of Object.keys(inputs.state).sort()) put(`state.${field}`, inputs.state[field]);
  for (const pred of Object.keys(inputs.edges).sort()) put(`edge.${pred}`, inputs.edges[pred]);
  for (const path of Object.keys(inputs.files).sort()) parts[`file.${path}`] = inputs.files[path]!;
  if (inputs.model !== undefined) put('model', inputs.model);
  if (inputs.item !== undefined || inputs.index !== undefined) {
    put('item', inputs.item ?? null);
    put('index', inputs.index ?? null);
  }
  if (inputs.items !== undefined) put('items', inputs.items);
  if (inputs.iter !== undefined) put('iter', inputs.iter);
  if (inputs.verdict !== undefined) put('verdict', inputs.verdict);
  put('cacheVersion', CACHE_VERSION);
  return { inputHash: asInputHash(h.string(canonicalJson(parts))), hashParts: parts };
}
