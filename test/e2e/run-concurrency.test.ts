// `oe run` end to end on concurrency (issue #2 §5, §10): two slow tools really run at the same time,
// each in its own thread. The scheduler's limits and the determinism rule (SPEC §2.5) are tested
// in-process in test/engine/run-concurrency.test.ts (issue #8 §6).
import { describe, expect, it } from 'vitest';
import { freshExperiences, maxOverlap, runChecked } from '../helpers/experience.js';

const experience = freshExperiences();

const TWO_SLOW = `
name: two-slow
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: slow_a, kind: tool, impl: tools/trace.mjs, args: { sleep: 1000 } }
    - { id: slow_b, kind: tool, impl: tools/trace.mjs, args: { sleep: 1000 } }
`;
// 1 s each: the second thread starts once slow_b has waited as long as a thread takes to start
// (executors/tool-pool.ts), which on a loaded CI machine is a few hundred ms.

describe('oe run: --concurrency', () => {
  it('runs two slow independent nodes at the same time with --concurrency 2', async () => {
    const ws = experience(TWO_SLOW);
    await runChecked(ws, ['--concurrency', '2']);
    const [a, b] = ['slow_a', 'slow_b'].map((id) => ws.trace().find((t) => t.node === id)!);
    expect(a!.start).toBeLessThan(b!.end);
    expect(b!.start).toBeLessThan(a!.end);
    expect(maxOverlap(ws.trace())).toBe(2);
  });

  it('runs 12 tools at once in 12 threads whose prints reach stderr without a listener-leak warning', async () => {
    const nodes = Array.from({ length: 12 }, (_, i) => `    - { id: t${i}, kind: tool, impl: tools/trace.mjs, args: { sleep: 1000 } }`);
    const ws = experience(`name: twelve\nversion: 1.0.0\nstate:\n  schema: {}\ngraph:\n  nodes:\n${nodes.join('\n')}\n`);
    const r = await runChecked(ws, ['--concurrency', '12']);
    expect(maxOverlap(ws.trace())).toBeGreaterThan(10); // more threads than Node's default listener limit
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning|memory leak/);
  });
});
