// What travels through Redis (issue #13): job ids, job data and results, parsed at each edge.
import { describe, expect, it } from 'vitest';
import type { AttemptTask } from '../../src/engine/executor.js';
import { WIRE_VERSION, jobDataOf, jobIdOf, parseCancelNote, parseJobData, parseProgress, parseResult } from '../../src/executors/bullmq-wire.js';
import type { NodeDef } from '../../src/experience/types.js';
import type { InputHash, RunId } from '../../src/util/ids.js';

const node = { id: 'scan', kind: 'tool', impl: 'tools/scan.mjs', reads: [], writes: ['found'], args: {}, on_error: { policy: 'fail_run' }, cache: true } as unknown as NodeDef;
const task: AttemptTask = {
  runId: '01a233bd-15e5-71c5-b8b3-41b6bf909a19' as RunId,
  node,
  attempt: 1,
  input: { _state: {}, _edge_inputs: {} },
  experienceDir: '/ws/exp',
  args: { repo: '.' },
  schema: { found: { type: 'array', merge: 'array_append' } },
  inputHash: '0123456789abcdef' as InputHash,
  hashParts: { definition: 'aaaaaaaaaaaaaaaa', 'file.tools/scan.mjs': 'bbbbbbbbbbbbbbbb' },
};

describe('jobIdOf', () => {
  it('names run, node, iteration, attempt and input hash, with no ":" (BullMQ forbids it in custom ids)', () => {
    expect(jobIdOf(task)).toBe('01a233bd-15e5-71c5-b8b3-41b6bf909a19.scan.n.1.0123456789abcdef');
    expect(jobIdOf({ ...task, iteration: { index: 3 }, attempt: 2 })).toBe('01a233bd-15e5-71c5-b8b3-41b6bf909a19.scan.i3.2.0123456789abcdef');
    const ids = new Set([jobIdOf(task), jobIdOf({ ...task, attempt: 2 }), jobIdOf({ ...task, iteration: { index: 0 } }), jobIdOf({ ...task, inputHash: 'fedcba9876543210' as InputHash }), jobIdOf({ ...task, runId: '01a233bd-15e5-71c5-b8b3-41b6bf909a20' as RunId })]);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(id).not.toContain(':');
  });
});

describe('job data', () => {
  it('carries the task with its directory relative to the workspace, and no LLM settings', () => {
    const data = jobDataOf(task, 'exp', 10_000);
    expect(data).toEqual({ ...task, experienceDir: undefined, v: WIRE_VERSION, experiencePath: 'exp', lostMs: 10_000 });
    expect(Object.keys(data)).not.toContain('experienceDir');
    expect(JSON.stringify(data)).not.toMatch(/llm|apiKey/i);
    expect(parseJobData(JSON.parse(JSON.stringify(data)))).toEqual(data);
  });

  it('refuses another wire version, naming both, and data that is not an attempt', () => {
    expect(() => parseJobData({ ...jobDataOf(task, 'exp', 10_000), v: 2 })).toThrow('wire version 2, this worker reads version 1');
    expect(() => parseJobData({ v: 1, runId: 'x' })).toThrow(/not an oe attempt: runId/);
  });
});

describe('results and progress', () => {
  it('accepts an attempt result and rejects anything else', () => {
    expect(parseResult({ ok: true, output: { state_delta: { a: 1 }, edge_output: null } })).toEqual({ ok: true, output: { state_delta: { a: 1 }, edge_output: null } });
    expect(parseResult({ ok: false, error: { name: 'E', message: 'm' }, retryable: true })).toEqual({ ok: false, error: { name: 'E', message: 'm' }, retryable: true });
    expect(() => parseResult(42)).toThrow("the worker's result is not an attempt result");
    expect(() => parseResult({ ok: true, output: { state_delta: [] } })).toThrow(/output.state_delta/);
  });

  it('reads only its own progress and cancel shapes', () => {
    expect(parseProgress({ t: 'log', level: 'info', msg: 'hi' })).toEqual({ t: 'log', level: 'info', msg: 'hi' });
    expect(parseProgress(50)).toBeUndefined();
    expect(parseCancelNote('{"jobId":"j","error":{"name":"CancelledError","message":"m"}}')).toEqual({ jobId: 'j', error: { name: 'CancelledError', message: 'm' } });
    expect(parseCancelNote('cancel j')).toBeUndefined();
  });
});
