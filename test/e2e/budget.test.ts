// `--max-cost` through the real CLI against a local stand-in of the Anthropic API (issue #11 §6): a
// request is sent only if the spend so far, plus its worst case (its input tokens as the API's
// count_tokens gives them, plus its full max_tokens, at the model's price) stays within the budget;
// otherwise the run pauses (exit 3) with reason budget, and a resume with a higher budget continues.
// The budget covers the resume chain: the same budget again pauses at once, sending nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic, textReply } from '../helpers/fake-anthropic.js';
import { readEvents, runLogs, runOe, tempDir } from '../helpers/cli.js';

const KEY = 'sk-ant-budget-e2e-7c6b5a';
let fake: FakeAnthropic;
let ws: string;

// claude-haiku-4-5: $1 input, $2 1-hour cache write, $5 output per million tokens. With 1,000 input
// tokens and max_tokens 1,000 a request's worst case is $0.002 + $0.005 = $0.007; each reply below
// uses 1,000 input and 100 output tokens: $0.0015.
const YAML = `
name: priced
version: 1.0.0
state:
  schema:
    a: { type: string }
    b: { type: string }
    c: { type: string }
graph:
  nodes:
    - { id: a, kind: agent, model: claude-haiku-4-5, max_tokens: 1000, prompt: "one", writes: [a] }
    - { id: b, kind: agent, model: claude-haiku-4-5, max_tokens: 1000, prompt: "two {{a}}", reads: [a], writes: [b] }
    - { id: c, kind: agent, model: claude-haiku-4-5, max_tokens: 1000, prompt: "three {{b}}", reads: [b], writes: [c] }
  edges:
    - { from: a, to: b }
    - { from: b, to: c }
`;

beforeAll(async () => {
  fake = await FakeAnthropic.start({ expectedKey: KEY });
  fake.countTokens = () => 1000;
  fake.fallback = textReply('fine', { input_tokens: 1000, output_tokens: 100 }, 'claude-haiku-4-5');
  ws = tempDir('oe-budget-e2e-');
  mkdirSync(join(ws, 'exp'), { recursive: true });
  writeFileSync(join(ws, 'exp', 'experience.yaml'), YAML);
});
afterAll(async () => fake.stop());

const oe = (args: string[]) => runOe(['--log-format', 'json', ...args], { cwd: ws, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.baseURL } });

describe('--max-cost', () => {
  let paused = '';

  it('stops before the request that would pass the budget: two sent, the third not; paused with reason budget (exit 3)', async () => {
    const r = await oe(['run', 'exp', '--max-cost', '0.009']);
    expect(r.code, r.stderr).toBe(3);
    expect(fake.messageRequests).toHaveLength(2);
    const events = readEvents(runLogs(ws).at(-1)!);
    const pause = events.find((e) => e.type === 'run.paused')!;
    expect(pause.reason).toMatch(/^budget: \$0\.003 spent of the --max-cost budget of \$0\.009; node c's next LLM request could cost up to \$0\.007, so it was not sent$/);
    expect(pause.budget).toEqual({ maxCostUsd: 0.009, spentUsd: 0.003, nodeId: 'c', needUsd: 0.007 });
    expect(pause.pending).toEqual(['c']);
    expect(events.find((e) => e.type === 'run.started')!.options).toMatchObject({ maxCostUsd: 0.009 });
    const completed = events.at(-1)!;
    expect(completed).toMatchObject({ type: 'run.completed', status: 'paused' });
    expect(completed.error).toBeUndefined();
    paused = completed.runId as string;
  });

  it('counts what the resume chain spent: the same budget again sends nothing and pauses', async () => {
    const r = await oe(['resume', paused, '--max-cost', '0.009']);
    expect(r.code, r.stderr).toBe(3);
    expect(fake.messageRequests).toHaveLength(2);
    paused = readEvents(runLogs(ws).at(-1)!).at(-1)!.runId as string;
  });

  it('a resume with a higher budget restores a and b and sends only c', async () => {
    const r = await oe(['resume', paused, '--max-cost', '0.02']);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.messageRequests).toHaveLength(3);
    expect(r.lines.at(-1)).toMatchObject({ msg: 'resume complete', status: 'success', finalState: { a: 'fine', b: 'fine', c: 'fine' } });
  });

  it('refuses a bad amount (exit 2) before anything is written', async () => {
    const before = runLogs(ws).length;
    const r = await oe(['run', 'exp', '--max-cost', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-cost must be an amount in USD such as 5 or 0.25, not \\"lots\\"/);
    expect(runLogs(ws).length).toBe(before);
  });
});
