// The invariants a crash-fuzzing trial checks over what it recorded (issue #12 §1), pure so they are
// tested in-process (checks.test.ts): nothing whose node.completed reached a log of the resume chain
// executed again, every completion was really executed by its run, every restore names a run that
// completed that unit with that input hash, and no log changed after its process ended.
import type { OeEvent } from '../../src/log/events.js';

/** A unit of work: `node`, or `node[index]` for one iteration of a `for_each` node. */
export function unitOf(e: { nodeId: string; iteration?: { index: number } | undefined }): string {
  return e.iteration ? `${e.nodeId}[${e.iteration.index}]` : e.nodeId;
}

/** One run of the resume chain, oldest first, with its events as read once its process had ended. */
export interface ChainRun {
  runId: string;
  events: readonly OeEvent[];
}

/** One line of the side file: a tool started executing `unit` in run `runId`. */
export interface Execution {
  runId: string;
  unit: string;
}

/**
 * What the executions and the logs of a resume chain (oldest first) break, as sentences:
 * - a unit executed (side file) or started (node.started) in a run although an earlier run of the
 *   chain had logged its node.completed — paid for twice;
 * - a unit executed twice by one run (the fuzzed tools never fail, so nothing retries);
 * - a node.completed of a tool unit with no execution by that run, or an execution by a run that is
 *   not in the chain;
 * - a node.cached whose fromRunId is not an earlier run of the chain that logged node.completed for
 *   that unit with that input hash.
 * `forEachNodes` names the nodes whose tool runs per iteration (their own node.completed is the
 * aggregate, which executes nothing).
 */
export function chainProblems(chain: readonly ChainRun[], executions: readonly Execution[], forEachNodes: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const position = new Map(chain.map((r, i) => [r.runId, i]));
  const byRun = new Map<string, string[]>(chain.map((r) => [r.runId, []]));
  for (const x of executions) {
    const list = byRun.get(x.runId);
    if (list) list.push(x.unit);
    else problems.push(`${x.unit} executed in run ${x.runId}, which is not in the resume chain (${chain.map((r) => r.runId).join(' → ')})`);
  }
  /** unit → where it completed first: the run and its input hash. */
  const completedIn = new Map<string, { runId: string; inputHash: string }>();
  const hashesOf = new Map<string, Set<string>>(); // `${runId} ${unit}` → input hashes completed there
  chain.forEach((run, i) => {
    const executed = byRun.get(run.runId)!;
    const seen = new Set<string>();
    for (const unit of executed) {
      if (seen.has(unit)) problems.push(`${unit} executed twice in run ${i} (${run.runId})`);
      seen.add(unit);
      const earlier = completedIn.get(unit);
      if (earlier) problems.push(`${unit} executed again in run ${i} (${run.runId}) although run ${position.get(earlier.runId)} (${earlier.runId}) had logged its node.completed`);
    }
    const completedHere: Array<[string, string]> = [];
    for (const e of run.events) {
      if (e.type === 'node.started') {
        const earlier = completedIn.get(unitOf(e));
        if (earlier) problems.push(`${unitOf(e)} started again (node.started) in run ${i} (${run.runId}) although run ${position.get(earlier.runId)} (${earlier.runId}) had logged its node.completed`);
      } else if (e.type === 'node.completed') {
        const unit = unitOf(e);
        const isToolCall = e.iteration !== undefined || !forEachNodes.has(e.nodeId);
        if (isToolCall && !seen.has(unit)) problems.push(`${unit} has node.completed in run ${i} (${run.runId}) but its tool never executed there`);
        completedHere.push([unit, e.inputHash]);
      } else if (e.type === 'node.cached') {
        const unit = unitOf(e);
        const from = position.get(e.fromRunId);
        if (from === undefined || from >= i) problems.push(`${unit} was restored in run ${i} from run ${e.fromRunId}, which is not an earlier run of the chain`);
        else if (!hashesOf.get(`${e.fromRunId} ${unit}`)?.has(e.inputHash)) problems.push(`${unit} was restored in run ${i} from run ${from} (${e.fromRunId}), whose log has no node.completed of it with input hash ${e.inputHash}`);
      }
    }
    // A run's own completions count for the runs after it, not for itself (its for_each aggregate
    // starts before its iterations complete).
    for (const [unit, inputHash] of completedHere) {
      if (!completedIn.has(unit)) completedIn.set(unit, { runId: run.runId, inputHash });
      const key = `${run.runId} ${unit}`;
      if (!hashesOf.has(key)) hashesOf.set(key, new Set());
      hashesOf.get(key)!.add(inputHash);
    }
  });
  return problems;
}

/**
 * Logs whose bytes changed since they were last hashed: `recorded` maps a log file to the sha256 it
 * had when its process ended; `now` to its sha256 now (absent: the file is gone).
 */
export function changedLogs(recorded: ReadonlyMap<string, string>, now: ReadonlyMap<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const [file, sha] of recorded) {
    const current = now.get(file);
    if (current === undefined) problems.push(`${file} was removed after its run ended`);
    else if (current !== sha) problems.push(`${file} changed after its run ended (sha256 ${sha.slice(0, 12)}… → ${current.slice(0, 12)}…)`);
  }
  return problems;
}
