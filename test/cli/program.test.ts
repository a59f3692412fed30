// The command table (STYLE §4): argv → which command, with which options, checked before anything
// runs. Each command holds its options and its work (src/commands/), so this test runs the real
// commands in-process, in a temporary workspace, and stops them at the seams below them: the run
// loop (engine/run-loop.ts executeRun), the tool threads, the executor choice and the prior-run
// reader are stand-ins; the read commands read real golden logs. Only test/e2e/ spawns bin/oe.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliProcess } from '../../src/cli/command.js';
import { buildMemo } from '../../src/engine/memo.js';
import { initialState } from '../../src/log/fold.js';
import { UsageError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/cli.js';
import { goldenLogs, IDS } from '../fixtures/logs/scenarios.js';

const RUN = '01932f00-0000-7000-8000-000000000001';

const { executeRun, parseExecutorFlags, prepareResume } = vi.hoisted(() => ({
  // The run loop: records what the command hands it and ends the run at once.
  executeRun: vi.fn(async (p: { runId: string; workspace: string }) => ({ runId: p.runId, status: 'success', finalState: {}, state: initialState(), logFile: join(p.workspace, 'log.jsonl') })),
  parseExecutorFlags: vi.fn(() => ({ kind: 'inline' })),
  prepareResume: vi.fn(),
}));

vi.mock('../../src/engine/run-loop.js', () => ({ executeRun }));
// No threads in a table test: the tool pool is a stand-in (the experiences here have no tool node).
vi.mock('../../src/executors/tool-pool.js', () => ({ ToolPool: class { prewarm(): void {} resize(): void {} async close(): Promise<void> {} } }));
vi.mock('../../src/executors/bullmq-config.js', async (orig) => ({ ...(await orig<object>()), parseExecutorFlags }));
vi.mock('../../src/engine/prior-run.js', () => ({ prepareResume }));

const ws = tempDir('oe-table-');
const GATED = `name: exp\nversion: 1.0.0\nstate:\n  schema: {}\ngraph:\n  nodes:\n    - { id: ok, kind: gate, message: proceed? }\n`;
beforeAll(() => {
  mkdirSync(join(ws, 'exp'), { recursive: true });
  writeFileSync(join(ws, 'exp/experience.yaml'), GATED);
  writeFileSync(join(ws, 'experience.yaml'), GATED);
  const runs = join(ws, '.openexpertise/runs');
  mkdirSync(runs, { recursive: true });
  for (const { runId, text } of Object.values(goldenLogs())) writeFileSync(join(runs, `${runId}.jsonl`), text);
});

let stdout: string[] = [];
beforeEach(() => {
  vi.clearAllMocks();
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout.push(String(chunk));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write);
});
afterEach(() => vi.restoreAllMocks());

function proc(): CliProcess {
  let code = 0;
  return {
    argv: [],
    cwd: ws,
    env: { OE_WORKSPACE: ws },
    isTTY: false,
    exitCode: () => code,
    setExitCode: (c) => void (code = c),
    exitNow: (c) => {
      throw new Error(`exitNow(${c}) in a table test`);
    },
  };
}
async function oe(...argv: string[]): Promise<void> {
  await buildProgram(proc()).parseAsync(argv, { from: 'user' });
}
/** What the command handed the run loop. */
const launched = (i = 0) => executeRun.mock.calls[i]![0] as unknown as { plan: { args: Record<string, unknown> }; options: Record<string, unknown>; llm: Record<string, unknown>; experienceDir: string; resumedFrom?: string; memo?: unknown };

describe('oe run', () => {
  it('#13: hands the executor flags and the environment to the executor choice', async () => {
    await oe('run', 'exp', '--executor', 'bullmq', '--redis', 'redis://h:1', '--queue', 'q', '--worker-lost-ms', '3000', '--approve', 'ok');
    expect(parseExecutorFlags.mock.calls[0]).toMatchObject([{ executor: 'bullmq', redis: 'redis://h:1', queue: 'q', workerLostMs: '3000' }, { OE_WORKSPACE: ws }]);
    prepareResume.mockResolvedValueOnce(await prior());
    await oe('resume', RUN, '--executor', 'bullmq', '--redis', 'redis://h:2');
    expect(parseExecutorFlags.mock.calls[1]![0]).toMatchObject({ executor: 'bullmq', redis: 'redis://h:2' });
  });

  it('loads the experience and launches with the flags and the parsed args', async () => {
    await oe('run', 'exp', '--args', '{"a":1}', '--concurrency', '3', '--replay', 'rec', '--approve', 'ok');
    const run = launched();
    expect(run.experienceDir).toBe(join(ws, 'exp'));
    expect(run.plan.args).toEqual({ a: 1, ok: 'approve' });
    expect(run.options).toMatchObject({ concurrency: 3, replay: 'rec', llm: 'anthropic' }); // issue #10 §5: no key set → anthropic
    expect(run.llm).toMatchObject({ replayDir: join(ws, 'rec') });
  });

  it.each([
    [['--log-format', 'pretty', '--workspace', 'w', 'run']],
    [['run', '--log-format', 'pretty', '--workspace', 'w']],
  ])('takes global options before or after the command: %j', async (argv) => {
    await oe(...argv, '--approve', 'ok');
    const run = executeRun.mock.calls[0]![0] as unknown as { workspace: string; experienceDir: string };
    expect(run).toMatchObject({ workspace: join(ws, 'w'), experienceDir: ws });
  });

  it('refuses --args that is not a JSON object before loading anything', async () => {
    await expect(oe('run', 'missing-dir', '--args', '[1]')).rejects.toThrow(UsageError);
    expect(executeRun).not.toHaveBeenCalled();
  });

  it('refuses an unknown --log-format', async () => {
    await expect(oe('run', '--log-format', 'xml')).rejects.toThrow(/--log-format must be json or pretty/);
  });
});

/** A prior run as engine/prior-run.ts gives it: the experience at ws/exp, args {prior: 1}, an empty memo. */
async function prior() {
  const { loadExperience } = await import('../../src/experience/load-experience.js');
  const { fileSource } = await import('../../src/engine/run-source.js');
  return { args: { prior: 1 }, source: fileSource(await loadExperience('exp', ws)), memo: buildMemo([]), lineage: [RUN], live: () => undefined, priorChildren: new Map(), state: initialState(), spentUsd: async () => 0 };
}

describe('oe resume', () => {
  it('merges --args over the prior args and passes --no-reload and --experience on', async () => {
    prepareResume.mockResolvedValueOnce(await prior());
    await oe('resume', RUN, '--no-reload', '--experience', 'e2', '--args', '{"b":2}', '--approve', 'ok');
    expect(prepareResume).toHaveBeenCalledWith(expect.objectContaining({ workspace: ws, cwd: ws }), expect.anything(), RUN, { experience: 'e2', reload: false });
    expect(launched().plan.args).toEqual({ prior: 1, b: 2, ok: 'approve' });
    expect(launched().resumedFrom).toBe(RUN);
  });

  it('refuses a run id that is not a UUID before touching anything', async () => {
    await expect(oe('resume', '../../etc/passwd')).rejects.toThrow(UsageError);
    expect(prepareResume).not.toHaveBeenCalled();
  });
});

describe('read-only commands', () => {
  const printed = () => stdout.join('');

  it('oe inspect passes its flags and the workspace: --why with --json prints the why object', async () => {
    await oe('inspect', IDS.resumed, '--why', 'scan_licenses', '--json');
    expect(JSON.parse(printed())).toMatchObject({ nodeId: 'scan_licenses' });
  });

  it('oe inspect --events --type takes several types', async () => {
    await oe('inspect', IDS.resumed, '--events', '--type', 'node.completed', 'node.cached');
    const types = new Set(printed().trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type));
    expect([...types].sort()).toEqual(['node.cached', 'node.completed']);
  });

  it('oe runs parses --limit and refuses 0', async () => {
    await oe('runs', '--limit', '2', '--json');
    expect(printed().trim().split('\n')).toHaveLength(2);
    await expect(oe('runs', '--limit', '0')).rejects.toThrow(/--limit must be a whole number of at least 1/);
  });

  it('oe diff passes both runs', async () => {
    await oe('diff', IDS.resumed, IDS.resumed, '--json');
    expect(JSON.parse(printed())).toMatchObject({ a: { runId: IDS.resumed }, b: { runId: IDS.resumed } });
  });

  it('#10: oe graph passes the path, --html, -o and the direction (case-insensitive); refuses another direction first', async () => {
    await oe('graph', 'exp', '--html', '-o', 'g.html', '--direction', 'lr');
    const page = readFileSync(join(ws, 'g.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('flowchart LR');
    await oe('graph', '--json');
    expect(JSON.parse(printed())).toMatchObject({ name: 'exp', format: 'mermaid', text: expect.stringMatching(/^flowchart TD/) });
    await expect(oe('graph', '--direction', 'up')).rejects.toThrow(/--direction must be TD or LR, not "up"/);
  });
});
