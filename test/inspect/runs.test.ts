// oe runs: a row from a log's first and last line only (issue #5 item 2).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLogEnds } from '../../src/inspect/log-ends.js';
import { matchesExperience, readRunEntry, runEntry } from '../../src/inspect/list-runs.js';
import { isRunProcessAlive } from '../../src/log/liveness.js';
import { hostname } from 'node:os';
import { experience, LogBuilder } from '../helpers/log-builder.js';

const DEF = experience('r', [{ id: 'a' }], []);
const ID = '01a1f866-0d00-7000-8000-0000000000cc';
const tmp = (text: string): string => {
  const f = join(mkdtempSync(join(tmpdir(), 'oe-runs-')), 'x.jsonl');
  writeFileSync(f, text);
  return f;
};

describe('readLogEnds', () => {
  it('reads the first and last lines and counts torn bytes', () => {
    const f = tmp('first\nmiddle\nlast\ntorn');
    expect(readLogEnds(f)).toMatchObject({ first: 'first', firstComplete: true, last: 'last', tornBytes: 4 });
  });
  it('handles a one-line log, an empty file and lines longer than a read chunk', () => {
    expect(readLogEnds(tmp('only\n'))).toMatchObject({ first: 'only', last: null, tornBytes: 0 });
    expect(readLogEnds(tmp(''))).toMatchObject({ first: null });
    const long = 'x'.repeat(200_000);
    expect(readLogEnds(tmp(`${long}\n${'y'.repeat(150_000)}\n`))).toMatchObject({ first: long, last: 'y'.repeat(150_000) });
  });
});

describe('runEntry / readRunEntry', () => {
  it('takes status, duration and counts from run.completed', () => {
    const b = new LogBuilder({ runId: ID }).started(DEF).executes('a', { durationMs: 250 }).finished('success');
    const e = runEntry(ID, b.events[0]!, b.events.at(-1)!, false, false);
    expect(e).toMatchObject({ status: 'success', durationMs: 250, counts: { completed: 1 }, experience: { name: 'r' } });
  });

  it('reports a log without run.completed as crashed (or running with a live pid), torn tail noted', () => {
    const b = new LogBuilder({ runId: ID }).started(DEF).advance(40).nodeStarted('a');
    const f = tmp(b.jsonl() + '{"v":1,"se');
    expect(readRunEntry(f, ID, () => false)).toMatchObject({ status: 'crashed', durationMs: 40, counts: null, tornLastLine: true });
    expect(readRunEntry(f, ID, () => true).status).toBe('running');
  });

  it('lists an empty or malformed log as unreadable instead of failing the listing', () => {
    expect(readRunEntry(tmp(''), ID, () => false)).toMatchObject({ status: 'unreadable', problem: expect.stringContaining('empty') });
    expect(readRunEntry(tmp('nope\n'), ID, () => false)).toMatchObject({ status: 'unreadable', problem: expect.stringContaining(':1: not a JSON event') });
  });
});

describe('matchesExperience', () => {
  it('matches the recorded experience.yaml or its directory', () => {
    expect(matchesExperience('experiences/x/experience.yaml', '/ws', '/ws/experiences/x')).toBe(true);
    expect(matchesExperience('experiences/x/experience.yaml', '/ws', '/ws/experiences/x/experience.yaml')).toBe(true);
    expect(matchesExperience('experiences/x/experience.yaml', '/ws', '/ws/experiences/y')).toBe(false);
  });
});

describe('isRunProcessAlive', () => {
  it('is alive only for a live pid recorded on this host (or with no host recorded)', () => {
    expect(isRunProcessAlive({ pid: process.pid })).toBe(true);
    expect(isRunProcessAlive({ pid: process.pid, host: hostname() })).toBe(true);
    expect(isRunProcessAlive({ pid: process.pid, host: `not-${hostname()}` })).toBe(false);
    expect(isRunProcessAlive({ pid: 2147483646 })).toBe(false);
    expect(isRunProcessAlive(undefined)).toBe(false);
  });
});
