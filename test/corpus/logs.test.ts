// Runs the bad-log corpus (logs.ts): every case in-process through what `oe inspect` (loadRun) and
// `oe resume` (prepareResume) call, and the cases marked `spawn` through bin/oe as well — where a
// refused log must leave the runs directory as it was (no new log).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Globals } from '../../src/cli/globals.js';
import type { Output } from '../../src/cli/output.js';
import { prepareResume } from '../../src/engine/prior-run.js';
import { loadRun } from '../../src/log/load-run.js';
import { parseRunId } from '../../src/util/ids.js';
import { LOG_CASES, RUN, type LogCase, type Outcome } from './logs.js';
import { cleanup, expectRefusal, expectSpawned, workspace } from './harness.js';

afterAll(cleanup);

const generated = new Map<LogCase, string | Buffer>();
/** A workspace whose runs directory holds the case's log as `<RUN>.jsonl`; returns it and the file. */
function setUp(c: LogCase): { ws: string; file: string } {
  const ws = workspace();
  const dir = join(ws, '.openexpertise', 'runs');
  const file = join(dir, `${RUN}.jsonl`);
  mkdirSync(dir, { recursive: true });
  if (c.log === 'directory') mkdirSync(file);
  else if (typeof c.log === 'function') {
    // A generated log (50 MB and more) is made once and dropped after its last use.
    const bytes = generated.get(c) ?? c.log();
    writeFileSync(file, bytes);
    if (generated.has(c)) generated.delete(c);
    else if (!c.inspectOnly) generated.set(c, bytes); // kept for the resume case that follows
  } else writeFileSync(file, c.log);
  return { ws, file };
}

/** The console of a command, recording its warnings (a stand-in for pino: what is printed is not tested here). */
function recordingOutput(): { output: Output; warnings: string[] } {
  const warnings: string[] = [];
  const logger = { info: () => {}, debug: () => {}, error: () => {}, warn: (_o: unknown, msg?: string) => void warnings.push(String(msg ?? _o)), child: () => logger };
  return { output: { format: 'json', out: logger, err: logger } as unknown as Output, warnings };
}

/** Checks an in-process outcome: refused with the code and message, or read with the warning. */
async function expectOutcome(run: () => Promise<string[]>, o: Outcome): Promise<void> {
  let warnings: string[] = [];
  let error: unknown;
  try {
    warnings = await run();
  } catch (e) {
    error = e;
  }
  if (o.code === 0) {
    expect(error).toBeUndefined();
    const text = warnings.join('\n');
    if (typeof o.message === 'string') expect(text).toContain(o.message);
    else expect(text).toMatch(o.message);
    return;
  }
  expectRefusal(error, o.code, o.message);
}

describe('bad logs, in-process', () => {
  for (const c of LOG_CASES) {
    it(`inspect: ${c.name}`, async () => {
      const { file } = setUp(c);
      await expectOutcome(async () => (await loadRun(file)).warnings.map((w) => `${w.file.split('/').pop()}:${w.line}: ${w.message}`), c.inspect);
    });
    if (c.inspectOnly) continue;
    it(`resume: ${c.name}`, async () => {
      const { ws } = setUp(c);
      const g: Globals = { format: 'json', level: 'info', workspace: ws, cwd: ws, env: {}, isTTY: false };
      const { output, warnings } = recordingOutput();
      await expectOutcome(async () => {
        await prepareResume(g, output.err, parseRunId(RUN), { reload: false });
        return warnings.map((w) => w.replace(/^.*\//, ''));
      }, c.resume ?? c.inspect);
    });
  }
});

describe.concurrent('bad logs, through bin/oe', () => {
  // One command per case, alternating: both read the log with the same reader.
  LOG_CASES.filter((x) => x.spawn).forEach((c, i) => {
    const command = i % 2 === 0 ? 'resume' : 'inspect';
    const o = command === 'inspect' ? c.inspect : (c.resume ?? c.inspect);
    it(`oe ${command}: ${c.name}`, async () => {
      const { ws } = setUp(c);
      await expectSpawned([command, RUN], { cwd: ws, code: o.code, message: o.message });
    });
  });
});
