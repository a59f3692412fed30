// The crash fuzzer's checks catch what they exist for (issue #12 §1): given a resume chain built in
// code, each broken invariant is named, and a clean chain passes. In-process, no oe spawned.
import { describe, expect, it } from 'vitest';
import type { OeEvent } from '../../src/log/events.js';
import { chainProblems, changedLogs, type ChainRun } from './checks.js';
import { planOf } from './plan.js';

const OUT = { state_delta: {}, edge_output: null };
const R0 = '01900000-0000-7000-8000-000000000000';
const R1 = '01900000-0000-7000-8000-000000000001';

/** A minimal event of `type` in run `runId` (only the fields the checks read). */
function ev(runId: string, type: string, fields: Record<string, unknown>): OeEvent {
  return { v: 1, seq: 0, ts: '2026-01-01T00:00:00.000Z', runId, type, ...fields } as unknown as OeEvent;
}
const started = (runId: string, nodeId: string, index?: number) => ev(runId, 'node.started', { nodeId, inputHash: 'h', attempt: 1, ...(index === undefined ? {} : { iteration: { index } }) });
const completed = (runId: string, nodeId: string, index?: number) => ev(runId, 'node.completed', { nodeId, inputHash: 'h', output: OUT, durationMs: 1, ...(index === undefined ? {} : { iteration: { index } }) });
const cached = (runId: string, nodeId: string, fromRunId: string, inputHash = 'h') => ev(runId, 'node.cached', { nodeId, inputHash, output: OUT, fromRunId });

/** R0 crashed after completing `a` and each[0] (b was running); R1 restores them and runs the rest. */
function cleanChain(): { chain: ChainRun[]; executions: Array<{ runId: string; unit: string }> } {
  return {
    chain: [
      { runId: R0, events: [started(R0, 'a'), completed(R0, 'a'), started(R0, 'each'), started(R0, 'each', 0), completed(R0, 'each', 0), started(R0, 'b')] },
      { runId: R1, events: [cached(R1, 'a', R0), started(R1, 'each'), cached(R1, 'each', R0), started(R1, 'each', 1), completed(R1, 'each', 1), completed(R1, 'each'), started(R1, 'b'), completed(R1, 'b')] },
    ],
    executions: [
      { runId: R0, unit: 'a' },
      { runId: R0, unit: 'each[0]' },
      { runId: R0, unit: 'b' },
      { runId: R1, unit: 'each[1]' },
      { runId: R1, unit: 'b' },
    ],
  };
}
const FOR_EACH = new Set(['each']);

describe('crash fuzzing checks', () => {
  it('pass a chain where only what never completed ran again', () => {
    const { chain, executions } = cleanChain();
    chain[1]!.events = chain[1]!.events.filter((e) => !(e.type === 'node.cached' && e.nodeId === 'each'));
    expect(chainProblems(chain, executions, FOR_EACH)).toEqual([]);
  });

  it('name a unit executed again after an earlier run of the chain logged its node.completed', () => {
    const { chain, executions } = cleanChain();
    chain[1]!.events = chain[1]!.events.filter((e) => !(e.type === 'node.cached' && e.nodeId === 'each'));
    executions.push({ runId: R1, unit: 'each[0]' });
    expect(chainProblems(chain, executions, FOR_EACH)).toEqual([`each[0] executed again in run 1 (${R1}) although run 0 (${R0}) had logged its node.completed`]);
  });

  it('name a unit started again in the log, a unit executed twice in one run, and an execution by a run outside the chain', () => {
    const { chain, executions } = cleanChain();
    chain[1]!.events = [...chain[1]!.events.filter((e) => !(e.type === 'node.cached')), started(R1, 'a')];
    executions.push({ runId: R1, unit: 'b' }, { runId: '01900000-0000-7000-8000-0000000000ff', unit: 'a' });
    const problems = chainProblems(chain, executions, FOR_EACH);
    expect(problems).toContain(`a started again (node.started) in run 1 (${R1}) although run 0 (${R0}) had logged its node.completed`);
    expect(problems).toContain(`b executed twice in run 1 (${R1})`);
    expect(problems.some((p) => p.includes('which is not in the resume chain'))).toBe(true);
  });

  it('name a completion whose tool never executed, but not a for_each aggregate (its iterations execute)', () => {
    const { chain, executions } = cleanChain();
    chain[1]!.events = chain[1]!.events.filter((e) => !(e.type === 'node.cached' && e.nodeId === 'each'));
    const problems = chainProblems(chain, executions.filter((x) => !(x.runId === R1 && x.unit === 'b')), FOR_EACH);
    expect(problems).toEqual([`b has node.completed in run 1 (${R1}) but its tool never executed there`]);
  });

  it('name a restore from a run that never completed the unit, with another input hash, or from a later run', () => {
    const { chain, executions } = cleanChain();
    chain[1]!.events = [cached(R1, 'b', R0), cached(R1, 'a', R0, 'other'), cached(R1, 'each', R1)];
    const problems = chainProblems(chain, executions.filter((x) => x.runId === R0), FOR_EACH);
    expect(problems).toEqual([
      `b was restored in run 1 from run 0 (${R0}), whose log has no node.completed of it with input hash h`,
      `a was restored in run 1 from run 0 (${R0}), whose log has no node.completed of it with input hash other`,
      `each was restored in run 1 from run ${R1}, which is not an earlier run of the chain`,
    ]);
  });

  it('name a log whose bytes changed or that is gone', () => {
    const recorded = new Map([
      ['a.jsonl', 'aa'.repeat(32)],
      ['b.jsonl', 'bb'.repeat(32)],
      ['c.jsonl', 'cc'.repeat(32)],
    ]);
    const now = new Map<string, string | undefined>([
      ['a.jsonl', 'aa'.repeat(32)],
      ['b.jsonl', 'dd'.repeat(32)],
      ['c.jsonl', undefined],
    ]);
    expect(changedLogs(recorded, now)).toEqual(['b.jsonl changed after its run ended (sha256 bbbbbbbbbbbb… → dddddddddddd…)', 'c.jsonl was removed after its run ended']);
  });

  it('draw the same plan from the same seed, and different plans from different seeds', () => {
    expect(planOf(7)).toEqual(planOf(7));
    expect(planOf(7)).not.toEqual(planOf(8));
    for (let seed = 1; seed <= 50; seed++) {
      const plan = planOf(seed);
      expect(plan.interrupted.length).toBeGreaterThan(0);
      for (const inv of plan.interrupted) {
        if (inv.interruption?.how === 'pause') expect(inv.interruption.afterEvents).toBeGreaterThan(0);
        if (inv.interruption?.how !== 'kill') expect(inv.interruption?.tear).toBeUndefined();
      }
    }
  });
});
