// Raw text to stdout (Mermaid, JSON Schema) that survives the process.exit in main.ts: when a pipe is
// full, Node queues the rest of a write, and exiting drops it (`oe schema | head` then cuts at 64 KiB).
// Waiting for the write's callback means the whole text reached the pipe.

/** Writes `text` to stdout and resolves once it has all been handed to the OS. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
