// Regenerates experiences/review-diff/recording/ from the scripted answers (review-diff-script.ts),
// and measures what prompt caching saves on it (the README's "Prompt caching" figures):
//   OE_RECORD_REVIEW_DIFF=1 npx vitest run test/llm/review-diff-recording.test.ts
// Skipped otherwise: the shipped recording is checked by test/e2e/agent.test.ts (replay).
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readEvents, runLogs, runOe, tempDir } from '../helpers/cli.js';
import { FakeAnthropic } from '../helpers/fake-anthropic.js';
import { answer, resetPromptCache } from './review-diff-script.js';

const REC = join(REPO_ROOT, 'experiences/review-diff/recording');

/** Runs review-diff (from `dir`) against the scripted fake; returns run.completed's usage. */
async function runScripted(dir: string, record?: string): Promise<{ usage: Record<string, number>; requests: number }> {
  const fake = await FakeAnthropic.start();
  fake.fallback = answer;
  resetPromptCache();
  try {
    const ws = tempDir('oe-review-diff-rec-');
    const r = await runOe(
      ['--log-format', 'json', '--workspace', ws, 'run', dir, ...(record ? ['--record', record] : []),
        '--args', JSON.stringify({ diff_file: 'experiences/review-diff/sample.diff', output: join(ws, 'review.md') })],
      { cwd: REPO_ROOT, env: { ANTHROPIC_API_KEY: 'sk-ant-scripted-recording', ANTHROPIC_BASE_URL: fake.baseURL } },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const done = readEvents(runLogs(ws)[0]!).find((e) => e['type'] === 'run.completed')!;
    return { usage: done['usage'] as Record<string, number>, requests: fake.messageRequests.length };
  } finally {
    await fake.stop();
  }
}

describe.skipIf(!process.env['OE_RECORD_REVIEW_DIFF'])('review-diff recording', () => {
  it('records the experience against the scripted fake API, and measures the prompt-cache saving', async () => {
    rmSync(REC, { recursive: true, force: true });
    mkdirSync(REC, { recursive: true });
    const cachedRun = await runScripted('experiences/review-diff', 'experiences/review-diff/recording');
    expect(readdirSync(REC).length).toBe(cachedRun.requests);

    // The same experience without prompt_cache, not recorded: what the run would cost without caching.
    const plain = join(tempDir('oe-review-diff-plain-'), 'review-diff');
    cpSync(join(REPO_ROOT, 'experiences/review-diff'), plain, { recursive: true });
    const yaml = join(plain, 'experience.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^\s+prompt_cache: true\n/gm, ''));
    rmSync(join(plain, 'recording'), { recursive: true, force: true });
    const plainRun = await runScripted(plain);
    console.log(JSON.stringify({ withPromptCache: cachedRun.usage, withoutPromptCache: plainRun.usage }, null, 2));
    expect(cachedRun.usage['costUsd']).toBeLessThan(plainRun.usage['costUsd']!);
  });
});
