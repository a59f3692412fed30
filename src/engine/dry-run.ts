// `oe resume --dry-run` (issue #11 §5): what a resume would do, found by the engine itself rather
// than by a second implementation of it. The real run loop runs the real plan — the same scheduler,
// views, input hashes and memo — with an executor that executes nothing and a log in a temporary
// directory that is removed after. Every unit the memo holds is restored exactly as the real resume
// would restore it; every unit that would execute starts, and its attempt fails as not executed.
// So that one such failure does not end the plan, every node runs under `on_error: skip` with no
// retries — `on_error` is not part of the input hash, so no hash changes. A gate without a verdict
// waits, as in the real resume (nothing new starts after it). resume-plan.ts turns the events into
// the plan; a node downstream of one that executes is "may execute" there, whatever its dry attempt
// said, since its inputs are not known until that node has run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Graph } from '../experience/topology.js';
import type { NodeDef } from '../experience/types.js';
import type { OeEvent } from '../log/events.js';
import type { RunState } from '../log/fold.js';
import { RunControl } from './run-control.js';
import type { Executor } from './executor.js';
import type { Plan } from './inputs.js';
import { executeRun, type RunParams } from './run-loop.js';

/** The error of an attempt a dry run does not make. */
export const DRY_RUN_ERROR = 'DryRunError';

/** Executes nothing: every attempt fails, not retryable, as not executed. */
const dryExecutor: Executor = {
  attempt: (task) => Promise.resolve({ ok: false, error: { name: DRY_RUN_ERROR, message: `node ${task.node.id}: not executed (dry run)` }, retryable: false }),
  close: () => Promise.resolve(),
};

/** The plan with every node under `on_error: skip` (no retries): a failed attempt ends nothing else. */
function tolerant(plan: Plan): Plan {
  const nodes = new Map<NodeDef['id'], NodeDef>();
  for (const [id, n] of plan.graph.nodes) nodes.set(id, { ...n, on_error: { policy: 'skip' } } as NodeDef);
  const graph: Graph = { ...plan.graph, nodes };
  return { ...plan, graph, experience: { ...plan.experience, graph: { ...plan.experience.graph, nodes: [...nodes.values()] } } };
}

/** What a dry run needs: a run's parameters less those about its log, its control and its process. */
export type DryRunParams = Omit<RunParams, 'workspace' | 'control' | 'executor' | 'secrets' | 'onEvent' | 'nodeLogger' | 'askGate' | 'dryRun' | 'priorChildren'>;

/**
 * Runs the plan without executing anything and returns the dry run's events and fold.
 * @throws {Error} only when the temporary log cannot be written.
 */
export async function dryRun(p: DryRunParams): Promise<{ events: OeEvent[]; state: RunState }> {
  const workspace = mkdtempSync(join(tmpdir(), 'oe-dry-run-'));
  const events: OeEvent[] = [];
  try {
    const result = await executeRun({
      ...p,
      plan: tolerant(p.plan),
      workspace,
      control: new RunControl(),
      executor: dryExecutor,
      secrets: [],
      dryRun: true,
      onEvent: (e) => void events.push(e),
      nodeLogger: () => ({ debug() {}, info() {}, warn() {}, error() {} }),
    });
    return { events, state: result.state };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
