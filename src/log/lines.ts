// Bytes → lines for the log reader: a pure splitter fed with chunks of any size, so a line of any
// length costs one pass (issue #12: a 50 MB event took ~15 s when the buffer was re-scanned per
// chunk). No I/O; the reader owns the file.
import { isUtf8 } from 'node:buffer';
import { invalidUtf8At } from '../util/utf8.js';

/** A line the splitter refused: longer than the limit, or not UTF-8. `line` is 1-based. */
export class LineError extends Error {
  constructor(
    readonly line: number,
    readonly kind: 'too-long' | 'not-utf8',
    message: string,
  ) {
    super(message);
    this.name = 'LineError';
  }
}

/**
 * Splits a byte stream into `\n`-terminated lines of UTF-8 text. `push` returns the lines completed
 * by a chunk (without their `\n`); `end` returns the bytes after the last `\n`, undecoded (a torn
 * write may end inside a character). The result never depends on how the stream was cut into chunks.
 * Complete lines are decoded a whole run of them at a time, and a partial line is kept as a list of
 * pieces joined once, so the work is linear in the bytes whatever the line lengths.
 */
export class LineSplitter {
  /** Lines returned so far (the next line's number minus one). */
  lines = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** @param maxLineBytes longest line accepted, in bytes without the `\n`. */
  constructor(private readonly maxLineBytes: number) {}

  /**
   * Takes the next chunk and returns the lines it completes.
   * @throws {LineError} for a line longer than `maxLineBytes` (as soon as the limit is passed, without
   *   keeping more of it) or one that is not valid UTF-8.
   */
  push(chunk: Buffer): string[] {
    const first = chunk.indexOf(10);
    if (first === -1) {
      this.hold(chunk);
      return [];
    }
    const out: string[] = [];
    this.checkLength(this.pendingBytes + first);
    const head = this.pending.length === 0 ? chunk.subarray(0, first) : Buffer.concat([...this.pending, chunk.subarray(0, first)]);
    this.pending = [];
    this.pendingBytes = 0;
    out.push(this.decode(head));
    const last = chunk.lastIndexOf(10);
    if (last > first) {
      const region = chunk.subarray(first + 1, last);
      if (region.length > this.maxLineBytes) this.checkRegionLengths(region);
      if (!isUtf8(region)) this.failRegion(region);
      const text = region.toString('utf8');
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        out.push(text.slice(start, nl));
        start = nl + 1;
      }
      out.push(text.slice(start));
    }
    this.lines += out.length - 1; // decode() counted the head
    if (last + 1 < chunk.length) this.hold(chunk.subarray(last + 1));
    return out;
  }

  /** The bytes after the last `\n` (an unterminated last line), or null when there are none. */
  end(): Buffer | null {
    if (this.pendingBytes === 0) return null;
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return rest;
  }

  private hold(piece: Buffer): void {
    this.pendingBytes += piece.length;
    this.checkLength(this.pendingBytes);
    this.pending.push(piece);
  }

  private checkLength(bytes: number): void {
    if (bytes > this.maxLineBytes) throw new LineError(this.lines + 1, 'too-long', `line is longer than ${this.maxLineBytes} bytes`);
  }

  /** Decodes one complete line and counts it. */
  private decode(line: Buffer): string {
    this.lines++;
    if (!isUtf8(line)) throw new LineError(this.lines, 'not-utf8', notUtf8(line, invalidUtf8At(line, false)));
    return line.toString('utf8');
  }

  /** A run of lines holds one longer than the limit: names it. */
  private checkRegionLengths(region: Buffer): void {
    let line = this.lines;
    for (let start = 0; start <= region.length; ) {
      const nl = region.indexOf(10, start);
      const end = nl === -1 ? region.length : nl;
      line++;
      if (end - start > this.maxLineBytes) throw new LineError(line, 'too-long', `line is longer than ${this.maxLineBytes} bytes`);
      start = end + 1;
    }
  }

  /** A run of lines is not UTF-8: finds the first bad line and throws naming it. */
  private failRegion(region: Buffer): never {
    let line = this.lines;
    for (let start = 0; start <= region.length; ) {
      const nl = region.indexOf(10, start);
      const end = nl === -1 ? region.length : nl;
      const piece = region.subarray(start, end);
      line++;
      if (!isUtf8(piece)) throw new LineError(line, 'not-utf8', notUtf8(piece, invalidUtf8At(piece, false)));
      start = end + 1;
    }
    // Unreachable: a byte string that is not UTF-8 has a line that is not.
    throw new LineError(this.lines + 1, 'not-utf8', 'not UTF-8 text');
  }
}

function notUtf8(line: Uint8Array, at: number): string {
  return `not UTF-8 text (byte 0x${line[at]!.toString(16).padStart(2, '0')} at byte ${at + 1} of the line)`;
}
