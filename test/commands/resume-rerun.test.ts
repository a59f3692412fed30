// `oe resume --rerun` (issue #9 §6): the node list, parsed and checked before anything runs.
import { describe, expect, it } from 'vitest';
import { parseRerun } from '../../src/commands/resume.js';
import type { Experience } from '../../src/experience/types.js';
import { UsageError } from '../../src/util/errors.js';

const exp = { graph: { nodes: [{ id: 'scan' }, { id: 'review' }, { id: 'decide' }], edges: [] } } as unknown as Experience;

describe('parseRerun', () => {
  it('takes comma-separated node ids, once each', () => expect(parseRerun('review, scan,review', exp)).toEqual(['review', 'scan']));

  it.each([
    ['revue', '--rerun names node "revue", which is not in the experience (did you mean "review"?)'],
    ['zzz', '--rerun names node "zzz", which is not in the experience (its nodes: scan, review, decide)'],
    ['scan,', '--rerun takes node ids separated by commas, such as --rerun a,b (got "scan,")'],
  ])('refuses %s with a usage error (exit 2)', (text, message) => {
    expect(() => parseRerun(text, exp)).toThrow(UsageError);
    expect(() => parseRerun(text, exp)).toThrow(message);
  });
});
