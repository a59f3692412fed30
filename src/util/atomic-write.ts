// Writing a whole file so that a reader never sees half of it: a temp file in the target's directory,
// fsync, rename (POSIX rename is atomic within a file system).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OeError } from './errors.js';

/**
 * Writes `text` (UTF-8) to `file` atomically.
 * @throws {OeError} (exit 1) naming `what` and the file when it cannot be written (a missing directory,
 *   no permission); the temp file is removed.
 */
export function writeTextAtomic(file: string, text: string, what: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new OeError(`cannot write ${what} to ${file}: ${(e as Error).message}`, { cause: e });
  }
}
