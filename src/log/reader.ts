// Reads run logs: bytes → lines → typed events (STYLE §3.7: parse at the edge). Streams, so a
// million-event log is read in constant memory, and an event of any size in one pass. Tolerates
// exactly one defect, the torn last line of a crashed writer (SPEC §3.2 (2)); every other defect is
// an error naming file:line.
import { createReadStream, statSync, type Stats } from 'node:fs';
import { basename } from 'node:path';
import { LogFormatError, NotFoundError, OeError } from '../util/errors.js';
import { isRunId } from '../util/ids.js';
import { MAX_EVENT_BYTES, formatBytes } from '../util/limits.js';
import { printable } from '../util/quote.js';
import { invalidUtf8At } from '../util/utf8.js';
import { eventShapeProblem, shownType } from './event-shape.js';
import { EVENT_TYPES, LOG_FORMAT_VERSION, type EventType, type OeEvent } from './events.js';
import { LineError, LineSplitter } from './lines.js';

/** Something a reader tolerated, reported to the user as a warning. */
export interface LogWarning {
  file: string;
  /** 1-based line number. */
  line: number;
  message: string;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** Bytes read from the file at a time. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Parses one log line into an event.
 * @param file shown in errors; @param lineNo 1-based; @param knownRunId the log's run id when already
 *   checked (saves testing the UUID form on every line).
 * @throws {LogFormatError} naming `file:line` for invalid JSON, a missing or wrongly typed envelope
 *   field, an unknown type, a missing or wrongly typed field of its type (event-shape.ts), or `v`
 *   newer than LOG_FORMAT_VERSION.
 */
export function parseEventLine(text: string, file: string, lineNo: number, knownRunId?: string): OeEvent {
  return checkEvent(parseJson(text, file, lineNo), file, lineNo, knownRunId);
}

function parseJson(text: string, file: string, lineNo: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 quotes part of the line in its message: keep it printable and short (the line may be binary).
    throw new LogFormatError(`${file}:${lineNo}: not a JSON event (${printable((e as Error).message)})`);
  }
}

function checkEvent(obj: unknown, file: string, lineNo: number, knownRunId?: string): OeEvent {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new LogFormatError(`${file}:${lineNo}: an event must be a JSON object`);
  const ev = obj as Record<string, unknown>;
  if (ev.v === undefined) throw new LogFormatError(`${file}:${lineNo}: event has no format version "v"`);
  if (typeof ev.v === 'number' && ev.v > LOG_FORMAT_VERSION) {
    throw new LogFormatError(`${file}:${lineNo}: written by a newer oe (log format v${ev.v}; this oe reads up to v${LOG_FORMAT_VERSION}) — upgrade oe to read it`);
  }
  for (const key of ['seq', 'ts', 'type', 'runId'] as const) {
    if (ev[key] === undefined) throw new LogFormatError(`${file}:${lineNo}: event has no "${key}"`);
  }
  if (typeof ev.type !== 'string' || !KNOWN_TYPES.has(ev.type)) throw new LogFormatError(`${file}:${lineNo}: unknown event type ${shownType(ev.type)}`);
  const problem = eventShapeProblem(ev, ev.type as EventType, knownRunId);
  if (problem) throw new LogFormatError(`${file}:${lineNo}: ${problem}`);
  return ev as unknown as OeEvent;
}

/**
 * The rules that hold between the lines of one log: `seq` is the 0-based line number, every event
 * has the run id of the first (and of the file name, when the file is named `<runId>.jsonl`), no
 * run.started follows the first line, and nothing follows run.completed. (Whether the first event is
 * run.started is the caller's question: `inspect` and `resume` each say what they cannot do without it.) A log breaking
 * them was edited, concatenated or renamed, and folding it would give a wrong state.
 */
class LogSequence {
  private count = 0;
  /** The first event's run id, once read. */
  runId: string | undefined;
  private completed = false;

  constructor(
    private readonly file: string,
    private readonly fileRunId: string | undefined,
  ) {}

  check(event: OeEvent, lineNo: number): OeEvent {
    const where = `${this.file}:${lineNo}`;
    const expected = this.count++;
    if (event.seq !== expected) throw new LogFormatError(`${where}: event has seq ${event.seq}, expected ${expected} (lines missing, repeated or reordered)`);
    if (this.runId === undefined) {
      this.runId = event.runId;
      if (this.fileRunId !== undefined && event.runId !== this.fileRunId) {
        throw new LogFormatError(`${where}: event of run ${event.runId} in the log file of run ${this.fileRunId} (was the file renamed or copied?)`);
      }
    } else if (event.runId !== this.runId) {
      throw new LogFormatError(`${where}: event of run ${event.runId} in the log of run ${this.runId}`);
    }
    if (expected > 0 && event.type === 'run.started') throw new LogFormatError(`${where}: a second run.started (a run log holds one run)`);
    if (this.completed) throw new LogFormatError(`${where}: ${event.type} after run.completed (a run log ends with run.completed)`);
    if (event.type === 'run.completed') this.completed = true;
    return event;
  }
}

/**
 * True when `tail` (the bytes after the last `\n`) can be the start of an event the writer was
 * cutting off: it begins like every event (`{"v":`), holds no raw control character (JSON.stringify
 * escapes them) and is UTF-8 except for a character cut at its very end. Zero bytes after it (or in
 * its place) are allowed: a file system that loses power after growing a file but before writing
 * its data leaves them. Anything else there — binary data, text from another program — is not a
 * torn write and is refused (issue #12).
 */
function isTornEvent(whole: Buffer): boolean {
  let end = whole.length;
  while (end > 0 && whole[end - 1] === 0) end--;
  const tail = whole.subarray(0, end);
  const start = '{"v":';
  const head = tail.subarray(0, start.length).toString('latin1');
  if (!start.startsWith(head) && !head.startsWith(start)) return false;
  for (const byte of tail) if (byte < 0x20) return false;
  return invalidUtf8At(tail, true) === -1;
}

/** Why an unterminated last line is neither an event nor a torn one, for the error. */
function notAnEvent(tail: Buffer): string {
  const bad = invalidUtf8At(tail, true);
  const control = tail.findIndex((b) => b < 0x20);
  if (bad !== -1 || control !== -1) {
    const at = bad === -1 ? control : control === -1 ? bad : Math.min(bad, control);
    return `binary data, not a run log line (${tail.length} bytes with no newline; byte 0x${tail[at]!.toString(16).padStart(2, '0')} at byte ${at + 1})`;
  }
  const text = tail.toString('utf8');
  return `not a run log line (${tail.length} bytes with no newline, beginning ${JSON.stringify(printable(text.slice(0, 40), 40))}); an event begins {"v":`;
}

/** Describes a non-file for an error: a directory, a FIFO, a device. */
function kindOf(st: Stats): string {
  return st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
}

/** Options of streamLog, for tests and benchmarks. */
export interface StreamOptions {
  /** Bytes read at a time (default 256 KiB); the result never depends on it. */
  chunkBytes?: number;
  /** Longest event accepted, in bytes (default MAX_EVENT_BYTES, 64 MiB). */
  maxEventBytes?: number;
}

/**
 * Streams the events of a log file in order, in constant memory beyond the longest line.
 * A last line that is not newline-terminated and does not parse is a torn write when it looks like
 * one (isTornEvent): it is dropped and `onWarning` is called with its line number. Any other bad line
 * throws, and so does a break of the rules between lines (LogSequence).
 * @throws {NotFoundError} when the file does not exist; {LogFormatError} (exit 1) naming file:line
 *   for a malformed line, a line over `maxEventBytes`, text that is not UTF-8, or a file that is not a
 *   regular file or cannot be read.
 */
export async function* streamLog(file: string, onWarning: (w: LogWarning) => void = () => {}, opts: StreamOptions = {}): AsyncGenerator<OeEvent> {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) throw new NotFoundError(`no run log at ${file}`);
  if (!st.isFile()) throw new LogFormatError(`${file}: not a run log: it is ${kindOf(st)}, not a file`);
  const named = basename(file).replace(/\.jsonl$/, '');
  const sequence = new LogSequence(file, isRunId(named) ? named.toLowerCase() : undefined);
  const maxBytes = opts.maxEventBytes ?? MAX_EVENT_BYTES;
  const lines = new LineSplitter(maxBytes);
  let lineNo = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: opts.chunkBytes ?? CHUNK_BYTES })) {
      for (const text of lines.push(chunk as Buffer)) {
        lineNo++;
        if (text.length === 0) throw new LogFormatError(`${file}:${lineNo}: empty line in a run log`);
        yield sequence.check(parseEventLine(text, file, lineNo, sequence.runId), lineNo);
      }
    }
  } catch (e) {
    if (e instanceof LineError) {
      const message = e.kind === 'too-long' ? `event is larger than ${formatBytes(maxBytes)}, the most a run log line may hold` : e.message;
      throw new LogFormatError(`${file}:${e.line}: ${message}`, { cause: e });
    }
    if (!(e instanceof OeError) && (e as NodeJS.ErrnoException).code) throw new LogFormatError(`${file}: cannot read the run log: ${(e as Error).message}`, { cause: e });
    throw e;
  }
  const tail = lines.end();
  if (tail === null) return;
  lineNo++;
  let obj: unknown;
  try {
    obj = JSON.parse(tail.toString('utf8'));
  } catch {
    // SPEC §3.2 (2): a torn last line (the writer crashed mid-write) is ignored with a warning.
    if (!isTornEvent(tail)) throw new LogFormatError(`${file}:${lineNo}: ${notAnEvent(tail)}`);
    onWarning({ file, line: lineNo, message: `torn last line ignored (the run crashed while writing it): not a JSON event (${tail.length} bytes, cut off)` });
    return;
  }
  // A whole event that lost only its newline is an event.
  if (invalidUtf8At(tail, false) !== -1) throw new LogFormatError(`${file}:${lineNo}: ${notAnEvent(tail)}`);
  yield sequence.check(checkEvent(obj, file, lineNo, sequence.runId), lineNo);
}

/** A whole log read into memory, with what was tolerated. */
export interface LogContents {
  events: OeEvent[];
  warnings: LogWarning[];
}

/**
 * Reads a whole log (for resume, where every event is needed). Same rules as streamLog.
 * @throws {NotFoundError} | {LogFormatError} as streamLog.
 */
export async function readLog(file: string, opts: StreamOptions = {}): Promise<LogContents> {
  const warnings: LogWarning[] = [];
  const events: OeEvent[] = [];
  for await (const e of streamLog(file, (w) => warnings.push(w), opts)) events.push(e);
  return { events, warnings };
}
