// Canonical JSON: sorted object keys, no whitespace. The one shape of a value that oe hashes, logs
// and hands downstream (STYLE §3.5), following RFC 8785's key ordering (UTF-16 code unit order).

/** A JSON value as it appears in a log line. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Thrown when a value cannot be represented as JSON (a function, a BigInt, a cycle, NaN). */
export class NotJsonError extends Error {
  /** `path` is where in the value the offending part sits, e.g. `$.state_delta.rows[3]`. */
  constructor(readonly path: string, readonly reason: string) {
    super(`${path} is ${reason}, not a JSON value`);
    this.name = 'NotJsonError';
  }
}

/**
 * Serializes `value` with object keys sorted and no insignificant whitespace. `undefined` object
 * members are dropped (as JSON.stringify does); everything else that is not JSON throws.
 * @throws {NotJsonError} for functions, symbols, BigInts, non-finite numbers, cycles, class instances
 *   other than Date (dates become ISO strings).
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(path, String(value));
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (seen.has(value)) throw new NotJsonError(path, 'a circular reference');
      seen.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out = '[' + value.map((v, i) => (v === undefined ? 'null' : write(v, `${path}[${i}]`, seen))).join(',') + ']';
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          throw new NotJsonError(path, `an instance of ${proto?.constructor?.name ?? 'a class'}`);
        }
        const obj = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const key of Object.keys(obj).sort()) {
          const v = obj[key];
          if (v === undefined) continue;
          parts.push(JSON.stringify(key) + ':' + write(v, `${path}.${key}`, seen));
        }
        out = '{' + parts.join(',') + '}';
      }
      seen.delete(value);
      return out;
    }
    case 'undefined':
      throw new NotJsonError(path, 'undefined');
    default:
      throw new NotJsonError(path, `a ${typeof value}`);
  }
}

/**
 * The value after a round trip through canonical JSON, so a freshly computed value and one read back
 * from a log are byte-identical downstream (STYLE §3.5: "simulate a round trip").
 * @throws {NotJsonError} as canonicalJson.
 */
export function roundTrip<T = Json>(value: unknown): T {
  return JSON.parse(canonicalJson(value)) as T;
}
