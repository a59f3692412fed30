import { describe, expect, it } from 'vitest';
import { parseRunId, uuidv7Source } from '../../src/util/ids.js';
import { UsageError } from '../../src/util/errors.js';

describe('run ids', () => {
  it('are UUIDv7 with the timestamp first, sorting in creation order within one ms', () => {
    const next = uuidv7Source(() => 0x0192f3a4b5c6, (b) => b.fill(0xab));
    const ids = Array.from({ length: 50 }, next);
    expect(ids[0]).toMatch(/^0192f3a4-b5c6-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
  });
  it('parse only UUIDs, as a usage error otherwise', () => {
    expect(parseRunId('0192F3A4-B5C6-7000-8000-000000000000')).toBe('0192f3a4-b5c6-7000-8000-000000000000');
    expect(() => parseRunId('../etc/passwd')).toThrow(UsageError);
  });
});
