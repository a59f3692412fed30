// Pipelines and loops (issue #10 §1) through the real CLI: an OpenExpertise file with both
// validates, runs with real tool threads, and resumes fully cached. Their scheduling and resume
// mid-way are tested in-process in test/engine/run-groups.test.ts.
import { describe, expect, it } from 'vitest';
import { runOe } from '../helpers/cli.js';
import { eventsOf, freshExperiences, runChecked } from '../helpers/experience.js';
import { readLogEvents } from '../helpers/resume.js';

const experience = freshExperiences();

const YAML = `
name: groups
version: 1.0.0
state:
  schema:
    words: { type: array }
    shouted: { type: array, merge: array_append }
    n: { type: integer }
graph:
  nodes:
    - { id: seed, kind: tool, impl: tools/trace.mjs, args: { delta: { words: [hi, yo], n: 0 } }, writes: [words, n] }
    - { id: upper, kind: tool, impl: tools/upper.mjs }
    - { id: bang, kind: tool, impl: tools/bang.mjs, writes: [shouted] }
    - { id: count, kind: tool, impl: tools/count.mjs, reads: [n], writes: [n] }
  edges:
    - { from: seed, to: upper }
    - { from: bang, to: count }
  pipelines:
    - { id: shout, items: $.words, stages: [upper, bang] }
  loops:
    - { id: up, body: count, until: "$.n >= 2" }
`;
const FILES = {
  'tools/upper.mjs': 'export default async (i) => ({ edge_output: String(i.$item).toUpperCase() });',
  'tools/bang.mjs': 'export default async (i) => ({ state_delta: { shouted: [i._edge_inputs.upper + "!"] } });',
  'tools/count.mjs': 'export default async (i) => ({ state_delta: { n: i._state.n + 1 } });',
};

describe('oe run: pipelines and loops', () => {
  it('#10: validates, runs and resumes an experience with a pipeline and a loop', async () => {
    const ws = experience(YAML, FILES);
    expect((await runOe(['validate', 'exp'], { cwd: ws.root })).code).toBe(0);
    const r = await runChecked(ws);
    expect(r.code).toBe(0);
    expect(r.last!.finalState).toEqual({ words: ['hi', 'yo'], shouted: ['HI!', 'YO!'], n: 2 });
    expect(eventsOf(r, 'node.completed').filter((e) => e.iteration).map((e) => `${e.nodeId}[${e.iteration!.index}]`)).toEqual(['upper[0]', 'bang[0]', 'upper[1]', 'bang[1]', 'count[0]', 'count[1]']);
    const res = await runOe(['--log-format', 'json', 'resume', r.events[0]!.runId], { cwd: ws.root });
    expect(res.code).toBe(0);
    const resumed = readLogEvents(ws.root, res.lines.at(-1)!.runId as string);
    expect(resumed.filter((e) => e.type === 'node.started')).toEqual([]);
    expect(res.lines.at(-1)).toMatchObject({ status: 'success', finalState: r.last!.finalState });
  });
});
