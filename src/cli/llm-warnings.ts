// Prints the LLM nodes' validation warnings (issue #15 §6) on stderr, as `file:line:col: warning: …`
// when the experience file is at hand. Used by `oe validate` and before every run.
import { readFile } from 'node:fs/promises';
import type { Experience } from '../experience/types.js';
import type { Output } from './output.js';

/**
 * Prints one stderr line per warning; returns how many. `file` (absolute) locates them; `label` is
 * how the file is named in the line.
 */
export async function printLlmWarnings(output: Output, experience: Experience, llm: { provider: string; defaultModel: string }, where?: { file: string; label: string }): Promise<number> {
  if (!experience.graph.nodes.some((n) => n.kind === 'agent' || n.kind === 'skill')) return 0;
  const [{ llmWarnings }, { strictProblem }] = await Promise.all([import('../llm/node-warnings.js'), import('../llm/strict-schema.js')]);
  const warnings = llmWarnings(experience, llm, await strictProblem());
  if (warnings.length === 0) return 0;
  let locate: ((path: Array<string | number>) => { line: number; col: number } | undefined) | undefined;
  if (where) {
    const { parseExperienceYaml } = await import('../experience/load-experience.js');
    const parsed = parseExperienceYaml(await readFile(where.file, 'utf8'), where.label);
    locate = (path) => parsed.locate(path, { key: true });
  }
  for (const w of warnings) {
    const pos = locate?.(w.path);
    const at = where ? `${where.label}${pos ? `:${pos.line}:${pos.col}` : ''}: ` : '';
    output.err.warn({ nodeId: w.nodeId }, `${at}warning: ${w.message}`);
  }
  return warnings.length;
}
