// The run args that carry gates' verdicts (issue #11 §1): an arg named after a gate is its verdict,
// accepted whatever the experience's `inputs` declare, and must be one of the gate's options. Pure.
import type { Json } from '../util/canonical-json.js';
import type { Problem } from '../util/errors.js';
import type { Experience, GateNode } from './types.js';
import { ARGS_FILE } from './args.js';

/** The gates of an experience, by id. */
export function gatesOf(exp: Experience): Map<string, GateNode> {
  return new Map(exp.graph.nodes.filter((n): n is GateNode => n.kind === 'gate').map((n) => [n.id as string, n]));
}

/**
 * Splits run args into the gates' verdicts and the rest (the rest go through `inputs`), checking each
 * verdict is one of its gate's options.
 */
export function splitVerdicts(exp: Experience, args: { [name: string]: Json }): { verdicts: { [gate: string]: string }; rest: { [name: string]: Json }; problems: Problem[] } {
  const gates = gatesOf(exp);
  const verdicts: { [gate: string]: string } = {};
  const rest: { [name: string]: Json } = {};
  const problems: Problem[] = [];
  for (const [k, v] of Object.entries(args)) {
    const gate = gates.get(k);
    if (!gate || Object.hasOwn(exp.inputs, k)) {
      // defineProperty: an arg named `__proto__` stays an own key, for resolveArgs to refuse.
      Object.defineProperty(rest, k, { value: v, enumerable: true, writable: true, configurable: true });
      continue;
    }
    if (typeof v !== 'string' || !gate.options.includes(v)) {
      problems.push({ file: ARGS_FILE, message: `${k}: the verdict of gate ${k} must be one of ${gate.options.join(', ')}, not ${JSON.stringify(v)}` });
      continue;
    }
    verdicts[k] = v;
  }
  return { verdicts, rest, problems };
}
