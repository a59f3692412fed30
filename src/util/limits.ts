// The limits oe enforces on what it reads (issue #12 §4), in one place so the README, docs/decisions.md
// and the error messages agree. Each is far above what a real experience or run needs and far below
// what would exhaust memory or the stack.

/**
 * Largest experience.yaml read, in bytes (16 MiB): room for a 100,000-node graph (~6 MiB, the engine
 * benchmark of issue #8), far below what the parser cannot handle. A larger file is refused before
 * it is read.
 */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;

/**
 * Deepest nesting of YAML collections (mappings and sequences, block or flow) in an experience.yaml.
 * An experience's own structure is about 6 deep; an agent's JSON Schema adds a few levels per nested
 * object. Checked while parsing, so 1 MB of `[` is refused after 65 characters.
 */
export const MAX_YAML_DEPTH = 100;

/**
 * Most nodes that aliases (`*name`) may add to an experience.yaml when expanded, counting each node of
 * the anchored value once per alias that repeats it. Refuses alias bombs ("billion laughs").
 */
export const MAX_YAML_ALIAS_NODES = 10_000;

/**
 * Largest event (one log line, without its `\n`) written to or read from a run log, in bytes
 * (64 MiB). A reader refuses a longer line without buffering more of it.
 */
export const MAX_EVENT_BYTES = 64 * 1024 * 1024;

/** `n` bytes for people: `64 MiB`, `1 MiB`, `512 KiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
