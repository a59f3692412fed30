// The live view's model and frame, the renderer choice and the end-of-run summary (issue #14 §1–§2),
// in-process: given events (a fixed clock), then the lines a person would see.
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { liveFrame, progressBar } from '../../src/cli/live-frame.js';
import { applyLiveEvent, emptyLiveModel, forEachTotal } from '../../src/cli/live-model.js';
import { endSummary, nextCommands } from '../../src/cli/run-end.js';
import { viewMode, type ViewFacts } from '../../src/cli/run-view.js';
import { evolve, fold, initialState } from '../../src/log/fold.js';
import { UsageError } from '../../src/util/errors.js';
import { experience, LogBuilder } from '../helpers/log-builder.js';

const plain = pc.createColors(false);
const RUN = '0192f3a4-5b6c-7d8e-9f01-1a2b3c4d5e6f';
const PRIOR = '0192f3a4-0000-7000-8000-0000deadbeef';

const def = experience(
  'demo',
  [{ id: 'list', writes: ['items'] }, { id: 'each', reads: ['items'], for_each: { source: '$.items', concurrency: 2 } }, { id: 'slow' }],
  [['list', 'each']],
  ['items'],
);

/** Folds the builder's events into the engine's state and the live model, as the CLI does. */
function replay(b: LogBuilder) {
  const state = initialState();
  const model = emptyLiveModel();
  for (const e of b.events) applyLiveEvent(model, e, evolve(state, e));
  return { state, model };
}

describe('the live model and frame', () => {
  const b = new LogBuilder({ runId: RUN })
    .started(def)
    .executes('list', { output: { state_delta: { items: ['a', 'b', 'c', 'd', 'e'] } } })
    .nodeStarted('slow')
    .advance(500)
    .nodeStarted('each')
    .nodeStarted('each', { index: 0 })
    .nodeStarted('each', { index: 1 })
    .advance(300)
    .completed('each', { index: 0 })
    .failed('each', { index: 1, willRetry: true })
    .nodeStarted('each', { index: 1, attempt: 2 })
    .nodeStarted('each', { index: 2 })
    .push('node.retrying', { nodeId: 'slow' as never, attempt: 1, status: 429, waitMs: 200, reason: 'rate limited' });

  it('counts a fan-out’s items against the length of its source, evaluated from its ancestors’ deltas', () => {
    const { state, model } = replay(b);
    expect(forEachTotal(state, 'each')).toBe(5);
    expect(model.running.get('each')!.items).toEqual({ done: 1, failed: 0, running: 2, total: 5 });
    expect(model.running.get('slow')).toMatchObject({ attempt: 1, retries: 1 });
    expect(model).toMatchObject({ done: 1, total: 3 });
  });

  it('draws one line per running node with a spinner, elapsed time, the bar and done/total, then the status line', () => {
    const { model } = replay(b);
    const now = model.running.get('slow')!.startedMs + 2000;
    const slow = model.running.get('slow')!.startedMs;
    const each = model.running.get('each')!.startedMs;
    expect(now - slow).toBe(2000);
    expect(now - each).toBe(1500);
    expect(liveFrame(model, now, { columns: 100, rows: 20 }, '⠋', plain)).toEqual([
      '⠋ slow  2.0 s · 1 LLM retry',
      `⠋ each  ${progressBar(1, 5)} 1/5 items · 2 running · 1.5 s`,
      expect.stringMatching(/^  1\/3 nodes done · 2 running · \d\.\d s · Ctrl-C cancels \(resumable\)$/),
    ]);
  });

  it('cuts lines to the terminal width and counts the nodes that do not fit', () => {
    const { model } = replay(b);
    const lines = liveFrame(model, b.time, { columns: 30, rows: 2 }, '⠋', plain);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('  … and 1 more running');
    for (const l of lines) expect([...l].length).toBeLessThan(30);
  });

  it('drops a node from the block once it finishes, and counts it done', () => {
    const done = new LogBuilder({ runId: RUN }).started(def).executes('slow');
    const { model } = replay(done);
    expect(model.running.size).toBe(0);
    expect(model.done).toBe(1);
  });
});

describe('which renderer', () => {
  const tty: ViewFacts = { format: 'pretty', level: 'info', isTTY: true, env: { TERM: 'xterm' }, columns: 100, progress: true, tui: false };
  it.each<[string, Partial<ViewFacts>, string]>([
    ['a terminal', {}, 'live'],
    ['--tui on a terminal', { tui: true }, 'live'],
    ['json format (a pipe, --json)', { format: 'json' }, 'json'],
    ['--no-progress', { progress: false }, 'lines'],
    ['pretty to a pipe', { isTTY: false }, 'lines'],
    ['--log-level debug (a log, with timestamps)', { level: 'debug' }, 'lines'],
    ['TERM=dumb', { env: { TERM: 'dumb' } }, 'plain'],
    ['CI', { env: { TERM: 'xterm', CI: 'true' } }, 'plain'],
    ['a 39-column terminal', { columns: 39 }, 'plain'],
  ])('%s → %s', (_name, facts, mode) => expect(viewMode({ ...tty, ...facts })).toBe(mode));
  it('refuses --tui with --no-progress', () => expect(() => viewMode({ ...tty, tui: true, progress: false })).toThrow(UsageError));
});

describe('the end of a run', () => {
  it('after a failure: counts, the error, the log and `oe resume <short id>` first', () => {
    const state = fold(new LogBuilder({ runId: RUN }).started(def).executes('list').failed('slow', { error: { name: 'Error', message: 'boom\nmore' } }).finished('failure', { error: { name: 'Error', message: 'boom\nmore', nodeId: 'slow' } }).events);
    const text = endSummary({ runId: RUN, status: 'failure', state, log: '.openexpertise/runs/x.jsonl', finalState: { items: [] }, showState: false }, plain);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^✖ run failure in \d+ ms · 1 executed, 0 cached, 1 failed, 0 skipped$/),
      '  error  slow: Error: boom',
      '  log    .openexpertise/runs/x.jsonl',
      '  next   oe resume 3c4d5e6f  # re-run what failed or changed; completed nodes are restored, not paid for again',
      '         oe inspect 3c4d5e6f --node slow  # the failing node: its inputs, attempts and error',
    ]);
  });

  it('after a resume: what the memo saved, and `oe diff` of the two runs; the state only with --show-state', () => {
    const state = fold(new LogBuilder({ runId: RUN }).started(def, { resumedFrom: PRIOR }).cached('list', { fromRunId: PRIOR, savedDurationMs: 1500 }).executes('slow').finished('success').events);
    const e = { runId: RUN, status: 'success', resumedFrom: PRIOR, state, log: 'l.jsonl', finalState: { items: [1] }, showState: false };
    const text = endSummary(e, plain);
    expect(text).toContain('  memo   1 node restored from run deadbeef, not run again: saved 1.5 s');
    expect(text).not.toContain('final state');
    expect(nextCommands(e)[0]!.cmd).toBe('oe diff deadbeef 3c4d5e6f');
    expect(endSummary({ ...e, showState: true }, plain)).toContain('final state:\n{\n  "items": [\n    1\n  ]\n}');
  });
});
