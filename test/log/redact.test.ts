// Secrets never reach a log (SPEC §3), even when they hold JSON's special characters (issue #12).
import { describe, expect, it } from 'vitest';
import { REDACTED, redactJsonLine, redactText, redactValue, redactable, redactingLogger } from '../../src/log/redact.js';

const QUOTED = 'sk-ab"cd\\ef/gh';
const PLAIN = 'sk-0123456789';

describe('redactJsonLine', () => {
  it('#12: redacts a secret holding " and \\ in its JSON-escaped form, and the line stays JSON', () => {
    const line = JSON.stringify({ type: 'node.failed', error: { name: 'Error', message: `bad key ${QUOTED}!` } });
    expect(line).not.toContain(QUOTED); // it is written escaped, which the old raw comparison missed
    const out = redactJsonLine(line, [QUOTED]);
    expect(JSON.parse(out)).toEqual({ type: 'node.failed', error: { name: 'Error', message: `bad key ${REDACTED}!` } });
    expect(out).not.toContain(JSON.stringify(QUOTED).slice(1, -1));
  });

  it('redacts in keys, in nested values and in numbers', () => {
    const line = JSON.stringify({ [`k-${PLAIN}`]: [1, { deep: PLAIN }], n: 1234567890123 });
    expect(JSON.parse(redactJsonLine(line, [PLAIN, '1234567890']))).toEqual({ [`k-${REDACTED}`]: [1, { deep: REDACTED }], n: `${REDACTED}123` });
  });

  it('returns the very same string when no secret occurs, and ignores short values', () => {
    const line = JSON.stringify({ a: 'nothing secret', b: 'short' });
    expect(redactJsonLine(line, [PLAIN, 'short'])).toBe(line);
    expect(redactable(['short', PLAIN, PLAIN, `${PLAIN}-longer`])).toEqual([`${PLAIN}-longer`, PLAIN]);
  });

  it('leaves text that only looks like the secret across JSON punctuation', () => {
    const line = JSON.stringify(['x-sk-ab', 'cd-y']);
    expect(redactJsonLine(line, ['sk-ab","cd'])).toBe(line);
  });
});

describe('redactText and redactValue', () => {
  it('redacts every occurrence in plain text', () => {
    expect(redactText(`${QUOTED} and ${QUOTED}`, [QUOTED])).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('copies objects, arrays and errors with secrets redacted, keeping cycles and other values', () => {
    const cyclic: Record<string, unknown> = { token: PLAIN };
    cyclic.self = cyclic;
    const err = Object.assign(new TypeError(`no ${PLAIN}`), { code: PLAIN });
    const date = new Date(0);
    const out = redactValue({ cyclic, err, date, list: [PLAIN] }, [PLAIN]) as { cyclic: Record<string, unknown>; err: Error & { code: string }; date: Date; list: string[] };
    expect(out.cyclic.token).toBe(REDACTED);
    expect(out.cyclic.self).toBe(out.cyclic);
    expect(out.err).toBeInstanceOf(Error);
    expect([out.err.name, out.err.message, out.err.code]).toEqual(['TypeError', `no ${REDACTED}`, REDACTED]);
    expect(out.err.stack).not.toContain(PLAIN);
    expect(out.date).toBe(date);
    expect(out.list).toEqual([REDACTED]);
  });
});

describe('redactingLogger', () => {
  it('#12: redacts every argument of every level before the logger sees it', () => {
    const seen: unknown[][] = [];
    const record = (...args: unknown[]): void => void seen.push(args);
    const log = redactingLogger({ debug: record, info: record, warn: record, error: record }, [PLAIN]);
    log.info({ key: PLAIN }, `using ${PLAIN}`);
    log.error(`printf %s`, PLAIN as never);
    log.warn('nothing to hide');
    expect(seen).toEqual([[{ key: REDACTED }, `using ${REDACTED}`], ['printf %s', REDACTED], ['nothing to hide']]);
  });
});
