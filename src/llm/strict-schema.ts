// Whether a node's schema can be a strict tool's input_schema: the SDK's transform
// (`transformJSONSchema`) decides, as structured.ts uses it. Loads only that SDK helper.
import type { Json } from '../util/canonical-json.js';

/** A checker returning the transform's reason for refusing `schema`, or undefined when it can be strict. */
export async function strictProblem(): Promise<(schema: { [k: string]: Json }) => string | undefined> {
  const { transformJSONSchema } = await import('@anthropic-ai/sdk/lib/transform-json-schema');
  return (schema) => {
    try {
      transformJSONSchema(schema);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
}
