// Run-id shortcuts (issue #14 §4), pure: what parses, and which of the workspace's ids a reference names.
import { describe, expect, it } from 'vitest';
import { matchRunRef, parseRunRef } from '../../src/inspect/run-ref.js';
import { UsageError } from '../../src/util/errors.js';
import type { RunId } from '../../src/util/ids.js';

// Two runs made in the same minute share their first 8 digits; the third is a day later.
const A = '0192f3a4-5b6c-7d8e-9f01-1a2b3c4d5e6f' as RunId;
const B = '0192f3a4-77aa-7000-8000-00000000beef' as RunId;
const C = '0193aaaa-0000-7000-8000-0000cafe1234' as RunId;
const IDS = [C, B, A];

const match = (raw: string) => {
  const ref = parseRunRef(raw);
  if (ref.kind === 'latest') throw new Error('latest');
  return matchRunRef(ref, IDS);
};

describe('parseRunRef', () => {
  it('reads a full UUID in any case as that id', () => {
    expect(parseRunRef(A.toUpperCase())).toEqual({ kind: 'id', runId: A });
  });
  it('reads latest, a prefix, the 8-digit short id and the …-led short form', () => {
    expect(parseRunRef('latest')).toEqual({ kind: 'latest' });
    expect(parseRunRef('0192f3a4-5b')).toEqual({ kind: 'part', digits: '0192f3a45b', prefix: true, suffix: false });
    expect(parseRunRef('1a2b3c4d')).toEqual({ kind: 'part', digits: '1a2b3c4d', prefix: true, suffix: true });
    expect(parseRunRef('…5e6f')).toEqual({ kind: 'part', digits: '5e6f', prefix: false, suffix: true });
  });
  it.each(['', 'abc', 'nope', '../../etc/passwd', 'latest2', 'LATEST', `${A}0`, '0192/../x', '-0192', 'a'.repeat(33), 'ab\ncd'])('refuses %j before any file-system access (exit 2)', (raw) => {
    expect(() => parseRunRef(raw)).toThrow(UsageError);
    expect(() => parseRunRef(raw)).toThrow(/^not a run id: /);
  });
});

describe('matchRunRef', () => {
  it('finds a unique prefix of at least 4 digits, with or without dashes', () => {
    expect(match('0193')).toEqual({ kind: 'one', runId: C });
    expect(match('0192f3a45b6c')).toEqual({ kind: 'one', runId: A });
    expect(match('0192f3a4-77')).toEqual({ kind: 'one', runId: B });
  });
  it('finds a run by the short id oe prints (the last 8 digits)', () => {
    expect(match('0000beef')).toEqual({ kind: 'one', runId: B });
    expect(match('…cafe1234')).toEqual({ kind: 'one', runId: C });
  });
  it('lists every candidate of an ambiguous prefix, newest first', () => {
    // Runs started within the same minute share their first 8 digits.
    expect(match('0192f3a4')).toEqual({ kind: 'many', runIds: [B, A] });
    expect(match('0192')).toEqual({ kind: 'many', runIds: [B, A] });
  });
  it('matches nothing for an unknown id or prefix', () => {
    expect(match('ffff')).toEqual({ kind: 'none' });
    expect(match('0192f3a4-5b6c-7d8e-9f01-000000000000')).toEqual({ kind: 'none' });
  });
});
