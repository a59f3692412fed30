// The experience the crash fuzzer interrupts (issue #12 §1): ~100 nodes — five chains of eight
// crossed by eight fan-ins, a fan-out of 30 gathered by five group fan-ins, a `for_each` of 20
// items, a tail chain — every one a tool that sleeps a little (per node, from the trial's seed) and
// records each execution in a side file. Pure: it returns the files to write.

/** The side file, in the experience directory, where every tool execution appends one JSON line. */
export const EXECUTIONS_FILE = 'executions.jsonl';

/** The number of items the `for_each` node fans out over. */
export const ITEMS = 20;

const CHAINS = 5;
const CHAIN_LENGTH = 8;
const WIDE = 30;
const GROUP = 6;
const TAIL = 8;

/** One node of the graph, before it becomes YAML. */
interface NodeSpec {
  id: string;
  from: string[];
  writes: string[];
  forEach?: boolean;
}

/** The nodes of the graph in declaration order, with their predecessors. */
export function crashNodes(): NodeSpec[] {
  const nodes: NodeSpec[] = [{ id: 'root', from: [], writes: ['trail'] }];
  for (let c = 0; c < CHAINS; c++) {
    for (let i = 0; i < CHAIN_LENGTH; i++) nodes.push({ id: `c${c}_${i}`, from: [i === 0 ? 'root' : `c${c}_${i - 1}`], writes: ['trail'] });
  }
  for (let i = 0; i < CHAIN_LENGTH; i++) nodes.push({ id: `x_${i}`, from: Array.from({ length: CHAINS }, (_, c) => `c${c}_${i}`), writes: ['trail'] });
  nodes.push({ id: 'xs', from: Array.from({ length: CHAIN_LENGTH }, (_, i) => `x_${i}`), writes: ['trail'] });
  nodes.push({ id: 'hub', from: ['root'], writes: ['trail'] });
  for (let w = 0; w < WIDE; w++) nodes.push({ id: `w_${w}`, from: ['hub'], writes: ['trail'] });
  for (let g = 0; g < WIDE / GROUP; g++) nodes.push({ id: `g_${g}`, from: Array.from({ length: GROUP }, (_, k) => `w_${g * GROUP + k}`), writes: ['trail'] });
  nodes.push({ id: 'gw', from: Array.from({ length: WIDE / GROUP }, (_, g) => `g_${g}`), writes: ['trail'] });
  nodes.push({ id: 'items', from: ['root'], writes: ['items', 'trail'] });
  nodes.push({ id: 'each', from: ['items'], writes: ['trail'], forEach: true });
  nodes.push({ id: 'each_sum', from: ['each'], writes: ['trail'] });
  nodes.push({ id: 'total', from: ['xs', 'gw', 'each_sum', ...Array.from({ length: CHAINS }, (_, c) => `c${c}_${CHAIN_LENGTH - 1}`)], writes: ['trail', 'total'] });
  for (let t = 0; t < TAIL; t++) nodes.push({ id: `t_${t}`, from: [t === 0 ? 'total' : `t_${t - 1}`], writes: t === TAIL - 1 ? ['trail', 'done'] : ['trail'] });
  return nodes;
}

/**
 * The files of the experience: `experience.yaml` and `tools/step.mjs`. `sleepMs(i)` is the sleep of
 * the i-th node in declaration order (of each of its iterations, for the `for_each` node).
 */
export function crashExperience(sleepMs: (index: number) => number): { [rel: string]: string } {
  const nodes = crashNodes();
  const yaml: string[] = [
    'name: crash-fuzz',
    'version: 1.0.0',
    'description: The graph the crash fuzzer interrupts (test/crash)',
    'state:',
    '  schema:',
    '    trail: { type: array, merge: array_append }',
    '    items: { type: array, merge: last_wins }',
    '    total: { type: string, merge: last_wins }',
    '    done: { type: boolean, merge: set_once }',
    'graph:',
    '  nodes:',
  ];
  nodes.forEach((n, i) => {
    yaml.push(`    - id: ${n.id}`, '      kind: tool', '      impl: tools/step.mjs', `      writes: [${n.writes.join(', ')}]`, `      args: { sleep: ${sleepMs(i)} }`);
    if (n.forEach) yaml.push('      reads: [items]', '      for_each: { source: $.items, concurrency: 4 }');
  });
  yaml.push('  edges:');
  for (const n of nodes) for (const f of n.from) yaml.push(`    - { from: ${f}, to: ${n.id} }`);
  yaml.push('runtime:', '  concurrency: 4', '');
  return { 'experience.yaml': yaml.join('\n'), 'tools/step.mjs': STEP_TOOL };
}

/**
 * The one tool module: appends `{runId, unit}` (unit: `node` or `node[index]`, as units.ts names them) to EXECUTIONS_FILE before anything else (an execution
 * counts from its start), sleeps `input.sleep` ms honouring ctx.signal, and returns a value derived
 * only from its node id, item and edge inputs (FNV-1a), so the final state depends on nothing a
 * crash or a schedule can change. `items` also writes the ITEMS items; `total` and the last tail
 * node write `total` and `done`.
 */
const STEP_TOOL = `import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
const fnv = (s) => { let h = 0x811c9dc5; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0; return h.toString(16).padStart(8, '0'); };
export default async function (input, ctx) {
  const unit = ctx.nodeId + (ctx.iteration ? '[' + ctx.iteration.index + ']' : '');
  appendFileSync(join(ctx.experienceDir, '${EXECUTIONS_FILE}'), JSON.stringify({ runId: ctx.runId, unit }) + '\\n');
  if (input.sleep > 0) await sleep(input.sleep, undefined, { signal: ctx.signal });
  const edges = input._edge_inputs ?? {};
  const v = fnv(unit + '|' + JSON.stringify(Object.keys(edges).sort().map((k) => [k, edges[k]])) + '|' + JSON.stringify(input.$item ?? null));
  const delta = { trail: [{ unit, v }] };
  if (ctx.nodeId === 'items') delta.items = Array.from({ length: ${ITEMS} }, (_, i) => ({ i, tag: fnv('item' + i) }));
  if (ctx.nodeId === 'total') delta.total = v;
  if (ctx.nodeId === 't_${TAIL - 1}') delta.done = true;
  return { state_delta: delta, edge_output: { v } };
}
`;
