// The live view through a real terminal (issue #14 §1–§3, §6): what a person sees mid-run — running
// nodes with elapsed time, a fan-out's done/total, a spinner, finished nodes above — and at the end —
// the block gone, a summary with the next command; NO_COLOR; a narrow terminal; stderr for people
// when only stdout is piped. tmux runs bin/oe in a pane of a chosen size; the test reads the screen.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OE_BIN, runLogs, runOe } from '../helpers/cli.js';
import { writeExperience } from '../helpers/experience.js';
import { HAS_TMUX, openPane, type Pane } from '../helpers/pty.js';

// `slow` runs until the test creates the file `release`, so the screen can be read mid-run at leisure.
const ws = writeExperience(
  `
name: live-demo
version: 1.0.0
state:
  schema:
    items: { type: array, merge: last_wins }
    out: { type: array, merge: array_append }
graph:
  nodes:
    - { id: list, kind: tool, impl: tools/list.mjs, writes: [items] }
    - { id: slow, kind: tool, impl: tools/wait.mjs }
    - id: each
      kind: tool
      impl: tools/item.mjs
      reads: [items]
      writes: [out]
      for_each: { source: $.items, concurrency: 2 }
  edges:
    - { from: list, to: each }
runtime:
  concurrency: 3
`,
  {
    'tools/list.mjs': `export default () => ({ state_delta: { items: [1, 2, 3, 4, 5, 6] } });`,
    'tools/item.mjs': `export default async (input) => { await new Promise((r) => setTimeout(r, 150)); if (input.$item === 1) console.log('item one printed this'); return { state_delta: { out: [input.$item * 10] } }; };`,
    'tools/wait.mjs': `import { existsSync } from 'node:fs'; import { join } from 'node:path';
export default async (input, ctx) => { while (!existsSync(join(ctx.experienceDir, 'release'))) await new Promise((r) => setTimeout(r, 50)); return {}; };`,
  },
);
const release = join(ws.dir, 'release');
const oe = (args: string) => `cd '${ws.root}' && '${process.execPath}' '${OE_BIN}' ${args}`;
const panes: Pane[] = [];
const pane = (args: string, opts: { cols?: number; rows?: number; env?: Record<string, string> } = {}): Pane => {
  const p = openPane(oe(args), { cols: opts.cols ?? 100, rows: opts.rows ?? 30, ...(opts.env ? { env: opts.env } : {}) });
  panes.push(p);
  return p;
};
afterAll(() => {
  for (const p of panes) p.close();
  ws.remove();
});
/** Polls `get` until it returns a value (10 s at most). */
async function waitForValue<T>(get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}
const exited = (s: string) => /\[exit \d+\]/.test(s);
const unblock = () => writeFileSync(release, '');
const reset = async () => {
  if (existsSync(release)) (await import('node:fs')).rmSync(release);
};

describe.skipIf(!HAS_TMUX)('oe run on a terminal: the live view', () => {
  it('shows the running nodes with elapsed time, the fan-out’s done/total and a spinner; at the end a summary and the next command', async () => {
    await reset();
    const p = pane('run exp');
    // Mid-run: the fan-out's bar, the slow node with its time, and the status line.
    const mid = await p.waitFor((s) => /slow\s+\d/.test(s) && /\[[█░]{12}\] \d\/6 items/.test(s));
    expect(mid).toMatch(/^▶ run [0-9a-f-]{36} — live-demo@1\.0\.0$/m);
    expect(mid).toMatch(/^✔ list \d+ ms$/m);
    expect(mid).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow\s+(\d+ ms|\d+\.\d s)/m);
    expect(mid).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] each\s+\[[█░]{12}\] \d\/6 items/m);
    expect(mid).toMatch(/\d\/3 nodes done · \d running · .* Ctrl-C cancels/);
    // The fan-out finishes; its line scrolls above, the slow node is still shown running. The
    // finished line and the redrawn block are two writes, so wait for the screen that has both.
    const later = await p.waitFor((s) => /^✔ each /m.test(s) && /nodes done/.test(s));
    expect(later).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow/m);
    expect(later).toMatch(/2\/3 nodes done · 1 running/);
    // A tool's print lands above the block, whole.
    expect(later).toMatch(/^item one printed this$/m);
    unblock();
    const end = await p.waitFor(exited);
    expect(end).toContain('[exit 0]');
    const [log] = runLogs(ws.root).slice(-1);
    const runId = log!.slice(-42, -6);
    const short = runId.slice(-8);
    expect(end).toMatch(/^✔ run success in \d+(\.\d)? (ms|s) · 3 executed, 0 cached, 0 failed, 0 skipped$/m);
    expect(end).toContain(`  log    .openexpertise/runs/${runId}.jsonl`);
    expect(end).toMatch(new RegExp(`^  next   oe inspect ${short}  # `, 'm'));
    // The block is gone; no timestamps, levels or final-state dump.
    expect(end).not.toMatch(/nodes done|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(end).not.toMatch(/INFO|\[\d\d:\d\d:\d\d|final state/);
    // The short id printed is one oe accepts.
    const r = await runOe(['inspect', short, '--json'], { cwd: ws.root });
    expect(JSON.parse(r.stdout).runId).toBe(runId);
  });

  it('colours on a terminal, and not with NO_COLOR', async () => {
    await reset();
    unblock();
    const coloured = pane('run exp');
    await coloured.waitFor(exited);
    expect(coloured.capture(true)).toMatch(/\x1b\[[0-9;]*3[1-6]m/);
    const plain = pane('run exp', { env: { NO_COLOR: '1' } });
    await plain.waitFor(exited);
    expect(plain.capture(true)).not.toMatch(/\x1b\[[0-9;]*m/);
    expect(plain.capture()).toMatch(/^✔ run success/m);
  });

  it('falls back to plain lines on a narrow terminal: a line when a node starts and at each quarter of a fan-out', async () => {
    await reset();
    const p = pane('run exp', { cols: 36 });
    const mid = await p.waitFor((s) => /^… each \d\/6 items/m.test(s));
    expect(mid).toMatch(/^… slow started$/m);
    expect(mid).not.toMatch(/nodes done|\[[█░]+\]/);
    unblock();
    expect(await p.waitFor(exited)).toContain('[exit 0]');
  });

  it('with --no-progress prints only the finished nodes and the summary', async () => {
    await reset();
    unblock();
    const p = pane('run exp --no-progress');
    const end = await p.waitFor(exited);
    expect(end).toMatch(/^✔ each /m);
    expect(end).not.toMatch(/started|nodes done/);
  });

  it('ends the run cancelled, its log whole, when the terminal closes mid-run (a write error on a gone terminal is not a crash loop)', async () => {
    await reset();
    const before = runLogs(ws.root).length;
    const p = pane('run exp');
    await p.waitFor((s) => /slow\s+\d/.test(s));
    p.close(); // SIGHUP to oe; its terminal is gone
    const log = await waitForValue(() => {
      const logs = runLogs(ws.root);
      if (logs.length === before) return undefined;
      const last = readFileSync(logs.at(-1)!, 'utf8').trim().split('\n').at(-1)!;
      return JSON.parse(last).type === 'run.completed' ? (JSON.parse(last) as { status: string }) : undefined;
    });
    expect(log.status).toBe('cancelled');
  });

  it('keeps stderr for people when only stdout is piped (#14 §6)', async () => {
    const p = pane('inspect nope | cat');
    const end = await p.waitFor(exited);
    expect(end).toMatch(/^oe: not a run id: "nope"/m);
    expect(end).not.toContain('"level"');
  });
});

if (!HAS_TMUX && process.env.CI) {
  describe('the live view through a terminal', () => {
    it('needs tmux in CI', () => {
      throw new Error('CI is set but tmux is not installed (apt-get install -y tmux)');
    });
  });
}
