// Reads run logs: bytes → lines → typed events (STYLE §3.7: parse at the edge). Streams, so a
// million-event log is read in constant memory. Tolerates exactly one defect, the torn last line of
// a crashed writer (SPEC §3.2 (2)).
import { createReadStream, statSync } from 'node:fs';
import { LogFormatError, NotFoundError } from '../util/errors.js';
import { EVENT_TYPES, LOG_FORMAT_VERSION, type EventType, type OeEvent } from './events.js';

/** Something a reader tolerated, reported to the user as a warning. */
export interface LogWarning {
  file: string;
  /** 1-based line number. */
  line: number;
  message: string;
}

/** Fields each event type must have beyond the envelope, checked when a line is parsed. */
const REQUIRED: { [T in EventType]: readonly string[] } = {
  'run.started': ['args', 'experience', 'definition', 'options'],
  'node.started': ['nodeId', 'inputHash', 'attempt'],
  'node.completed': ['nodeId', 'inputHash', 'output'],
  'node.cached': ['nodeId', 'inputHash', 'output', 'fromRunId'],
  'node.failed': ['nodeId', 'inputHash', 'attempt', 'error', 'willRetry'],
  'node.retrying': ['nodeId', 'attempt', 'waitMs'],
  'node.skipped': ['nodeId', 'reason'],
  'run.paused': ['reason', 'pending'],
  'run.completed': ['status', 'durationMs', 'counts'],
};
const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Parses one log line into an event.
 * @param file shown in errors; @param lineNo 1-based.
 * @throws {LogFormatError} naming `file:line` for invalid JSON, a missing envelope field, an unknown
 *   type, a missing required field, or `v` newer than LOG_FORMAT_VERSION.
 */
export function parseEventLine(text: string, file: string, lineNo: number): OeEvent {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new LogFormatError(`${file}:${lineNo}: not a JSON event (${(e as Error).message})`);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new LogFormatError(`${file}:${lineNo}: an event must be a JSON object`);
  const ev = obj as Record<string, unknown>;
  if (typeof ev.v !== 'number') throw new LogFormatError(`${file}:${lineNo}: event has no format version "v"`);
  if (ev.v > LOG_FORMAT_VERSION) {
    throw new LogFormatError(`${file}:${lineNo}: written by a newer oe (log format v${ev.v}; this oe reads up to v${LOG_FORMAT_VERSION}) — upgrade oe to read it`);
  }
  for (const key of ['seq', 'ts', 'type', 'runId'] as const) {
    if (ev[key] === undefined) throw new LogFormatError(`${file}:${lineNo}: event has no "${key}"`);
  }
  if (typeof ev.type !== 'string' || !KNOWN_TYPES.has(ev.type)) throw new LogFormatError(`${file}:${lineNo}: unknown event type ${JSON.stringify(ev.type)}`);
  for (const key of REQUIRED[ev.type as EventType]) {
    if (ev[key] === undefined) throw new LogFormatError(`${file}:${lineNo}: ${ev.type} event has no "${key}"`);
  }
  return ev as unknown as OeEvent;
}

/**
 * Streams the events of a log file in order, in constant memory (64 KiB chunks).
 * A last line that is not newline-terminated and does not parse is a torn write: it is dropped and
 * `onWarning` is called with its line number. Any other bad line throws, and so does an event whose
 * `seq` is not its 0-based line number or whose `runId` differs from the first event's.
 * @throws {NotFoundError} when the file does not exist; {LogFormatError} for a malformed line.
 */
export async function* streamLog(file: string, onWarning: (w: LogWarning) => void = () => {}): AsyncGenerator<OeEvent> {
  try {
    statSync(file);
  } catch {
    throw new NotFoundError(`no run log at ${file}`);
  }
  let rest = '';
  let lineNo = 0;
  let runId: string | undefined;
  // A log is one run's events numbered 0, 1, 2 …: a line out of sequence or from another run means
  // the file was edited or concatenated, and folding it would give a wrong state.
  const checked = (event: OeEvent): OeEvent => {
    if (event.seq !== lineNo - 1) throw new LogFormatError(`${file}:${lineNo}: event has seq ${event.seq}, expected ${lineNo - 1} (lines missing, repeated or reordered)`);
    runId ??= event.runId;
    if (event.runId !== runId) throw new LogFormatError(`${file}:${lineNo}: event of run ${event.runId} in the log of run ${runId}`);
    return event;
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    rest += chunk as string;
    let nl: number;
    let start = 0;
    while ((nl = rest.indexOf('\n', start)) !== -1) {
      const text = rest.slice(start, nl);
      start = nl + 1;
      lineNo++;
      if (text.length === 0) throw new LogFormatError(`${file}:${lineNo}: empty line in a run log`);
      yield checked(parseEventLine(text, file, lineNo));
    }
    rest = rest.slice(start);
  }
  if (rest.length > 0) {
    lineNo++;
    let event: OeEvent;
    try {
      event = parseEventLine(rest, file, lineNo);
    } catch (e) {
      // SPEC §3.2 (2): a torn last line (the writer crashed mid-write) is ignored with a warning.
      onWarning({ file, line: lineNo, message: `torn last line ignored (the run crashed while writing it): ${(e as Error).message}` });
      return;
    }
    yield checked(event);
  }
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
export async function readLog(file: string): Promise<LogContents> {
  const warnings: LogWarning[] = [];
  const events: OeEvent[] = [];
  for await (const e of streamLog(file, (w) => warnings.push(w))) events.push(e);
  return { events, warnings };
}
