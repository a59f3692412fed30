// A million-event run log for the streaming test (issue #5 item 5). The generator lives in
// scripts/bench/inspect.mjs (which also times it), so the benchmark and the test read the same log.
// @ts-expect-error: a plain .mjs module without type declarations
import { BIG_RUN_ID as ID, timeInspect as time, writeBigLog as write } from '../../scripts/bench/inspect.mjs';

/** What writeBigLog wrote. */
export interface BigLog {
  file: string;
  runId: string;
  /** Events written (exactly the number asked for). */
  events: number;
  bytes: number;
}

/** One measured `oe --log-format json inspect <id> --json` run. */
export interface InspectTiming {
  ms: number;
  /** Peak resident set size of the oe process in bytes (process.resourceUsage().maxRSS at exit). */
  maxRssBytes: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run id of the big log. */
export const BIG_RUN_ID: string = ID;

/**
 * Writes a realistic log of `events` events (a for_each review over ~events/2 items, some retried)
 * into `<workspace>/.openexpertise/runs/`, streaming (constant memory).
 */
export const writeBigLog: (workspace: string, events?: number) => Promise<BigLog> = write;

/** Runs `oe inspect <runId> --json` in `workspace` and measures its wall time and peak RSS. */
export const timeInspect: (workspace: string, runId: string, extraArgs?: string[]) => InspectTiming = time;
