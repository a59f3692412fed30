// Issue #10 §6: the Mermaid flowchart of an experience (pure).
import { describe, expect, it } from 'vitest';
import { renderMermaid } from '../../src/experience/mermaid.js';
import type { Experience, NodeDef } from '../../src/experience/types.js';

const base = { reads: [], writes: [], args: {}, on_error: { policy: 'fail_run' }, cache: true } as const;
const node = (n: Record<string, unknown>): NodeDef => ({ ...base, ...n }) as unknown as NodeDef;

const exp: Pick<Experience, 'graph' | 'phases'> = {
  phases: [{ id: 'load', title: 'Load the "data"' }, { id: 'unused' }, { id: 'think' }],
  graph: {
    nodes: [
      node({ id: 'rows', kind: 'dataset', phase: 'load', source: { type: 'file', uri: 'd.csv', format: 'csv' } }),
      node({ id: 'review', kind: 'agent', phase: 'think', prompt: 'p', for_each: { source: '$.items', concurrency: 4 } }),
      node({ id: 'coder', kind: 'cli-agent', provider: 'codex', phase: 'later', prompt: 'p' }),
      node({ id: 'sk', kind: 'skill', impl: 's/SKILL.md' }),
      node({ id: 'end', kind: 'gate', message: 'ok?' }),
      node({ id: 'child', kind: 'experience', impl: 'c' }),
      node({ id: 'scan', kind: 'tool', phase: 'load', impl: 'a.mjs' }),
    ],
    edges: [
      { from: 'rows' as never, to: 'review' as never },
      { from: 'review' as never, to: 'coder' as never, when: 'length($.findings) > 0 && $.ok == "yes"' },
      { from: 'coder' as never, to: 'end' as never },
    ],
  },
};

describe('renderMermaid', () => {
  it('draws phases as subgraphs in phases order, a shape per kind, for_each and when as labels', () => {
    expect(renderMermaid(exp)).toBe(`flowchart TD
  sk(["sk<br/>skill"]):::skill
  n_end{"end<br/>gate"}:::gate
  child{{"child<br/>experience"}}:::experience
  subgraph phase_1["Load the #quot;data#quot;"]
    rows[("rows<br/>dataset")]:::dataset
    scan["scan<br/>tool"]:::tool
  end
  subgraph phase_3["think"]
    review("review<br/>agent<br/>for each $.items ×4"):::agent
  end
  subgraph phase_4["later"]
    coder[["coder<br/>cli-agent: codex"]]:::cli_agent
  end
  rows --> review
  review -->|"length($.findings) > 0 && $.ok == #quot;yes#quot;"| coder
  coder --> n_end
  classDef tool fill:#e3f2fd,stroke:#1565c0
  classDef agent fill:#ede7f6,stroke:#5e35b1
  classDef skill fill:#fce4ec,stroke:#ad1457
  classDef dataset fill:#e8f5e9,stroke:#2e7d32
  classDef cli_agent fill:#fff3e0,stroke:#e65100
  classDef experience fill:#eceff1,stroke:#455a64
  classDef gate fill:#fffde7,stroke:#f9a825
`);
  });

  it('LR direction, and no subgraph without phases', () => {
    const out = renderMermaid({ graph: { nodes: [node({ id: 'a', kind: 'tool', impl: 'a.mjs' })], edges: [] } }, { direction: 'LR' });
    expect(out).toBe('flowchart LR\n  a["a<br/>tool"]:::tool\n  classDef tool fill:#e3f2fd,stroke:#1565c0\n');
  });
});
