// The write side of the event size limit (issue #12 §4): a line the reader would refuse is never
// written, so every log oe writes stays readable.
import { OeError } from '../util/errors.js';
import { MAX_EVENT_BYTES, formatBytes } from '../util/limits.js';

/** An event too large for a run log line. Exit 1. */
export class EventTooLargeError extends OeError {}

/**
 * The bytes of one log line (`line` and its `\n`), once checked against MAX_EVENT_BYTES.
 * @throws {EventTooLargeError} naming the event and its size, when `line` is longer than the limit.
 */
export function checkEventSize(line: string, event: { type: string; nodeId?: string }, max = MAX_EVENT_BYTES): Buffer {
  const buf = Buffer.from(line + '\n', 'utf8');
  if (buf.length - 1 <= max) return buf;
  const what = event.nodeId === undefined ? `a ${event.type} event` : `the ${event.type} event of node ${event.nodeId}`;
  throw new EventTooLargeError(`${what} is ${formatBytes(buf.length - 1)}, over the ${formatBytes(max)} a run log line may hold; a node that produces this much should write it to a file and return the path`);
}
