// The shape of every event field (SPEC §3, events.ts), checked once when a line is read (STYLE §3.7:
// parse at the edge, trust inside). Issue #12: an `"output": 5` used to be accepted and replayed, so
// later nodes failed with confusing errors; now the reader names the line and the field.
import { NODE_ID_RE, isRunId } from '../util/ids.js';
import { quote } from '../util/quote.js';
import type { Envelope, EventOf, EventType } from './events.js';

/** A check of one field's value, with what it expects in words. `optional` fields may be absent. */
interface Field {
  test: (v: unknown) => boolean;
  expected: string;
  optional?: true;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';
const optNum = (v: unknown): boolean => v === undefined || isNum(v);
function allStrings(o: Obj): boolean {
  for (const k in o) if (typeof o[k] !== 'string') return false;
  return true;
}
/** `2026-01-01T00:00:00.000Z` or with an offset: the separators at their places (cheaper than a regex per event). */
function isIsoTime(v: unknown): boolean {
  if (typeof v !== 'string' || v.length < 20 || v.length > 35) return false;
  const last = v.charCodeAt(v.length - 1);
  return v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45 && v.charCodeAt(10) === 84 && v.charCodeAt(13) === 58 && v.charCodeAt(16) === 58 && (last === 90 || (last >= 48 && last <= 57));
}

const field = (test: Field['test'], expected: string): Field => ({ test, expected });
const optional = (f: Field): Field => ({ ...f, optional: true });

const string = field(isStr, 'a string');
const count = field(isCount, 'a whole number ≥ 0');
const attempt = field((v) => Number.isSafeInteger(v) && (v as number) >= 1, 'a whole number ≥ 1');
const ms = field((v) => isNum(v) && v >= 0, 'a number of ms ≥ 0');
const bool = field((v) => typeof v === 'boolean', 'true or false');
const object = field(isObj, 'an object');
const runId = field((v) => isStr(v) && isRunId(v), 'a run id (a UUID)');
const nodeId = field((v) => isStr(v) && NODE_ID_RE.test(v), 'a node id');
const nodeIds = field((v) => Array.isArray(v) && v.every((x) => isStr(x) && NODE_ID_RE.test(x)), 'an array of node ids');
const hashParts = field((v) => isObj(v) && allStrings(v), 'an object of strings');
const iteration = field((v) => isObj(v) && isCount(v.index), 'an object {index: a whole number ≥ 0}');
const output = field((v) => isObj(v) && isObj(v.state_delta) && v.edge_output !== undefined, 'an object {state_delta: an object, edge_output}');
const errorRecord = field((v) => isObj(v) && isStr(v.name) && isStr(v.message), 'an object {name: a string, message: a string}');
const usage = field(
  (v) => isObj(v) && isNum(v.inputTokens) && isNum(v.outputTokens) && isStr(v.model) && (v.costUsd === null || isNum(v.costUsd)) && optNum(v.cacheReadTokens) && optNum(v.cacheWriteTokens),
  'an object {inputTokens, outputTokens, model, costUsd}',
);
const experience = field((v) => isObj(v) && isStr(v.name) && isStr(v.version) && isStr(v.path) && isStr(v.sha256), 'an object {name, version, path, sha256} of strings');
const options = field(
  (v) =>
    isObj(v) &&
    (v.concurrency === undefined || attempt.test(v.concurrency)) &&
    (v.llm === undefined || isStr(v.llm)) &&
    (v.pid === undefined || isCount(v.pid)) &&
    (v.host === undefined || isStr(v.host)) &&
    (v.processStart === undefined || isStr(v.processStart)),
  'an object {concurrency: a whole number ≥ 1, llm, pid?, host?, processStart?}',
);
const RUN_STATUSES: readonly unknown[] = ['success', 'failure', 'cancelled', 'paused'];
const status = field((v) => RUN_STATUSES.includes(v), 'one of "success", "failure", "cancelled", "paused"');
const counts = field((v) => isObj(v) && isCount(v.completed) && isCount(v.cached) && isCount(v.failed) && isCount(v.skipped), 'an object {completed, cached, failed, skipped} of whole numbers');
const runUsage = field(
  (v) => isObj(v) && ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'costUsd'].every((k) => isNum(v[k])) && (v.incomplete === undefined || v.incomplete === true),
  'an object {inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd} of numbers (incomplete?: true)',
);
const runError = field((v) => errorRecord.test(v) && ((v as Obj).nodeId === undefined || isStr((v as Obj).nodeId)), 'an object {name, message, nodeId?}');
const budgetStop = field(
  (v) => isObj(v) && isNum(v.maxCostUsd) && isNum(v.spentUsd) && isStr(v.nodeId) && isNum(v.needUsd),
  'an object {maxCostUsd, spentUsd, nodeId, needUsd}',
);
const httpStatus = field((v) => v === null || Number.isSafeInteger(v), 'an HTTP status or null');

/** Every field of each event type beyond the envelope: the compiler makes each new field list its check. */
type Shapes = { [T in EventType]: { [K in Exclude<keyof EventOf<T>, keyof Envelope | 'type'>]-?: Field } };
const SHAPES: Shapes = {
  'run.started': { args: object, experience, definition: object, resumedFrom: optional(runId), parentRunId: optional(runId), parentNodeId: optional(nodeId), options, oeVersion: optional(string) },
  'node.started': { nodeId, iteration: optional(iteration), inputHash: string, hashParts: optional(hashParts), attempt, childRunId: optional(runId) },
  'node.completed': { nodeId, iteration: optional(iteration), inputHash: string, output, durationMs: ms, usage: optional(usage) },
  'node.cached': {
    nodeId,
    iteration: optional(iteration),
    inputHash: string,
    output,
    fromRunId: runId,
    hashParts: optional(hashParts),
    savedDurationMs: optional(ms),
    savedUsage: optional(usage),
  },
  'node.failed': { nodeId, iteration: optional(iteration), inputHash: string, attempt, error: errorRecord, willRetry: bool, durationMs: optional(ms), usage: optional(usage) },
  'node.retrying': { nodeId, iteration: optional(iteration), attempt, status: optional(httpStatus), waitMs: ms, reason: optional(string), retry: optional(count), requestId: optional(string) },
  'node.skipped': { nodeId, reason: string },
  'gate.waiting': { nodeId, message: string, options: field((v) => Array.isArray(v) && v.length > 0 && v.every(isStr), 'a non-empty array of strings'), arg: string },
  'run.paused': { reason: string, pending: nodeIds, budget: optional(budgetStop) },
  'run.completed': { status, durationMs: ms, counts, usage: optional(runUsage), saved: optional(runUsage), error: optional(runError) },
};

const ENVELOPE: { [K in keyof Envelope]-?: Field } = {
  v: field((v) => Number.isSafeInteger(v) && (v as number) >= 1, 'a whole number ≥ 1'),
  seq: count,
  ts: field(isIsoTime, 'an ISO-8601 time such as "2026-01-01T00:00:00.000Z"'),
  runId,
};

/** A shape as parallel arrays, walked with an index (the hot path: every line of every log read). */
interface Compiled {
  keys: string[];
  fields: Field[];
}
const compile = (shape: object): Compiled => ({ keys: Object.keys(shape), fields: Object.values(shape) as Field[] });
const ENVELOPE_FIELDS = compile(ENVELOPE);
const SHAPE_FIELDS = Object.fromEntries(Object.entries(SHAPES).map(([t, shape]) => [t, compile(shape)])) as { readonly [T in EventType]: Compiled };

/** A field's value in a message: JSON, cut to 60 characters. */
function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length <= 60 ? text : `${text.slice(0, 60)}…`;
}

/**
 * What is wrong with an event object of a known `type`, in one sentence, or undefined when every
 * field has its type. Checks the envelope, every required field, and every optional one present.
 * @param knownRunId a run id already checked (the log's own): an equal `runId` is not tested again.
 */
export function eventShapeProblem(ev: Obj, type: EventType, knownRunId?: string): string | undefined {
  const env = ENVELOPE_FIELDS;
  for (let i = 0; i < env.keys.length; i++) {
    const key = env.keys[i]!;
    const f = env.fields[i]!;
    if (key === 'runId' && knownRunId !== undefined && ev.runId === knownRunId) continue;
    if (!f.test(ev[key])) return `event has "${key}" = ${shown(ev[key])}; expected ${f.expected}`;
  }
  const shape = SHAPE_FIELDS[type];
  for (let i = 0; i < shape.keys.length; i++) {
    const key = shape.keys[i]!;
    const f = shape.fields[i]!;
    const v = ev[key];
    if (v === undefined) {
      if (f.optional) continue;
      return `${type} event has no "${key}"`;
    }
    if (!f.test(v)) return `${type} event has "${key}" = ${shown(v)}; expected ${f.expected}`;
  }
  return undefined;
}

/** Quotes an unknown `type` for a message. */
export function shownType(v: unknown): string {
  return typeof v === 'string' ? quote(v) : shown(v);
}

