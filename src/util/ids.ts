// Branded ids (STYLE §3.7): made only by the parsers and factories here, so a run id that is not a
// UUID never becomes a path.
import { randomFillSync } from 'node:crypto';
import { UsageError } from './errors.js';
import { quote } from './quote.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A run id: a lowercase UUID (v7 for runs oe creates). */
export type RunId = Brand<string, 'RunId'>;
/** A node id from an experience: `^[A-Za-z_][A-Za-z0-9_]*$`. */
export type NodeId = Brand<string, 'NodeId'>;
/** An input hash: 16 lowercase hex digits of xxh64 (SPEC §3.1). */
export type InputHash = Brand<string, 'InputHash'>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The node id grammar of SPEC §2. */
export const NODE_ID_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `s` has the UUID form (any version). */
export function isRunId(s: string): boolean {
  return UUID_RE.test(s);
}

/**
 * Parses a run id given by a user. SPEC §3.2 (1): anything but a UUID is a usage error.
 * @throws {UsageError} (exit 2) when `s` is not a UUID, quoting at most its first 60 characters (issue
 *   #12: a 10 kB argument is not echoed whole); nothing touches the file system.
 */
export function parseRunId(s: string): RunId {
  if (!UUID_RE.test(s)) throw new UsageError(`not a run id: ${quote(s)} (expected a UUID such as 0192f3a4-…)`);
  return s.toLowerCase() as RunId;
}

/** Brands a node id that validation already checked. */
export const asNodeId = (s: string): NodeId => s as NodeId;
/** Brands an input hash computed by engine/hash.ts or read from a log. */
export const asInputHash = (s: string): InputHash => s as InputHash;

/** Makes run ids; tests pass a fixed clock and random source. */
export type RunIdSource = () => RunId;

/**
 * A source of UUIDv7 ids (RFC 9562 §5.7): 48-bit big-endian ms timestamp, version 7, a 12-bit counter
 * seeded randomly each ms and incremented within it (method 1 of §6.2, so ids made in the same ms
 * still sort in creation order), variant 10, then 62 random bits.
 * @param now wall-clock ms since the epoch (a Clock's `now`).
 * @param random fills a buffer with random bytes (crypto by default; fixed in tests).
 */
export function uuidv7Source(now: () => number, random: (buf: Uint8Array) => void = randomFillSync): RunIdSource {
  let lastMs = -1;
  let lastCounter = 0;
  return () => {
    const nowMs = now();
    const b = new Uint8Array(16);
    random(b);
    let counter: number;
    if (nowMs === lastMs) {
      counter = (lastCounter + 1) & 0xfff;
    } else {
      counter = ((b[6]! & 0x07) << 8) | b[7]!; // start in the lower half so increments rarely wrap
      lastMs = nowMs;
    }
    lastCounter = counter;
    let ts = nowMs;
    for (let i = 5; i >= 0; i--) {
      b[i] = ts % 256;
      ts = Math.floor(ts / 256);
    }
    b[6] = 0x70 | (counter >> 8);
    b[7] = counter & 0xff;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as RunId;
  };
}

/**
 * The short id oe prints for a run (issue #14 §4): its last 8 hex digits, the random end of a
 * UUIDv7 (runs started within the same minute share their first 8). `oe inspect 1a2b3c4d` finds it.
 */
export function shortRunId(id: string): string {
  return id.slice(-8);
}
