// Issue #10 §1 and §7 through the real CLI: an experience written in OpenExpertise 0.1's format
// (phases, JSON-Schema state fields with $ref, state.store, node args and filters in prompts) validates
// and runs; what validation rejects, run rejects the same way (exit 2, file:line:col, nothing
// written); a write that breaks its field's schema fails the node naming the field and the violation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOe } from '../helpers/cli.js';
import { eventsOf, expectRunInvariants, freshExperiences, runExperience, workspaceUntouched } from '../helpers/experience.js';

const experience = freshExperiences();

const SEED = `export default async function () {
  return { state_delta: { topic: 'caching', angles: [{ name: 'speed' }, { name: 'cost' }] } };
}
`;
const IDEA = `export default async function (input) {
  const idea = input.bad ? { title: 'no idea key' } : { idea: input.$item.name + ' idea', score: input.$index };
  return { state_delta: { ideas: [idea] }, edge_output: input.$item.name };
}
`;

const YAML = `name: oe-format
description: an OpenExpertise 0.1 experience
version: 0.1.0

state:
  store: .openexpertise/state.sqlite
  schema:
    topic: { type: string, minLength: 1 }
    angles: { type: array, items: { type: object, required: [name] } }
    ideas:
      type: array
      merge: array_append
      items: { $ref: '#/$defs/idea' }
      $defs:
        idea: { type: object, required: [idea], properties: { idea: { type: string }, score: { type: number } } }

phases:
  - { id: seed, title: Seed }
  - { id: diverge }

graph:
  nodes:
    - id: load_seed
      kind: tool
      phase: seed
      impl: ./tools/seed.mjs
      writes: [topic, angles]
    - id: diverge
      kind: tool
      phase: diverge
      impl: ./tools/idea.mjs
      args: { bad: false }
      for_each: { source: $.angles, concurrency: 2 }
      reads: [topic]
      writes: [ideas]
  edges:
    - { from: load_seed, to: diverge }
`;

/** The problems main.ts printed on stderr (json format: one line with `problems`). */
function problemsOf(stderr: string): string[] {
  const line = stderr.split('\n').find((l) => l.includes('"problems"'));
  expect(line, `stderr has no problems line:\n${stderr}`).toBeDefined();
  return (JSON.parse(line!) as { problems: string[] }).problems;
}

describe('#10: an OpenExpertise 0.1 experience through oe validate and oe run', () => {
  it('validates and runs: phases, $ref fields, state.store, for_each with array_append', async () => {
    const ws = experience(YAML, { 'tools/seed.mjs': SEED, 'tools/idea.mjs': IDEA });
    const v = await runOe(['--log-format', 'json', 'validate', 'exp'], { cwd: ws.root });
    expect(v.code, v.stderr).toBe(0);
    const r = await runExperience(ws);
    expectRunInvariants(r);
    expect(r.last!.finalState).toEqual({ topic: 'caching', angles: [{ name: 'speed' }, { name: 'cost' }], ideas: [{ idea: 'speed idea', score: 0 }, { idea: 'cost idea', score: 1 }] });

    // Phases are groups in inspect (--json, the pretty table) and in the HTML report.
    const runId = r.last!.runId;
    const j = await runOe(['inspect', runId, '--json'], { cwd: ws.root });
    const summary = JSON.parse(j.stdout) as { phases: unknown; nodes: Array<{ nodeId: string; phase?: string }> };
    expect(summary.phases).toEqual([
      { id: 'seed', title: 'Seed', nodes: ['load_seed'], counts: { executed: 1, cached: 0, failed: 0, skipped: 0, notRun: 0 } },
      { id: 'diverge', title: 'diverge', nodes: ['diverge'], counts: { executed: 1, cached: 0, failed: 0, skipped: 0, notRun: 0 } },
    ]);
    expect(summary.nodes.map((n) => n.phase)).toEqual(['seed', 'diverge']);
    const pretty = await runOe(['--log-format', 'pretty', 'inspect', runId], { cwd: ws.root });
    expect(pretty.stdout).toMatch(/NODE\s+PHASE\s+KIND/);
    expect(pretty.stdout).toContain('phases      Seed (seed): 1 node — 1 executed');
    const html = await runOe(['inspect', runId, '--html', 'report.html'], { cwd: ws.root });
    expect(html.code, html.stderr).toBe(0);
    const page = readFileSync(join(ws.root, 'report.html'), 'utf8');
    expect(page).toContain('<tr class="phase" data-phase="seed"><th colspan="9">phase Seed (seed): 1 node — 1 executed</th></tr>');
    expect(page).toContain('data-node="diverge" data-status="completed" data-execution="executed" data-phase="diverge"');
    expect(page).toMatch(/<text class="phase"[^>]*>seed<\/text>/);
  });

  it("a write that breaks its field's schema fails the node, naming the field and the violation", async () => {
    const ws = experience(YAML.replace('args: { bad: false }', 'args: { bad: true }'), { 'tools/seed.mjs': SEED, 'tools/idea.mjs': IDEA });
    const r = await runExperience(ws);
    expectRunInvariants(r);
    expect(r.code).toBe(1);
    const failed = eventsOf(r, 'node.failed', 'diverge').filter((e) => e.iteration?.index === 0)[0]!;
    expect(failed.error).toEqual({ name: 'NodeResultError', message: 'node diverge wrote state field "ideas" that does not match its schema: ideas[0]: Instance does not have required property "idea".' });
  });

  it.each([
    ['an unknown filter', YAML.replace('reads: [topic]', 'reads: [topic]\n    - id: ask\n      kind: agent\n      prompt: "About {{topic|upper}}"\n      reads: [topic]'), 'exp/experience.yaml:37:30: node "ask": prompt: unknown filter "upper" in {{topic|upper}}; filters are length, json'],
    ['an undeclared phase', YAML.replace('phase: diverge\n', 'phase: divrge\n'), 'exp/experience.yaml:30:14: node "diverge": phase "divrge" is not declared in phases (seed, diverge) (did you mean "diverge"?)'],
    ['a $ref to nothing', YAML.replace("$ref: '#/$defs/idea'", "$ref: '#/$defs/ideas'"), 'exp/experience.yaml:13:22: state field "ideas": $ref "#/$defs/ideas" points at nothing in the schema'],
  ])('validate and run agree on %s: exit 2, file:line:col, nothing written', async (_what, yaml, problem) => {
    const ws = experience(yaml, { 'tools/seed.mjs': SEED, 'tools/idea.mjs': IDEA });
    for (const cmd of ['validate', 'run']) {
      const r = await runOe(['--log-format', 'json', cmd, 'exp'], { cwd: ws.root });
      expect(r.code, r.stderr).toBe(2);
      expect(problemsOf(r.stderr)).toEqual([problem]);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    expect(workspaceUntouched(ws)).toBe(true);
  });
});
