// Issue #10 §1: a skill node in OpenExpertise's format — `schema` on the node (it wins over the
// SKILL.md front matter's) and `inputs`, which are the skill's args.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExperienceYaml } from '../../src/experience/load-experience.js';
import { validateExperience } from '../../src/experience/validate-experience.js';
import { runner } from '../../src/nodes/skill.js';
import { formatProblem } from '../../src/util/errors.js';
import { FakeAnthropic, toolReply } from '../helpers/fake-anthropic.js';
import { nodeContext, skillNode } from '../llm/context.js';

const KEY = 'sk-ant-skill-key';
let fake: FakeAnthropic;
let dir: string;

beforeEach(async () => {
  fake = await FakeAnthropic.start({ expectedKey: KEY });
  dir = mkdtempSync(join(tmpdir(), 'oe-skill-oe-'));
});
afterEach(async () => {
  await fake.stop();
});

function validate(node: string) {
  const yaml = `name: s\nversion: 0.1.0\nstate:\n  schema:\n    summary: { type: string }\ngraph:\n  nodes:\n${node}\n  edges: []\n`;
  const parsed = parseExperienceYaml(yaml, 'x/experience.yaml');
  const r = validateExperience(parsed.value, { file: 'x/experience.yaml', dir: '/virtual/x', locate: parsed.locate });
  return { ...r, lines: r.problems.map(formatProblem) };
}

describe('#10: skill nodes in OpenExpertise format', () => {
  it("validates inputs (merged into args) and a node schema whose properties are the node's writes", () => {
    const r = validate('    - id: sk\n      kind: skill\n      impl: SKILL.md\n      inputs: { tone: dry }\n      args: { depth: 2 }\n      schema: { type: object, properties: { summary: { type: string } } }\n      writes: [summary]');
    expect(r.lines).toEqual([]);
    expect(r.experience!.graph.nodes[0]).toMatchObject({ args: { tone: 'dry', depth: 2 }, schema: { type: 'object' } });
    expect(r.experience!.graph.nodes[0]).not.toHaveProperty('inputs');
    const bad = validate('    - id: sk\n      kind: skill\n      impl: SKILL.md\n      inputs: { tone: dry }\n      args: { tone: wet }\n      schema: { type: object, properties: { other: { type: string } } }\n      writes: [summary]');
    expect(bad.lines).toEqual([
      'x/experience.yaml:11:23: node "sk": inputs.tone is also in args; a skill\'s inputs are its args, so give it once',
      'x/experience.yaml:13:52: node "sk": schema property "other" is not in writes [summary]',
    ]);
  });

  it("the node's schema wins over the front matter's", async () => {
    writeFileSync(join(dir, 'SKILL.md'), '---\nname: s\nschema: { type: object, properties: { x: { type: number } } }\n---\nDo it.\n');
    fake.enqueue(toolReply('submit_result', { summary: 'ok' }));
    const node = { ...skillNode(), schema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] } };
    const out = await runner.run(node, { _state: {}, _edge_inputs: {} }, nodeContext({ apiKey: KEY, baseURL: fake.baseURL }, { experienceDir: dir }));
    expect(out.state_delta).toEqual({ summary: 'ok' });
    // The node's schema, through the SDK's strict transform (issue #15): closed objects.
    expect(fake.messageRequests[0]!.body.tools[0].input_schema).toEqual({ ...node.schema, additionalProperties: false });
  });
});
