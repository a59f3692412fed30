// `experience` nodes (SPEC §2.1, issue #10 §4): an attempt is a nested run of the child experience,
// with its own log in the same workspace (`parentRunId`/`parentNodeId` in its run.started). The
// child is never restored from the parent's memo: each attempt runs it as a resume of the child run
// the parent's resume chain last started for that node, so the child's own memo — its lineage —
// restores what did not change, and nothing a child depends on can go stale in the parent's hash.
// Cancel and pause reach the child through its own RunControl.
import { relative, resolve, sep } from 'node:path';
import { hostname } from 'node:os';
import type { ExperienceNode, StateField } from '../experience/types.js';
import type { OeEvent, RunOptions } from '../log/events.js';
import type { NodeInput } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import { OeError } from '../util/errors.js';
import type { NodeId, RunId } from '../util/ids.js';
import { RunControl } from './run-control.js';
import { classifyError } from './execute.js';
import type { AttemptResult } from './executor.js';
import { checkWrites } from './node-result.js';
import type { RunParams } from './run-loop.js';

/** What a child run takes from its parent's run. */
export type ChildContext = Pick<RunParams, 'workspace' | 'executor' | 'hasher' | 'clock' | 'llm' | 'secrets' | 'env' | 'oeVersion' | 'nodeLogger' | 'options'> & {
  parentRunId: RunId;
  /** The parent's control: its cancel and pause reach the child. */
  control: RunControl;
  /** The child run the parent's resume chain last started, by unit (`nodeId` or `nodeId\0index`). */
  priorChildren?: ReadonlyMap<string, RunId>;
  /** A plan, not a run (engine/dry-run.ts): no nested run starts; the attempt fails as not executed. */
  dryRun?: boolean;
};

/** The key of a unit in `priorChildren`. */
export function childKey(nodeId: NodeId, index: number | undefined): string {
  return index === undefined ? nodeId : `${nodeId}\u0000${index}`;
}

/**
 * The child run each `experience` node unit last started, over the chain's logs nearest first: within
 * a log the last attempt's (node.started `childRunId`), and a nearer log's over a farther one's.
 */
export function priorChildrenOf(logs: ReadonlyArray<readonly OeEvent[]>): Map<string, RunId> {
  const out = new Map<string, RunId>();
  for (const events of logs) {
    const here = new Map<string, RunId>();
    for (const e of events) if (e.type === 'node.started' && e.childRunId) here.set(childKey(e.nodeId, e.iteration?.index), e.childRunId);
    for (const [k, v] of here) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

/** A child run that could not start or did not succeed; the parent node fails with it. */
export class ChildRunError extends OeError {}

const BUNDLE_KEYS = new Set(['_state', '_edge_inputs', '$item', '$index']);

/**
 * Runs one attempt of an `experience` node as the nested run `childRunId`.
 * The child's args are the node's resolved args (checked against the child's `inputs`); on success
 * the node's edge_output is `{runId, status, finalState}` and its state delta the child's final
 * values of the fields the node `writes`. A child that fails, is cancelled or pauses fails the
 * attempt, saying how it ended (only a failure may succeed on a retry).
 */
export async function runChild(
  c: ChildContext,
  node: ExperienceNode,
  experienceDir: string,
  schema: Readonly<Record<string, StateField>>,
  childRunId: RunId,
  index: number | undefined,
  input: NodeInput,
): Promise<AttemptResult> {
  if (c.dryRun) return { ok: false, error: { name: 'DryRunError', message: `node ${node.id}: a dry run starts no nested run` }, retryable: false };
  const [{ loadExperience }, { resolveArgs }, { executeRun }, { seedState }, { buildMemo }, { readLineage }, { claimRun }, { selfIdentity }] = await Promise.all([
    import('../experience/load-experience.js'),
    import('../experience/args.js'),
    import('./run-loop.js'),
    import('./inputs.js'),
    import('./memo.js'),
    import('../log/lineage.js'),
    import('./live-claim.js'),
    import('../util/process-identity.js'),
  ]);
  let claim: { release(): void } | undefined;
  const control = new RunControl();
  const follow = (): void => {
    if (c.control.request === 'cancel') control.cancel(`the parent run ${c.parentRunId} was cancelled`);
    else if (c.control.request === 'pause') control.pause();
  };
  const unfollow = c.control.onChange(follow);
  try {
    const loaded = await loadExperience(resolve(experienceDir, node.impl), experienceDir);
    const given: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(input)) if (!BUNDLE_KEYS.has(k) && v !== undefined) given[k] = v as Json;
    const { args, problems } = resolveArgs(loaded.experience.inputs, given);
    if (problems.length > 0) throw new ChildRunError(`node ${node.id}: the args do not fit child experience ${node.impl}: ${problems.map((p) => p.message).join('; ')}`);
    const prior = c.priorChildren?.get(childKey(node.id, index));
    const lineage = prior ? await readLineage(c.workspace, prior).catch(() => undefined) : undefined;
    const me = selfIdentity();
    claim = claimRun(c.workspace, { ...me, runId: childRunId, lineage: [childRunId, ...(lineage?.logs.map((l) => l.runId) ?? [])] });
    follow();
    const options: RunOptions = {
      concurrency: loaded.experience.runtime.concurrency,
      llm: c.options.llm,
      pid: me.pid,
      host: hostname(),
      ...(me.started ? { processStart: me.started } : {}),
    };
    const result = await executeRun({
      plan: { experience: loaded.experience, graph: loaded.graph, args, seed: seedState(loaded.experience, args) },
      runId: childRunId,
      workspace: c.workspace,
      experienceDir: loaded.dir,
      experience: { name: loaded.experience.name, version: loaded.experience.version, path: relative(c.workspace, loaded.file).split(sep).join('/'), sha256: loaded.sha256 },
      definition: loaded.experience as unknown as Json,
      options,
      llm: c.llm,
      ...(lineage ? { resumedFrom: prior!, memo: buildMemo(lineage.logs.map((l) => l.events)) } : {}),
      parent: { runId: c.parentRunId, nodeId: node.id },
      oeVersion: c.oeVersion,
      clock: c.clock,
      hasher: c.hasher,
      control,
      executor: c.executor,
      secrets: c.secrets,
      env: c.env,
      onEvent: () => {},
      nodeLogger: (nodeId, iteration) => c.nodeLogger(`${node.id}/${nodeId}`, iteration),
    });
    const edge = { runId: childRunId, status: result.status, finalState: result.finalState } as unknown as Json;
    if (result.status !== 'success') {
      const why = result.state.error ? `: ${result.state.error.nodeId ? `${result.state.error.nodeId}: ` : ''}${result.state.error.message}` : '';
      return { ok: false, error: { name: 'ChildRunError', message: `node ${node.id}: child run ${childRunId} (${node.impl}) ended ${result.status}${why}` }, retryable: result.status === 'failure' };
    }
    const delta: { [f: string]: Json } = {};
    for (const f of node.writes) if (result.finalState[f] !== undefined) delta[f] = result.finalState[f]!;
    const output = { state_delta: delta, edge_output: edge };
    checkWrites(node, output, schema);
    return { ok: true, output };
  } catch (e) {
    return { ok: false, ...classifyError(e), retryable: false };
  } finally {
    unfollow();
    claim?.release();
  }
}
