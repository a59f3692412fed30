// Exhaustiveness guard for switches over closed unions (STYLE §3.2).

/**
 * Marks a branch the type checker proves unreachable. Throws if reached at run time, which can only
 * happen when data bypassed the parsers (a bug).
 * @throws {Error} always.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
