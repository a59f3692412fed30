// How a run is shown while it runs (issue #14 §1): which renderer, chosen once from the flags and the
// terminal, as a pure decision (viewMode), and the renderer itself — JSON lines, one line per finished
// node, those lines plus start and progress lines (a dumb or narrow terminal, CI), or the live view.
import type { OeEvent } from '../log/events.js';
import type { RunState } from '../log/fold.js';
import { UsageError } from '../util/errors.js';
import { formatDuration, printEvent } from './console.js';
import type { Globals } from './globals.js';
import type { Output } from './output.js';

/**
 * `json`: one JSON object per event (SPEC §4, unchanged). `lines`: one pretty line per finished node
 * (`--no-progress`, a pipe, `--log-level debug`). `plain`: those lines plus a line when a node starts
 * and at each quarter of a fan-out — for terminals that cannot redraw (TERM=dumb, CI, under 40
 * columns). `live`: the live view.
 */
export type ViewMode = 'json' | 'lines' | 'plain' | 'live';

/** The narrowest terminal the live view draws on. */
export const MIN_LIVE_COLUMNS = 40;

/** What viewMode decides from. */
export interface ViewFacts {
  format: 'json' | 'pretty';
  level: string;
  isTTY: boolean;
  env: { [k: string]: string | undefined };
  columns: number | undefined;
  /** False for --no-progress. */
  progress: boolean;
  tui: boolean;
}

/**
 * Picks the renderer.
 * @throws {UsageError} for --tui with --no-progress.
 */
export function viewMode(f: ViewFacts): ViewMode {
  if (f.tui && !f.progress) throw new UsageError('--tui and --no-progress contradict each other: choose one');
  if (f.format === 'json') return 'json';
  if (!f.progress || !f.isTTY || f.level === 'debug' || f.level === 'trace') return 'lines';
  if (f.env.TERM === 'dumb' || (f.env.CI !== undefined && f.env.CI !== '' && f.env.CI !== 'false') || (f.columns ?? 80) < MIN_LIVE_COLUMNS) return 'plain';
  return 'live';
}

/** A renderer of a run's events. */
export interface RunView {
  onEvent(e: OeEvent, state: Readonly<RunState>): void;
  /** Erases the live block and gives the terminal back (before the summary is printed). */
  stop(): void;
}

/** `plain` mode's extra lines: a node's start, and a fan-out's progress at each quarter. */
function plainExtras(output: Output, forEachTotal: (state: Readonly<RunState>, nodeId: string) => number | undefined): (e: OeEvent, state: Readonly<RunState>) => void {
  const fanOuts = new Map<string, { total: number | undefined; finished: number; quarter: number }>();
  return (e, state) => {
    if (e.type === 'node.started' && !e.iteration && e.attempt === 1) output.out.info(output.paint.out.dim(`… ${e.nodeId} started`));
    const finalIteration = (e.type === 'node.completed' || e.type === 'node.cached' || (e.type === 'node.failed' && !e.willRetry)) && e.iteration !== undefined;
    if (!finalIteration) return;
    let f = fanOuts.get(e.nodeId);
    if (!f) fanOuts.set(e.nodeId, (f = { total: forEachTotal(state, e.nodeId), finished: 0, quarter: 0 }));
    f.finished++;
    if (!f.total) return;
    const q = Math.floor((f.finished / f.total) * 4);
    if (q > f.quarter && q < 4) {
      f.quarter = q;
      const startedAt = state.nodes.get(e.nodeId)?.startedAt;
      output.out.info(output.paint.out.dim(`… ${e.nodeId} ${f.finished}/${f.total} items${startedAt ? ` (${formatDuration(Date.parse(e.ts) - Date.parse(startedAt))})` : ''}`));
    }
  };
}

/**
 * The renderer for this run; nothing is drawn before the first event.
 * @throws {UsageError} for contradicting flags.
 */
export async function createRunView(g: Globals, output: Output, flags: { progress?: boolean; tui?: boolean }): Promise<RunView> {
  const mode = viewMode({ format: output.format, level: g.level, isTTY: g.isTTY, env: g.env, columns: process.stdout.columns, progress: flags.progress !== false, tui: flags.tui === true });
  const print = (e: OeEvent): void => printEvent(output, e);
  if (mode === 'json' || mode === 'lines') return { onEvent: print, stop: () => {} };
  if (mode === 'plain') {
    const extras = plainExtras(output, (await import('./live-model.js')).forEachTotal);
    return {
      onEvent: (e, state) => {
        print(e);
        extras(e, state);
      },
      stop: () => {},
    };
  }
  const { LiveView } = await import('./live-view.js');
  const view = new LiveView({ stdout: process.stdout, stderr: process.stderr, interceptStderr: Boolean(g.errIsTTY) }, output.paint.out);
  return {
    onEvent: (e, state) => {
      // The finished lines go through the logger to stdout, which the view keeps above its block.
      view.onEvent(e, state);
      print(e);
    },
    stop: () => view.stop(),
  };
}
