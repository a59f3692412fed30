// The bad-log corpus (issue #12 §2): run logs that are empty, truncated, malformed in the middle, of a
// newer format version, with duplicated `seq`, with wrongly typed fields, with a 50 MB event, or
// binary — each with the exact exit code of `oe inspect <runId>` and of `oe resume <runId>`, and a
// fragment of the message (or, for a log oe tolerates, of the warning). The file is always
// `.openexpertise/runs/<RUN>.jsonl`; messages name it as `<RUN>.jsonl:<line>`.
import { LogBuilder, experience } from '../helpers/log-builder.js';

/** The run id of every corpus log. */
export const RUN = '01932f00-0000-7000-8000-00000000c0de';
/** Another run's id. */
export const OTHER = '01932f00-0000-7000-8000-00000000beef';

/** What one command does with the log: its exit code and a fragment of its error or warning. */
export interface Outcome {
  code: number;
  message: string | RegExp;
}

/** One log. */
export interface LogCase {
  name: string;
  /** The file's bytes; `directory` puts a directory where the file goes. */
  log: string | Buffer | 'directory' | (() => string | Buffer);
  inspect: Outcome;
  /** Default: the same as inspect. */
  resume?: Outcome;
  /** Also through bin/oe (`inspect` or `resume`). */
  spawn?: true;
  /** Only through inspect's loadRun: resume reads with the same readLog, and the log is huge. */
  inspectOnly?: true;
}

const def = experience('corpus', [{ id: 'a', writes: ['out'] }, { id: 'b' }], [['a', 'b']], ['out']);
/** A finished run of two nodes: run.started, a (started, completed), b (started, completed), run.completed. */
const good = new LogBuilder({ runId: RUN }).started(def).executes('a', { output: { state_delta: { out: [1, 2] } } }).executes('b').finished('success');
/** Its events as objects (fresh copies). */
const events = (): Array<Record<string, unknown>> => good.events.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
/** Its lines. */
const LINES = good.events.map((e) => JSON.stringify(e));
/** The log text of `lines`, each `\n`-terminated. */
const text = (lines: string[]): string => lines.map((l) => l + '\n').join('');
/** The log with event `i` (0-based) changed by `edit`. */
function edited(i: number, edit: (e: Record<string, unknown>) => void): string {
  const all = events();
  edit(all[i]!);
  return text(all.map((e) => JSON.stringify(e)));
}
/** The log with field `key` of event `i` set to `value`. */
const withField = (i: number, key: string, value: unknown): string => edited(i, (e) => (e[key] = value));
/** A field of a nested object of event `i`. */
const withNested = (i: number, key: string, sub: string, value: unknown): string => edited(i, (e) => ((e[key] as Record<string, unknown>)[sub] = value));
const L = (line: number): string => `${RUN}.jsonl:${line}: `;

/** Bytes that are no text, with no newline (a copied binary file). */
function binary(size: number, withNewlines: boolean): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    const v = (i * 167 + 13) % 256;
    b[i] = !withNewlines && v === 10 ? 0xfe : v;
  }
  return b;
}

/** A log whose node.completed carries a string of `bytes` bytes. */
function bigEvent(bytes: number): string {
  const b = new LogBuilder({ runId: RUN }).started(def).nodeStarted('a').completed('a', { output: { state_delta: { out: 'x'.repeat(bytes) } } });
  return b.jsonl();
}

const noRunStarted = { code: 1, message: 'the log has no run.started event, so there is nothing to resume' };

const damaged: LogCase[] = [
  { name: 'an empty log', log: '', inspect: { code: 1, message: 'the run log is empty (the run crashed before writing run.started)' }, resume: noRunStarted, spawn: true },
  { name: 'a log of one empty line', log: '\n', inspect: { code: 1, message: `${L(1)}empty line in a run log` } },
  { name: 'a log of spaces with no newline', log: '    ', inspect: { code: 1, message: `${L(1)}not a run log line (4 bytes with no newline, beginning "    "); an event begins {"v":` } },
  { name: 'a log cut inside run.started (a crash at once)', log: LINES[0]!.slice(0, 40), inspect: { code: 1, message: 'the run log holds no complete event (the run crashed before writing run.started)' }, resume: noRunStarted },
  { name: 'a log cut inside its last line (a crash) is read with a warning', log: text(LINES.slice(0, 3)) + LINES[3]!.slice(0, 50), inspect: { code: 0, message: `${L(4)}torn last line ignored` } },
  { name: 'a log cut inside a multi-byte character of its last line', log: Buffer.from(text(LINES.slice(0, 3)) + LINES[3]!.replace('"b"', '"b", "note": "é€😀"')).subarray(0, -10), inspect: { code: 0, message: 'torn last line ignored' } },
  { name: 'a crash that left zero bytes after the last line (a torn write)', log: Buffer.concat([Buffer.from(text(LINES.slice(0, 3))), Buffer.alloc(4096)]), inspect: { code: 0, message: `${L(4)}torn last line ignored` } },
  { name: 'a torn line followed by zero bytes', log: Buffer.concat([Buffer.from(text(LINES.slice(0, 3)) + LINES[3]!.slice(0, 30)), Buffer.alloc(512)]), inspect: { code: 0, message: `${L(4)}torn last line ignored` } },
  { name: 'a last event that lost only its newline is read whole', log: text(LINES.slice(0, -1)) + LINES.at(-1)!, inspect: { code: 0, message: '' } },
  { name: 'a malformed line in the middle', log: text([LINES[0]!, '{oops', ...LINES.slice(1)]), inspect: { code: 1, message: `${L(2)}not a JSON event` }, spawn: true },
  { name: 'a line of null in the middle', log: text([LINES[0]!, 'null', ...LINES.slice(1)]), inspect: { code: 1, message: `${L(2)}an event must be a JSON object` } },
  { name: 'a line of [] in the middle', log: text([LINES[0]!, '[]', ...LINES.slice(1)]), inspect: { code: 1, message: `${L(2)}an event must be a JSON object` } },
  { name: 'an empty line in the middle', log: text([LINES[0]!, '', ...LINES.slice(1)]), inspect: { code: 1, message: `${L(2)}empty line in a run log` } },
  { name: 'a line of another program (a pino log line)', log: text([LINES[0]!, '{"level":30,"time":1,"msg":"hello"}']), inspect: { code: 1, message: `${L(2)}event has no format version "v"` } },
  { name: 'a UTF-8 byte-order mark before the first event', log: '\ufeff' + text(LINES), inspect: { code: 1, message: `${L(1)}not a JSON event` } },
  { name: 'Windows line endings are read as the same events', log: LINES.map((l) => l + '\r\n').join(''), inspect: { code: 0, message: '' } },
  { name: 'the same line twice (duplicated seq)', log: text([LINES[0]!, LINES[1]!, LINES[1]!, ...LINES.slice(2)]), inspect: { code: 1, message: `${L(3)}event has seq 1, expected 2 (lines missing, repeated or reordered)` }, spawn: true },
  { name: 'a line missing (a gap in seq)', log: text([LINES[0]!, ...LINES.slice(2)]), inspect: { code: 1, message: `${L(2)}event has seq 2, expected 1` } },
  { name: 'two lines swapped', log: text([LINES[0]!, LINES[2]!, LINES[1]!, ...LINES.slice(3)]), inspect: { code: 1, message: `${L(2)}event has seq 2, expected 1` } },
  { name: 'an event of another run in the middle', log: text([LINES[0]!, LINES[1]!.replace(RUN, OTHER), ...LINES.slice(2)]), inspect: { code: 1, message: `${L(2)}event of run ${OTHER} in the log of run ${RUN}` } },
  { name: 'the log of another run under this run id (renamed or copied)', log: text(LINES.map((l) => l.replaceAll(RUN, OTHER))), inspect: { code: 1, message: `${L(1)}event of run ${OTHER} in the log file of run ${RUN} (was the file renamed or copied?)` } },
  { name: 'a second run.started', log: text([...LINES.slice(0, 2), withField(0, 'seq', 2).split('\n')[0]!]), inspect: { code: 1, message: `${L(3)}a second run.started` } },
  { name: 'an event after run.completed', log: text([...LINES, JSON.stringify({ ...events()[2], seq: LINES.length })]), inspect: { code: 1, message: `${L(LINES.length + 1)}node.completed after run.completed` } },
  { name: 'a first event that is not run.started', log: text(LINES.slice(1).map((l, i) => l.replace(/"seq":\d+/, `"seq":${i}`))), inspect: { code: 1, message: `${L(1)}the first event is not run.started, so this is not a run log` }, resume: noRunStarted },
  { name: '#12: a log path that is a directory', log: 'directory', inspect: { code: 1, message: `${RUN}.jsonl: not a run log: it is a directory, not a file` }, spawn: true },
  { name: '#12: 100 KB of binary data with no newline is not called a crash', log: binary(100 * 1024, false), inspect: { code: 1, message: `${L(1)}binary data, not a run log line (102400 bytes with no newline` }, spawn: true },
  { name: 'binary data with newlines', log: binary(100 * 1024, true), inspect: { code: 1, message: /:1: not UTF-8 text \(byte 0x[0-9a-f]{2} at byte \d+ of the line\)/ } },
  { name: 'a byte that is not UTF-8 inside an event', log: Buffer.concat([Buffer.from(text(LINES.slice(0, 2)) + LINES[2]!.slice(0, 30)), Buffer.from([0xc3, 0x28]), Buffer.from(LINES[2]!.slice(30) + '\n' + text(LINES.slice(3)))]), inspect: { code: 1, message: `${L(3)}not UTF-8 text (byte 0xc3 at byte 31 of the line)` } },
  { name: 'a NUL byte inside an event', log: text([LINES[0]!, LINES[1]!.replace('"node.started"', '"node.\u0000started"'), ...LINES.slice(2)]), inspect: { code: 1, message: `${L(2)}not a JSON event (` } },
];

const version: LogCase[] = [
  { name: 'a log written by a newer oe (v2 on line 1)', log: withField(0, 'v', 2), inspect: { code: 1, message: `${L(1)}written by a newer oe (log format v2; this oe reads up to v1) — upgrade oe to read it` }, spawn: true },
  { name: 'a newer format version on a later line', log: withField(2, 'v', 7), inspect: { code: 1, message: `${L(3)}written by a newer oe (log format v7` } },
  { name: 'an event without v', log: edited(1, (e) => delete e.v), inspect: { code: 1, message: `${L(2)}event has no format version "v"` } },
  { name: 'a version that is a string', log: withField(0, 'v', '1'), inspect: { code: 1, message: `${L(1)}event has "v" = "1"; expected a whole number ≥ 1` } },
  { name: 'a version of 0', log: withField(0, 'v', 0), inspect: { code: 1, message: `${L(1)}event has "v" = 0; expected a whole number ≥ 1` } },
];

const typed: LogCase[] = [
  { name: '#12: an output that is a number is refused, not replayed', log: withField(2, 'output', 5), inspect: { code: 1, message: `${L(3)}node.completed event has "output" = 5; expected an object {state_delta: an object, edge_output}` }, spawn: true },
  { name: 'a state_delta that is a list', log: withNested(2, 'output', 'state_delta', []), inspect: { code: 1, message: `${L(3)}node.completed event has "output" = {"state_delta":[],"edge_output":null}` } },
  { name: 'an output without edge_output', log: edited(2, (e) => delete (e.output as Record<string, unknown>).edge_output), inspect: { code: 1, message: `${L(3)}node.completed event has "output"` } },
  { name: 'a seq that is a string', log: withField(1, 'seq', '1'), inspect: { code: 1, message: `${L(2)}event has "seq" = "1"; expected a whole number ≥ 0` } },
  { name: 'a ts that is not a time', log: withField(1, 'ts', 'yesterday'), inspect: { code: 1, message: `${L(2)}event has "ts" = "yesterday"; expected an ISO-8601 time` } },
  { name: 'a ts that is a number', log: withField(1, 'ts', 1700000000000), inspect: { code: 1, message: `${L(2)}event has "ts" = 1700000000000` } },
  { name: 'a runId that is not a UUID', log: text(LINES.map((l) => l.replaceAll(RUN, 'not-a-uuid'))), inspect: { code: 1, message: `${L(1)}event has "runId" = "not-a-uuid"; expected a run id (a UUID)` } },
  { name: 'an unknown event type', log: withField(1, 'type', 'node.exploded'), inspect: { code: 1, message: `${L(2)}unknown event type "node.exploded"` } },
  { name: 'an event type that is a number', log: withField(1, 'type', 42), inspect: { code: 1, message: `${L(2)}unknown event type 42` } },
  { name: 'an event without a type', log: edited(1, (e) => delete e.type), inspect: { code: 1, message: `${L(2)}event has no "type"` } },
  { name: 'a nodeId that is a number', log: withField(1, 'nodeId', 5), inspect: { code: 1, message: `${L(2)}node.started event has "nodeId" = 5; expected a node id` } },
  { name: 'a nodeId that is no node id', log: withField(1, 'nodeId', '../a b'), inspect: { code: 1, message: `${L(2)}node.started event has "nodeId" = "../a b"; expected a node id` } },
  { name: 'an event without its nodeId', log: edited(1, (e) => delete e.nodeId), inspect: { code: 1, message: `${L(2)}node.started event has no "nodeId"` } },
  { name: 'an attempt that is a string', log: withField(1, 'attempt', '1'), inspect: { code: 1, message: `${L(2)}node.started event has "attempt" = "1"; expected a whole number ≥ 1` } },
  { name: 'an attempt of 0', log: withField(1, 'attempt', 0), inspect: { code: 1, message: `${L(2)}node.started event has "attempt" = 0` } },
  { name: 'an inputHash that is an object', log: withField(1, 'inputHash', { h: 1 }), inspect: { code: 1, message: `${L(2)}node.started event has "inputHash" = {"h":1}; expected a string` } },
  { name: 'an iteration index of -1', log: withField(1, 'iteration', { index: -1 }), inspect: { code: 1, message: `${L(2)}node.started event has "iteration" = {"index":-1}` } },
  { name: 'hashParts that are not strings', log: withField(1, 'hashParts', { args: 5 }), inspect: { code: 1, message: `${L(2)}node.started event has "hashParts" = {"args":5}; expected an object of strings` } },
  { name: 'a durationMs that is a string', log: withField(2, 'durationMs', '100'), inspect: { code: 1, message: `${L(3)}node.completed event has "durationMs" = "100"; expected a number of ms ≥ 0` } },
  { name: 'a usage whose tokens are text', log: withField(2, 'usage', { inputTokens: 'many', outputTokens: 1, model: 'm', costUsd: 0 }), inspect: { code: 1, message: `${L(3)}node.completed event has "usage"` } },
  { name: 'a willRetry that is a string', log: edited(2, (e) => Object.assign(e, { type: 'node.failed', attempt: 1, error: { name: 'E', message: 'x' }, willRetry: 'no' })), inspect: { code: 1, message: `${L(3)}node.failed event has "willRetry" = "no"; expected true or false` } },
  { name: 'an error that is a string', log: edited(2, (e) => Object.assign(e, { type: 'node.failed', attempt: 1, error: 'boom', willRetry: false })), inspect: { code: 1, message: `${L(3)}node.failed event has "error" = "boom"; expected an object {name: a string, message: a string}` } },
  { name: 'a fromRunId that is a path', log: edited(2, (e) => Object.assign(e, { type: 'node.cached', fromRunId: '../../etc/passwd' })), inspect: { code: 1, message: `${L(3)}node.cached event has "fromRunId" = "../../etc/passwd"; expected a run id (a UUID)` } },
  { name: 'a node.cached without fromRunId', log: edited(2, (e) => Object.assign(e, { type: 'node.cached' })), inspect: { code: 1, message: `${L(3)}node.cached event has no "fromRunId"` } },
  { name: 'a skip reason that is a number', log: edited(3, (e) => Object.assign(e, { type: 'node.skipped', reason: 7 })), inspect: { code: 1, message: `${L(4)}node.skipped event has "reason" = 7; expected a string` } },
  { name: 'run.started args that are a list', log: withField(0, 'args', []), inspect: { code: 1, message: `${L(1)}run.started event has "args" = []; expected an object` } },
  { name: 'a run.started experience path that is a number', log: withNested(0, 'experience', 'path', 5), inspect: { code: 1, message: `${L(1)}run.started event has "experience"` } },
  { name: 'a run.started definition of null', log: withField(0, 'definition', null), inspect: { code: 1, message: `${L(1)}run.started event has "definition" = null; expected an object` } },
  { name: 'a run.started without options', log: edited(0, (e) => delete e.options), inspect: { code: 1, message: `${L(1)}run.started event has no "options"` } },
  { name: 'a concurrency of 0 in the options', log: withNested(0, 'options', 'concurrency', 0), inspect: { code: 1, message: `${L(1)}run.started event has "options"` } },
  { name: 'a run status that is not one', log: withField(LINES.length - 1, 'status', 'ok'), inspect: { code: 1, message: `${L(LINES.length)}run.completed event has "status" = "ok"; expected one of "success", "failure", "cancelled", "paused"` } },
  { name: 'counts that are a list', log: withField(LINES.length - 1, 'counts', []), inspect: { code: 1, message: `${L(LINES.length)}run.completed event has "counts" = []` } },
  { name: 'a run.paused pending that is a string', log: edited(LINES.length - 1, (e) => Object.assign(e, { type: 'run.paused', reason: 'x', pending: 'a' })), inspect: { code: 1, message: `${L(LINES.length)}run.paused event has "pending" = "a"; expected an array of node ids` } },
];

const size: LogCase[] = [
  { name: 'one 50 MB event is read (and fast: scripts/bench/reader.mjs)', log: () => bigEvent(50 * 1024 * 1024), inspect: { code: 0, message: '' }, inspectOnly: true },
  { name: 'an event over 64 MiB is refused without reading all of it', log: () => bigEvent(65 * 1024 * 1024), inspect: { code: 1, message: `${L(3)}event is larger than 64 MiB, the most a run log line may hold` }, inspectOnly: true },
];

/** Every log case. */
export const LOG_CASES: LogCase[] = [...damaged, ...version, ...typed, ...size];
