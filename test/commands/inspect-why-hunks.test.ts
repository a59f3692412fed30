// `oe inspect --why`'s hunks (issue #14 §10): how a changed part's value changed, from both logs,
// through the command with a memory sink.
import { describe, expect, it } from 'vitest';
import { inspectCommand } from '../../src/commands/inspect.js';
import type { InspectEnv } from '../../src/cli/inspect-env.js';
import { memorySink } from '../../src/cli/sink.js';
import { tempDir } from '../helpers/cli.js';
import { experience, LogBuilder } from '../helpers/log-builder.js';

const PRIOR = '01a1f866-0d00-7000-8000-0000000000a1';
const NOW = '01a1f866-0d00-7000-8000-0000000000a2';

describe('--why hunks', () => {
  it('shows how a read state field and the node’s definition changed; a file part has no hunk', async () => {
    const ws = tempDir('oe-why-hunks-');
    const before = experience('w', [{ id: 'a', writes: ['x'] }, { id: 'b', reads: ['x'], args: { n: 1 } }], [['a', 'b']], ['x']);
    const after = experience('w', [{ id: 'a', writes: ['x'] }, { id: 'b', reads: ['x'], args: { n: 2 } }], [['a', 'b']], ['x']);
    const parts = (x: string, def: string, file: string) => ({ 'state.x': x, definition: def, 'file.tools/b.mjs': file });
    new LogBuilder({ runId: PRIOR })
      .started(before)
      .executes('a', { output: { state_delta: { x: { city: 'Oslo', temp: 3 } } } })
      .executes('b', { hashParts: parts('x1', 'd1', 'f1') })
      .finished('success')
      .writeTo(ws);
    new LogBuilder({ runId: NOW })
      .started(after, { resumedFrom: PRIOR })
      .executes('a', { output: { state_delta: { x: { city: 'Oslo', temp: 4 } } } })
      .executes('b', { hashParts: parts('x2', 'd2', 'f2') })
      .finished('success')
      .writeTo(ws);
    const out = memorySink();
    const env: InspectEnv = { workspace: ws, cwd: ws, json: true, out, warn: () => {}, info: () => {} };
    await inspectCommand(NOW, { why: 'b' }, env);
    const w = JSON.parse(out.text()) as { verdict: string; parts: Array<{ part: string; hunks?: Array<{ lines: Array<{ op: string; line: string }> }> }> };
    expect(w.verdict).toBe('inputs-changed');
    const byPart = Object.fromEntries(w.parts.map((p) => [p.part, p.hunks]));
    const changed = (part: string) => byPart[part]!.flatMap((h) => h.lines.filter((l) => l.op !== ' ').map((l) => `${l.op}${l.line.trim()}`));
    expect(changed('definition')).toEqual(['-"n": 1', '+"n": 2']);
    expect(changed('state.x')).toEqual(['-"temp": 3', '+"temp": 4']);
    expect(byPart['file.tools/b.mjs']).toBeUndefined();
    const text = memorySink();
    await inspectCommand(NOW, { why: 'b' }, { ...env, json: false, out: text });
    expect(text.text()).toMatch(/state field x changed {2}\[state\.x\]\n {6}@@ -\d+,\d+ \+\d+,\d+ @@\n/);
  });
});
