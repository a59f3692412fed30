// Skill nodes: SKILL.md body as system prompt, the input bundle as the user message (issue #4 §2).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runner } from '../../src/nodes/skill.js';
import { canonicalJson } from '../../src/util/canonical-json.js';
import { FakeAnthropic, textReply, toolReply } from '../helpers/fake-anthropic.js';
import { nodeContext, skillNode } from '../llm/context.js';

const KEY = 'sk-ant-skill-key';
let fake: FakeAnthropic;
let dir: string;

beforeEach(async () => {
  fake = await FakeAnthropic.start({ expectedKey: KEY });
  dir = mkdtempSync(join(tmpdir(), 'oe-skill-'));
});
afterEach(async () => {
  await fake.stop();
});

const ctx = () => nodeContext({ apiKey: KEY, baseURL: fake.baseURL }, { experienceDir: dir, args: { tone: 'dry' } });
const input = { tone: 'dry', _state: { notes: ['a', 'b'] }, _edge_inputs: { collect: 3 } };

describe('skill node', () => {
  it('sends the SKILL.md body as system and the canonical input bundle as the user message', async () => {
    writeFileSync(join(dir, 'SKILL.md'), '---\nname: summarize\ndescription: Summarize notes\n---\n\nSummarize the notes in one line.\n');
    fake.enqueue(textReply('a and b'));
    const out = await runner.run(skillNode(), input, ctx());
    expect(out.state_delta).toEqual({ summary: 'a and b' });
    const body = fake.messageRequests[0]!.body;
    expect(body.system).toBe('Summarize the notes in one line.');
    expect(body.messages).toEqual([{ role: 'user', content: canonicalJson(input) }]);
    expect(out.usage).toMatchObject({ inputTokens: 100, outputTokens: 20, model: 'claude-sonnet-5-5' });
  });

  it('names its model for the input hash', () => {
    const hashCtx = { experienceDir: dir, llm: { provider: 'anthropic', defaultModel: 'claude-sonnet-5-5' } };
    expect(runner.model!(skillNode(), hashCtx)).toBe('claude-sonnet-5-5');
    expect(runner.model!(skillNode({ model: 'claude-haiku-4-5' }), hashCtx)).toBe('claude-haiku-4-5');
  });

  it('#9: under for_each, leaves $index out of the user message unless the SKILL.md mentions it', async () => {
    const item = { ...input, $item: 'lodash', $index: 4 };
    writeFileSync(join(dir, 'SKILL.md'), '---\nname: s\ndescription: d\n---\n\nReview the item.\n');
    fake.enqueue(textReply('ok'));
    await runner.run(skillNode(), item, ctx());
    const { $index: _, ...unindexed } = item;
    expect(fake.messageRequests[0]!.body.messages[0].content).toBe(canonicalJson(unindexed));
    writeFileSync(join(dir, 'SKILL.md'), '---\nname: s\ndescription: d\n---\n\nReview the item; $index is its place in the list.\n');
    fake.enqueue(textReply('ok'));
    await runner.run(skillNode(), item, ctx());
    expect(fake.messageRequests[1]!.body.messages[0].content).toBe(canonicalJson(item));
  });

  it('accepts a SKILL.md without front matter', async () => {
    writeFileSync(join(dir, 'SKILL.md'), 'Just do it.');
    fake.enqueue(textReply('done'));
    await runner.run(skillNode(), input, ctx());
    expect(fake.messageRequests[0]!.body.system).toBe('Just do it.');
  });

  it('returns a validated object when the front matter declares a schema', async () => {
    writeFileSync(
      join(dir, 'SKILL.md'),
      '---\nname: score\nschema:\n  type: object\n  properties:\n    summary: { type: string }\n  required: [summary]\n---\nScore it.\n',
    );
    fake.enqueue(toolReply('submit_result', { summary: 42 }), toolReply('submit_result', { summary: 'fine' }));
    const out = await runner.run(skillNode(), input, ctx());
    expect(out.state_delta).toEqual({ summary: 'fine' });
    expect(fake.messageRequests[0]!.body.tools[0]).toMatchObject({ strict: true, input_schema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'], additionalProperties: false } });
    expect(fake.messageRequests[1]!.body.messages[2].content[0].content).toContain('$.summary: Instance type "number" is invalid. Expected "string"');
  });

  it('fails clearly on a SKILL.md with an empty body, before any request', async () => {
    writeFileSync(join(dir, 'SKILL.md'), '---\nname: empty\n---\n\n');
    await expect(runner.run(skillNode(), input, ctx())).rejects.toThrow(/SKILL.md: the body .* is empty/);
    expect(fake.requests).toHaveLength(0);
  });

  it('fails with a message naming ANTHROPIC_API_KEY without a key', async () => {
    writeFileSync(join(dir, 'SKILL.md'), 'Do it.');
    const c = nodeContext({ baseURL: fake.baseURL }, { experienceDir: dir });
    await expect(runner.run(skillNode(), input, c)).rejects.toThrow(/ANTHROPIC_API_KEY/);
  });

  it('#15: with prompt_cache marks the SKILL.md body (the system prompt) as the cached prefix, and takes effort', async () => {
    writeFileSync(join(dir, 'SKILL.md'), 'Summarize the notes.');
    fake.enqueue(textReply('done'));
    await runner.run(skillNode({ prompt_cache: '1h', effort: 'high' }), input, ctx());
    const body = fake.messageRequests[0]!.body;
    expect(body.system).toEqual([{ type: 'text', text: 'Summarize the notes.', cache_control: { type: 'ephemeral', ttl: '1h' } }]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: canonicalJson(input) }] }]);
    expect(body.output_config).toEqual({ effort: 'high' });
  });
});
