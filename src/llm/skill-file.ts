// Reading a SKILL.md: YAML front matter between `---` lines, then a Markdown body (the system prompt).
import { parse as parseYaml } from 'yaml';
import type { Json } from '../util/canonical-json.js';
import { LlmOutputError } from './llm-errors.js';

/** A parsed SKILL.md. */
export interface SkillFile {
  /** The front matter's `name`, when given. */
  name?: string;
  description?: string;
  /**
   * Optional JSON Schema (an object schema). When present the skill answers with a tool call whose
   * input must match it, and that object is the node's state delta, as an agent node's `schema`.
   */
  schema?: { [key: string]: Json };
  /** The body after the front matter, trimmed: the system prompt. */
  body: string;
}

const FRONT = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * Parses a SKILL.md's text. A file without front matter is all body. Unknown front-matter keys are
 * kept out of the result (skills written for other tools carry their own keys).
 * @throws {LlmOutputError} for front matter that is not a YAML mapping, a non-object `schema`, or an
 *   empty body.
 */
export function parseSkillFile(text: string, file: string): SkillFile {
  const m = FRONT.exec(text);
  let meta: Record<string, unknown> = {};
  if (m) {
    let parsed: unknown;
    try {
      parsed = parseYaml(m[1]!);
    } catch (err) {
      throw new LlmOutputError(`${file}: front matter is not valid YAML: ${(err as Error).message}`);
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new LlmOutputError(`${file}: front matter must be a YAML mapping`);
      meta = parsed as Record<string, unknown>;
    }
  }
  const body = (m ? text.slice(m[0].length) : text).trim();
  if (!body) throw new LlmOutputError(`${file}: the body (the skill's instructions, after the front matter) is empty`);
  const schema = meta['schema'];
  if (schema !== undefined && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw new LlmOutputError(`${file}: front matter "schema" must be a JSON Schema object`);
  }
  const str = (k: string) => (typeof meta[k] === 'string' ? (meta[k] as string) : undefined);
  return { name: str('name'), description: str('description'), schema: schema as SkillFile['schema'], body };
}
