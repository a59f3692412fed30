// Checks what a node returned (SPEC §2.3) and puts it in its one shape (STYLE §3.5): a JSON value
// after a canonical round trip, with only declared `writes` in its state delta.
import { hasType } from '../experience/args.js';
import type { NodeDef, StateField } from '../experience/types.js';
import type { NodeOutput, Usage } from '../log/events.js';
import { NotJsonError, roundTrip, type Json } from '../util/canonical-json.js';
import { stateDeltaViolation } from './state-check.js';

/** A node returned something that is not a valid result; the node fails with this. */
export class NodeResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeResultError';
  }
}

/** Describes a JSON value's type for error messages. */
function typeName(v: Json): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * Turns a node's raw return value into its output. `null`/`undefined` is an empty result.
 * @throws {NodeResultError} when the value is not an object, is not JSON (naming the path), writes
 *   a field not in `writes`, writes a value of the wrong declared type (an `array_append` field
 *   also takes a single element), or a value its field's JSON-Schema keywords reject (state-check.ts).
 */
export function checkResult(node: NodeDef, raw: unknown, schema: Readonly<Record<string, StateField>>): { output: NodeOutput; usage?: Usage } {
  if (raw === undefined || raw === null) return { output: { state_delta: {}, edge_output: null } };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new NodeResultError(`node ${node.id} returned ${Array.isArray(raw) ? 'an array' : typeof raw}; expected an object { state_delta?, edge_output?, metrics? }`);
  }
  const r = raw as { state_delta?: unknown; edge_output?: unknown; usage?: Usage };
  let delta: { [k: string]: Json };
  let edge: Json;
  try {
    delta = r.state_delta === undefined || r.state_delta === null ? {} : roundTrip<{ [k: string]: Json }>(r.state_delta);
    edge = r.edge_output === undefined ? null : roundTrip(r.edge_output);
  } catch (e) {
    if (e instanceof NotJsonError) {
      const path = e.path.replace(/^\$/, r.state_delta !== undefined && isIn(r.state_delta, e) ? 'state_delta' : 'edge_output');
      throw new NodeResultError(`node ${node.id} returned a value that is not JSON: ${path} is ${e.reason}`);
    }
    throw e;
  }
  if (typeof delta !== 'object' || Array.isArray(delta)) throw new NodeResultError(`node ${node.id}: state_delta must be an object, not ${typeName(delta as Json)}`);
  for (const [field, value] of Object.entries(delta)) {
    if (!node.writes.includes(field)) {
      throw new NodeResultError(`node ${node.id} wrote state field "${field}", which is not in its writes [${node.writes.join(', ')}]`);
    }
    const decl = schema[field];
    if (decl && !hasType(value, decl.type) && decl.merge !== 'array_append') {
      throw new NodeResultError(`node ${node.id} wrote ${typeName(value)} to state field "${field}", declared as ${decl.type}`);
    }
  }
  const violation = stateDeltaViolation(delta, schema);
  if (violation) throw new NodeResultError(`node ${node.id} wrote state field "${violation.field}" that does not match its schema: ${violation.message}`);
  return { output: { state_delta: delta, edge_output: edge }, ...(r.usage ? { usage: r.usage } : {}) };
}

/** Whether the NotJsonError came from serializing `value` (to name the right top-level key). */
function isIn(value: unknown, e: NotJsonError): boolean {
  try {
    roundTrip(value);
    return false;
  } catch (inner) {
    return inner instanceof NotJsonError && inner.path === e.path;
  }
}
