// Gate nodes (SPEC §2.1, issue #11 §1): a person's verdict. It comes from the run arg named after
// the gate (`--args '{"<id>": "approve"}'`, `--approve <id>`), else from a person on a TTY
// (RunParams.askGate); with neither, the gate waits: gate.waiting is recorded, nothing new starts,
// and the run ends paused — an unattended run never approves itself, whatever `default` says. The
// verdict is part of the gate's input hash, so the same verdict restores the gate (and what follows
// it), another re-runs what follows. `reject` fails the run, or under `on_reject: skip` skips the
// gate, and the skip cascades like a false `when`; any other verdict lets what follows run, with the
// verdict as the gate's edge_output (and its one `writes` field, so a `when` can branch on it).
import type { GateNode } from '../experience/types.js';
import { renderNodePrompt } from '../nodes/prompt.js';
import { computeInputHash, type HashInputs } from './hash.js';
import { inputBundle, type NodeInputs } from './inputs.js';
import { decideAttempt, decideStart, gateWaitingEvent, skippedEvent, unpreparedFailure } from './node-decide.js';
import { completes, failUnprepared, fatalOr, type TaskContext, type TaskResult } from './node-task.js';

/** A gate's verdict was `reject` (under `on_reject: fail`): the run fails. */
export class GateRejectedError extends Error {
  constructor(nodeId: string) {
    super(`gate ${nodeId} was rejected`);
    this.name = 'GateRejectedError';
  }
}

/** The node.skipped reason of a gate rejected under `on_reject: skip` (how a resume recognises it). */
export function gateRejectedReason(nodeId: string): string {
  return `gate ${nodeId}: rejected`;
}

/** Runs a gate to its verdict, or to waiting for one. */
export async function runGate(tc: TaskContext, node: GateNode, inputs: NodeInputs, base: HashInputs): Promise<TaskResult> {
  let message: string;
  try {
    message = renderNodePrompt(node.message, inputBundle(inputs), tc.plan.args);
  } catch (e) {
    return failUnprepared(tc, node, base, e);
  }
  const given = tc.plan.args[node.id];
  let verdict = typeof given === 'string' ? given : undefined;
  if (verdict === undefined) {
    verdict = await tc.askGate?.({ nodeId: node.id, message, options: node.options, ...(node.default !== undefined ? { default: node.default } : {}) });
    if (verdict === undefined) {
      await tc.emit(gateWaitingEvent(node.id, message, node.options), true);
      return { outcome: 'waiting' };
    }
  }
  const hash = computeInputHash(tc.hasher, { ...base, verdict });
  if (!node.options.includes(verdict)) {
    await tc.emit(unpreparedFailure(node.id, hash.inputHash, new Error(`gate ${node.id}: verdict ${JSON.stringify(verdict)} is not one of ${node.options.join(', ')}`)), true);
    return { outcome: fatalOr(node) };
  }
  if (verdict === 'reject') {
    if (node.on_reject === 'skip') {
      await tc.emit(skippedEvent(node.id, gateRejectedReason(node.id)), false);
      return { outcome: 'skipped' };
    }
    await tc.emit(unpreparedFailure(node.id, hash.inputHash, new GateRejectedError(node.id)), true);
    return { outcome: 'fatal' };
  }
  const output = { state_delta: node.writes.length === 1 ? { [node.writes[0]!]: verdict } : {}, edge_output: { verdict, message } };
  const out = tc.views.outWith(node.id, output.state_delta);
  const k = { nodeId: node.id };
  const start = decideStart(k, hash, node.cache, tc.memo?.hit(node.id, 'node', hash.inputHash));
  if (start.kind === 'restore') {
    await tc.emit(start.event, false);
    return { outcome: 'cached', out };
  }
  await tc.emit(start.event, false);
  const step = decideAttempt(k, hash, 1, { ok: true, output }, { onError: node.on_error, cancelling: false, durationMs: 0 });
  if (step.kind === 'complete' && (await completes(tc, step.event, k, hash, 1))) return { outcome: 'completed', out };
  return { outcome: fatalOr(node) };
}
