// Issue #10 §6: `oe graph` through the real CLI — Mermaid text on stdout or in a file, a
// self-contained HTML page with the drawn SVG, no API key needed; bad input exits like validate.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OE_BIN, runOe } from '../helpers/cli.js';
import { execFileSync } from 'node:child_process';
import { freshExperiences } from '../helpers/experience.js';

const experience = freshExperiences();

const YAML = `name: drawn
version: 0.2.0
description: draws <itself>
state:
  schema:
    items: { type: array }
    findings: { type: array, merge: array_append }
phases:
  - { id: load, title: Load }
  - { id: review }
graph:
  nodes:
    - { id: scan, kind: tool, phase: load, impl: tools/trace.mjs, writes: [items] }
    - { id: check, kind: cli-agent, provider: claude-code, phase: review, prompt: "Check {{$item}}", for_each: { source: $.items }, writes: [findings] }
    - { id: report, kind: tool, impl: tools/trace.mjs, reads: [findings] }
  edges:
    - { from: scan, to: check }
    - { from: check, to: report, when: "length($.findings) > 0" }
`;

describe('#10: oe graph', () => {
  it('prints the Mermaid flowchart on stdout, with no key and no run', async () => {
    const ws = experience(YAML);
    const r = await runOe(['graph', 'exp'], { cwd: ws.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`flowchart TD
  report["report<br/>tool"]:::tool
  subgraph phase_1["Load"]
    scan["scan<br/>tool"]:::tool
  end
  subgraph phase_2["review"]
    check[["check<br/>cli-agent: claude-code<br/>for each $.items"]]:::cli_agent
  end
  scan --> check
  check -->|"length($.findings) > 0"| report
  classDef tool fill:#e3f2fd,stroke:#1565c0
  classDef cli_agent fill:#fff3e0,stroke:#e65100
`);
    expect(existsSync(join(ws.root, '.openexpertise'))).toBe(false);
  });

  it('--html -o writes a self-contained page: the drawn SVG with every node, the Mermaid source, nothing fetched', async () => {
    const ws = experience(YAML);
    const r = await runOe(['--log-format', 'json', 'graph', 'exp', '--html', '-o', 'graph.html', '--direction', 'LR'], { cwd: ws.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.at(-1)).toMatchObject({ msg: 'graph written', file: 'graph.html', format: 'html', nodes: 3 });
    const html = readFileSync(join(ws.root, 'graph.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    for (const text of ['scan', 'check', 'report', 'Load', 'length($.findings) &gt; 0']) expect(html).toContain(text);
    expect(html).toContain('draws &lt;itself&gt;');
    expect(html).toContain('<pre class="mermaid-source">flowchart LR');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(html).not.toContain('<script');
  });

  it('an invalid experience exits 2 with its problems; a bad --direction is a usage error', async () => {
    const ws = experience(YAML.replace('phase: review', 'phase: reviw'));
    const r = await runOe(['--log-format', 'json', 'graph', 'exp'], { cwd: ws.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exp/experience.yaml:14:67: node \\"check\\": phase \\"reviw\\" is not declared in phases');
    expect(r.stdout).toBe('');
    const bad = await runOe(['graph', 'exp', '--direction', 'up'], { cwd: ws.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--direction must be TD or LR, not \\"up\\"');
    const missing = await runOe(['graph', 'nowhere'], { cwd: ws.root });
    expect(missing.code).toBe(1);
  });

  it('stdout survives a slow pipe: the whole JSON Schema (over 64 KiB) and the whole page arrive', async () => {
    const ws = experience(YAML);
    // A consumer that starts reading only after oe has finished writing, as `| less` might.
    const slow = (args: string) => execFileSync('sh', ['-c', `"${process.execPath}" "${OE_BIN}" ${args} | (sleep 1; cat)`], { cwd: ws.root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const schema = slow('schema');
    expect(schema.length).toBeGreaterThan(65_536);
    expect(() => JSON.parse(schema)).not.toThrow();
    expect(slow('graph exp --html').trimEnd().endsWith('</html>')).toBe(true);
  });
});
