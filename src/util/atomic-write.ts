// Writing a whole file so that a reader never sees half of it (issue #14 §10): every atomic write in
// oe goes through here, to write-file-atomic — a temp file beside the target, fsync, rename (POSIX
// rename is atomic within a file system), the temp file removed on failure or exit. Loaded only
// when a file is written.
import { createRequire } from 'node:module';
import type WriteFileAtomic from 'write-file-atomic';
import { OeError } from './errors.js';

let lib: typeof WriteFileAtomic | undefined;
const writeFileAtomic = (): typeof WriteFileAtomic => (lib ??= createRequire(import.meta.url)('write-file-atomic') as typeof WriteFileAtomic);

const failure = (what: string, file: string, e: unknown): OeError => new OeError(`cannot write ${what} to ${file}: ${(e as Error).message}`, { cause: e });

/**
 * Writes `text` (UTF-8) to `file` atomically, fsynced before the rename.
 * @throws {OeError} (exit 1) naming `what` and the file when it cannot be written (a missing
 *   directory, no permission); no temp file is left.
 */
export function writeTextAtomic(file: string, text: string, what: string): void {
  try {
    writeFileAtomic().sync(file, text, { encoding: 'utf8', fsync: true });
  } catch (e) {
    throw failure(what, file, e);
  }
}

/** writeTextAtomic without blocking the event loop (for writes during a run, e.g. LLM recordings). */
export async function writeTextAtomicAsync(file: string, text: string, what: string): Promise<void> {
  try {
    await writeFileAtomic()(file, text, { encoding: 'utf8', fsync: true });
  } catch (e) {
    throw failure(what, file, e);
  }
}
