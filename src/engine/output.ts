// Checks what a node returned (SPEC §2.3) and puts it in its one shape (STYLE §3.5): a JSON value
// after a canonical round trip, with only declared `writes` in its state delta.
import { hasType } from '../experience/args.js';
import type { NodeDef, StateField } from '../experience/types.js';
import type { NodeOutput, Usage } from '../log/events.js';
import { NotJsonError, roundTrip, type Json } from '../util/canonical-json.js';

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
 * Turns a node's raw return value into its output: checks its JSON shape and the node's `writes`.
 * `null`/`undefined` is an empty result.
 * @throws {NodeResultError} as jsonOutput and checkWrites.
 */
export function checkResult(node: NodeDef, raw: unknown, schema: Readonly<Record<string, StateField>>): { output: NodeOutput; usage?: Usage } {
  const result = jsonOutput(node.id, raw);
  checkWrites(node, result.output, schema);
  return result;
}

/**
 * The JSON part of checkResult, which needs nothing but the value (a tool's worker thread runs it
 * before sending the result): the value must be an object whose `state_delta` is an object, and
 * everything in it JSON; the result is put through a canonical round trip (STYLE §3.5).
 * @throws {NodeResultError} when the value is not an object, or is not JSON (naming the path).
 */
export function jsonOutput(nodeId: string, raw: unknown): { output: NodeOutput; usage?: Usage } {
  if (raw === undefined || raw === null) return { output: { state_delta: {}, edge_output: null } };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new NodeResultError(`node ${nodeId} returned ${Array.isArray(raw) ? 'an array' : typeof raw}; expected an object { state_delta?, edge_output?, metrics? }`);
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
      throw new NodeResultError(`node ${nodeId} returned a value that is not JSON: ${path} is ${e.reason}`);
    }
    throw e;
  }
  if (typeof delta !== 'object' || Array.isArray(delta)) throw new NodeResultError(`node ${nodeId}: state_delta must be an object, not ${typeName(delta as Json)}`);
  return { output: { state_delta: delta, edge_output: edge }, ...(r.usage ? { usage: r.usage } : {}) };
}

/**
 * Checks an output against the node's `writes` and each field's declared type (an `array_append`
 * field also takes a single element).
 * @throws {NodeResultError} naming the field.
 */
export function checkWrites(node: NodeDef, output: NodeOutput, schema: Readonly<Record<string, StateField>>): void {
  for (const [field, value] of Object.entries(output.state_delta)) {
    if (!node.writes.includes(field)) {
      throw new NodeResultError(`node ${node.id} wrote state field "${field}", which is not in its writes [${node.writes.join(', ')}]`);
    }
    const decl = schema[field];
    if (decl && !hasType(value, decl.type) && decl.merge !== 'array_append') {
      throw new NodeResultError(`node ${node.id} wrote ${typeName(value)} to state field "${field}", declared as ${decl.type}`);
    }
  }
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
