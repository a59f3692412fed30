// One live run per lineage (issue #8 §2). Each run holds a claim file for its lifetime,
// `.openexpertise/live/<runId>.json`, naming its process (pid, host, start time) and its resume chain.
// A claim is not state — the log stays the only record of the run — only "process P is executing
// run R". `oe resume X` refuses while X, or any run whose chain contains X (another resume of X), is
// live; a claim whose process is gone is stale and removed by whoever finds it. Claims are taken
// claim-first-then-look: two resumes racing cannot both proceed (each sees the other's claim unless
// it looked before the other claimed, in which case the other sees its claim).
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { liveDir } from '../log/paths.js';
import { OeError } from '../util/errors.js';
import type { RunId } from '../util/ids.js';
import { isAlive, type ProcessIdentity } from '../util/process-identity.js';

/** What a claim file holds. */
export interface LiveClaim extends ProcessIdentity {
  runId: RunId;
  /** The run's resume chain, itself first: [runId, the run it resumes, …]. */
  lineage: RunId[];
}

/** A run is live, so another run of its lineage must not start. Exit 1. */
export class RunLiveError extends OeError {
  override readonly exitCode = 1;
}

/** A held claim. */
export interface ClaimHandle {
  /** Removes the claim file. Idempotent; safe in a signal handler (synchronous). */
  release(): void;
}

/**
 * Claims `claim.runId` as live. When it resumes a run (`claim.lineage[1]`), first checks that no live
 * claim's chain contains that run; `alsoLive` reports a live process recorded elsewhere (the resumed
 * run's own log, for runs started before claims existed).
 * @throws {RunLiveError} naming the live run, its pid and host, and what to do.
 */
export function claimRun(workspace: string, claim: LiveClaim, alsoLive?: () => LiveClaim | undefined): ClaimHandle {
  const dir = liveDir(workspace);
  mkdirSync(dir, { recursive: true });
  const mine = join(dir, `${claim.runId}.json`);
  writeFileSync(mine, JSON.stringify(claim) + '\n', { flag: 'wx' });
  let released = false;
  const handle: ClaimHandle = {
    release() {
      if (released) return;
      released = true;
      try {
        unlinkSync(mine);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    },
  };
  const resumed = claim.lineage[1];
  if (resumed === undefined) return handle;
  const live = findLive(dir, claim.runId, resumed) ?? alsoLive?.();
  if (live) {
    handle.release();
    const who = live.runId === resumed ? `run ${resumed} is still running` : `run ${resumed} is being resumed by run ${live.runId}, which is still running`;
    throw new RunLiveError(`${who} (pid ${live.pid} on host ${live.host}); \`oe pause ${live.runId}\` or \`oe cancel ${live.runId}\` it first`);
  }
  return handle;
}

/** A live claim, other than `self`'s, whose chain contains `runId`; stale claims found are removed. */
function findLive(dir: string, self: RunId, runId: RunId): LiveClaim | undefined {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json') || name === `${self}.json`) continue;
    const file = join(dir, name);
    let other: LiveClaim;
    try {
      other = JSON.parse(readFileSync(file, 'utf8')) as LiveClaim;
    } catch {
      continue; // being written right now, or not ours: not a claim we can judge
    }
    if (!Array.isArray(other.lineage) || !other.lineage.includes(runId)) continue;
    if (isAlive(other)) return other;
    try {
      unlinkSync(file);
    } catch {
      // another process removed the stale claim first
    }
  }
  return undefined;
}
