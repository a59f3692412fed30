// Checks what a node returned (SPEC §2.3) and puts it in its one shape (STYLE §3.5): a JSON value
// after a canonical round trip, with only declared `writes` in its state delta.
import { hasType } from '../experience/args.js';
import type { NodeDef, StateField } from '../experience/types.js';
import type { NodeOutput, Usage } from '../log/events.js';
import { jsonOutput, NodeResultError, typeName } from './output-json.js';
import { stateDeltaViolation } from './state-check.js';

export { jsonOutput, NodeResultError } from './output-json.js';

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
 * Checks an output against the node's `writes`, each field's declared type (an `array_append`
 * field also takes a single element) and its JSON-Schema keywords (state-check.ts).
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
  const violation = stateDeltaViolation(output.state_delta, schema);
  if (violation) throw new NodeResultError(`node ${node.id} wrote state field "${violation.field}" that does not match its schema: ${violation.message}`);
}

