// Reads only the first and the last line of a log file — what `oe runs` needs for status, duration
// and counts without reading the whole file (issue #5 item 2). Constant memory for any file size
// whose first and last lines are of ordinary length.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK = 64 * 1024;

/** The ends of a log file. */
export interface LogEnds {
  /** The first line without its `\n`; null for an empty file. `firstComplete` says if it ended with `\n`. */
  first: string | null;
  firstComplete: boolean;
  /** The last `\n`-terminated line, when it is not the first line; null otherwise. */
  last: string | null;
  /** Bytes after the last `\n` (a torn last line of a crashed writer); 0 for a clean end. */
  tornBytes: number;
  size: number;
}

/**
 * Reads the first line forwards and the last complete line backwards, in 64 KiB chunks.
 * @throws the fs error of open/read (ENOENT, EACCES) as thrown.
 */
export function readLogEnds(file: string): LogEnds {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { first: null, firstComplete: false, last: null, tornBytes: 0, size };
    // First line: forwards until the first \n.
    const head: Buffer[] = [];
    let pos = 0;
    let firstEnd = -1;
    while (pos < size) {
      const buf = Buffer.alloc(Math.min(CHUNK, size - pos));
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      const nl = buf.subarray(0, n).indexOf(10);
      if (nl !== -1) {
        head.push(buf.subarray(0, nl));
        firstEnd = pos + nl;
        break;
      }
      head.push(buf.subarray(0, n));
      pos += n;
    }
    const first = Buffer.concat(head).toString('utf8');
    if (firstEnd === -1) return { first, firstComplete: false, last: null, tornBytes: size, size };
    // Last complete line: the bytes after the second-to-last \n up to the last \n.
    const lastNl = lastIndexOfNewline(fd, size - 1, firstEnd);
    const tornBytes = size - 1 - lastNl;
    if (lastNl === firstEnd) return { first, firstComplete: true, last: null, tornBytes, size };
    const prevNl = lastIndexOfNewline(fd, lastNl - 1, firstEnd);
    const len = lastNl - prevNl - 1;
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, prevNl + 1);
    return { first, firstComplete: true, last: buf.toString('utf8'), tornBytes, size };
  } finally {
    closeSync(fd);
  }
}

/** Position of the last `\n` at or before `from`, searching back no further than `floor` (a known `\n`). */
function lastIndexOfNewline(fd: number, from: number, floor: number): number {
  let end = from + 1;
  while (end > floor + 1) {
    const start = Math.max(floor + 1, end - CHUNK);
    const buf = Buffer.alloc(end - start);
    readSync(fd, buf, 0, buf.length, start);
    const i = buf.lastIndexOf(10);
    if (i !== -1) return start + i;
    end = start;
  }
  return floor;
}
