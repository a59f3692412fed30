// The CLI layer is a table (STYLE §4): argv → which command function, with which options. The
// command functions are mocked; only test/e2e/ spawns bin/oe.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliProcess } from '../../src/cli/command.js';
import { UsageError } from '../../src/util/errors.js';

const RUN = '01932f00-0000-7000-8000-000000000001';

const { launchRun, withRunExecutor, loadExperience, prepareResume, inspectCommand, runsCommand, diffCommand, graphCommand } = vi.hoisted(() => ({
  launchRun: vi.fn(),
  // No threads in a table test: the executor is a stand-in the mocked launchRun never uses.
  withRunExecutor: vi.fn(async (_output: unknown, fn: (ex: unknown) => Promise<unknown>) => fn({ executor: 'executor' })),
  loadExperience: vi.fn(async (path: string) => ({ experience: { name: path }, dir: '/x', file: `/x/${path}.yaml`, sha256: 'h' })),
  prepareResume: vi.fn(async () => ({ args: { prior: 1 }, source: { definitionSource: 'log' }, memo: new Map(), lineage: [RUN], live: () => undefined })),
  inspectCommand: vi.fn(),
  runsCommand: vi.fn(),
  diffCommand: vi.fn(),
  graphCommand: vi.fn(),
}));

vi.mock('../../src/cli/launch.js', async (orig) => ({ ...(await orig<object>()), launchRun, withRunExecutor }));
vi.mock('../../src/experience/load.js', () => ({ loadExperience }));
vi.mock('../../src/cli/resume-source.js', () => ({ prepareResume }));
vi.mock('../../src/inspect/cmd-inspect.js', () => ({ inspectCommand }));
vi.mock('../../src/inspect/cmd-runs.js', () => ({ runsCommand }));
vi.mock('../../src/inspect/cmd-diff.js', () => ({ diffCommand }));
vi.mock('../../src/inspect/cmd-graph.js', () => ({ graphCommand }));


function proc(): CliProcess {
  let code = 0;
  return {
    argv: [],
    cwd: '/work',
    env: { OE_WORKSPACE: '/ws' },
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

beforeEach(() => vi.clearAllMocks());

describe('oe run', () => {
  it('#13: hands the executor flags to withRunExecutor, which chooses the executor', async () => {
    await oe('run', 'exp', '--executor', 'bullmq', '--redis', 'redis://h:1', '--queue', 'q', '--worker-lost-ms', '3000');
    const [, , remote] = withRunExecutor.mock.calls[0]! as unknown as [unknown, unknown, { g: { workspace: string }; flags: Record<string, string> }];
    expect(remote.g.workspace).toBe('/ws');
    expect(remote.flags).toMatchObject({ executor: 'bullmq', redis: 'redis://h:1', queue: 'q', workerLostMs: '3000' });
    await oe('resume', RUN, '--executor', 'bullmq', '--redis', 'redis://h:2');
    expect((withRunExecutor.mock.calls[1]! as unknown as [unknown, unknown, { flags: Record<string, string> }])[2].flags).toMatchObject({ executor: 'bullmq', redis: 'redis://h:2' });
  });

  it('loads the experience and launches with the flags and the parsed args', async () => {
    await oe('run', 'exp', '--args', '{"a":1}', '--concurrency', '3', '--replay', 'rec');
    expect(loadExperience).toHaveBeenCalledWith('exp', '/work');
    const [globals, , , flags, req] = launchRun.mock.calls[0]!;
    expect(globals).toMatchObject({ format: 'json', level: 'info', workspace: '/ws', cwd: '/work' });
    expect(flags).toMatchObject({ args: '{"a":1}', concurrency: '3', replay: 'rec' });
    expect(flags.llm).toBeUndefined(); // issue #10 §5: without --llm, the keys that are set decide
    expect(req).toMatchObject({ args: { a: 1 }, source: { definitionSource: 'file', dir: '/x' } });
  });

  it.each([
    [['--log-format', 'pretty', '--workspace', 'w', 'run']],
    [['run', '--log-format', 'pretty', '--workspace', 'w']],
  ])('takes global options before or after the command: %j', async (argv) => {
    await oe(...argv);
    expect(loadExperience).toHaveBeenCalledWith('.', '/work');
    expect(launchRun.mock.calls[0]![0]).toMatchObject({ format: 'pretty', workspace: '/work/w' });
  });

  it('refuses --args that is not a JSON object before loading anything', async () => {
    await expect(oe('run', 'exp', '--args', '[1]')).rejects.toThrow(UsageError);
    expect(loadExperience).not.toHaveBeenCalled();
  });

  it('refuses an unknown --log-format', async () => {
    await expect(oe('run', '--log-format', 'xml')).rejects.toThrow(/--log-format must be json or pretty/);
  });
});

describe('oe resume', () => {
  it('merges --args over the prior args and passes --no-reload and --experience on', async () => {
    await oe('resume', RUN, '--no-reload', '--experience', 'e2', '--args', '{"b":2}');
    expect(prepareResume).toHaveBeenCalledWith(expect.anything(), expect.anything(), RUN, { experience: 'e2', reload: false });
    expect(launchRun.mock.calls[0]![4]).toMatchObject({ args: { prior: 1, b: 2 }, executor: { executor: 'executor' }, resumed: { runId: RUN, lineage: [RUN] } });
  });

  it('refuses a run id that is not a UUID before touching anything', async () => {
    await expect(oe('resume', '../../etc/passwd')).rejects.toThrow(UsageError);
    expect(prepareResume).not.toHaveBeenCalled();
  });
});

describe('read-only commands', () => {
  it('oe inspect passes its flags and the workspace', async () => {
    await oe('inspect', RUN, '--why', 'scan', '--json');
    expect(inspectCommand).toHaveBeenCalledWith(RUN, expect.objectContaining({ why: 'scan', json: true }), expect.objectContaining({ workspace: '/ws', json: true }));
  });

  it('oe inspect --events --type takes several types', async () => {
    await oe('inspect', RUN, '--events', '--type', 'node.failed', 'node.skipped');
    expect(inspectCommand.mock.calls[0]![1]).toMatchObject({ events: true, type: ['node.failed', 'node.skipped'] });
  });

  it('oe runs parses --limit and refuses 0', async () => {
    await oe('runs', '--limit', '5', '--experience', 'exp');
    expect(runsCommand).toHaveBeenCalledWith({ experience: 'exp', limit: 5 }, expect.objectContaining({ runsDir: '/ws/.openexpertise/runs' }));
    await expect(oe('runs', '--limit', '0')).rejects.toThrow(/--limit must be a whole number of at least 1/);
  });

  it('oe diff passes both runs', async () => {
    await oe('diff', RUN, RUN.replace(/1$/, '2'), '--json');
    expect(diffCommand).toHaveBeenCalledWith(RUN, RUN.replace(/1$/, '2'), expect.objectContaining({ json: true }), undefined);
  });

  it('#10: oe graph passes the path, --html, -o and the direction (case-insensitive); refuses another direction first', async () => {
    await oe('graph', 'exp', '--html', '-o', 'g.html', '--direction', 'lr');
    expect(graphCommand).toHaveBeenCalledWith('exp', { html: true, json: false, output: 'g.html', direction: 'LR' }, expect.objectContaining({ cwd: '/work' }));
    await oe('graph');
    expect(graphCommand.mock.calls[1]!.slice(0, 2)).toEqual(['.', { html: false, json: false, direction: 'TD' }]);
    await expect(oe('graph', '--direction', 'up')).rejects.toThrow(/--direction must be TD or LR, not "up"/);
    expect(graphCommand).toHaveBeenCalledTimes(2);
  });
});
