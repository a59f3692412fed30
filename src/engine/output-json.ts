// The JSON shape of what a node returned (SPEC §2.3, STYLE §3.5): an object whose state_delta is an
// object and whose every part is JSON, put through a canonical round trip. The tool threads run this
// before sending a result, so it imports nothing heavy; node-result.ts adds the checks against the
// experience (writes, field types and schemas) on the main thread.
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
export function typeName(v: Json): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * The JSON part of checkResult (node-result.ts), which needs nothing but the value (a tool's worker thread
 * runs it before sending the result): the value must be an object whose `state_delta` is an object, and
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

/** Whether the NotJsonError came from serializing `value` (to name the right top-level key). */
function isIn(value: unknown, e: NotJsonError): boolean {
  try {
    roundTrip(value);
    return false;
  } catch (inner) {
    return inner instanceof NotJsonError && inner.path === e.path;
  }
}
