// The resume chain of a run (issue #8 §1): the run, the run it was resumed from, and so on back to
// the first run — each one's log read whole. The memo is built from all of them (engine/memo.ts),
// so whatever interrupted a resume, the next one restores what any run of the chain completed.
import { existsSync } from 'node:fs';
import type { RunId } from '../util/ids.js';
import type { OeEvent } from './events.js';
import { runLogPath } from './paths.js';
import { readLog, type LogWarning } from './reader.js';

/** One run of a chain and its events. */
export interface ChainLog {
  runId: RunId;
  file: string;
  events: OeEvent[];
}

/** A resume chain, nearest first, and what could not be read. */
export interface Lineage {
  /** `logs[0]` is the run asked for; each next one is the run the previous resumed from. */
  logs: ChainLog[];
  /** Earlier runs named by `resumedFrom` whose logs are gone: their results are not in the memo. */
  missing: RunId[];
  warnings: LogWarning[];
}

/**
 * Reads the chain that starts at `runId`, following `run.started.resumedFrom` until a run that was
 * not a resume, a missing log, or a run already seen (a hand-edited loop).
 * @throws {NotFoundError} when the first log does not exist; {LogFormatError} for a malformed line in
 *   any log of the chain.
 */
export async function readLineage(workspace: string, runId: RunId): Promise<Lineage> {
  const lineage: Lineage = { logs: [], missing: [], warnings: [] };
  const seen = new Set<RunId>();
  for (let id: RunId | undefined = runId; id !== undefined && !seen.has(id); ) {
    seen.add(id);
    const file = runLogPath(workspace, id);
    if (id !== runId && !existsSync(file)) {
      lineage.missing.push(id);
      break;
    }
    const { events, warnings } = await readLog(file);
    lineage.warnings.push(...warnings);
    lineage.logs.push({ runId: id, file, events });
    const first = events[0];
    id = first?.type === 'run.started' ? first.resumedFrom : undefined;
  }
  return lineage;
}
