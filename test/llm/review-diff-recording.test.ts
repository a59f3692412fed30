// Regenerates experiences/review-diff/recording/ from the scripted answers (review-diff-script.ts):
//   OE_RECORD_REVIEW_DIFF=1 npx vitest run test/llm/review-diff-recording.test.ts
// Skipped otherwise: the shipped recording is checked by test/e2e/agent.test.ts (replay).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runOe, tempDir } from '../helpers/cli.js';
import { FakeAnthropic } from '../helpers/fake-anthropic.js';
import { answer } from './review-diff-script.js';

const REC = join(REPO_ROOT, 'experiences/review-diff/recording');

describe.skipIf(!process.env['OE_RECORD_REVIEW_DIFF'])('review-diff recording', () => {
  it('records the experience against the scripted fake API', async () => {
    const fake = await FakeAnthropic.start();
    fake.fallback = answer;
    try {
      rmSync(REC, { recursive: true, force: true });
      mkdirSync(REC, { recursive: true });
      const ws = tempDir('oe-review-diff-rec-');
      const r = await runOe(
        ['--log-format', 'json', '--workspace', ws, 'run', 'experiences/review-diff', '--record', 'experiences/review-diff/recording',
          '--args', JSON.stringify({ diff_file: 'experiences/review-diff/sample.diff', output: join(ws, 'review.md') })],
        { cwd: REPO_ROOT, env: { ANTHROPIC_API_KEY: 'sk-ant-scripted-recording', ANTHROPIC_BASE_URL: fake.baseURL } },
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(readdirSync(REC).length).toBe(fake.messageRequests.length);
    } finally {
      await fake.stop();
    }
  });
});
