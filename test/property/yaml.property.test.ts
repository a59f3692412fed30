// Property tests of the YAML loader and the validator (issue #12 §3): any text gives a value or
// problems with positions inside the file — never a throw, never a Node warning; any JSON value
// written as YAML reads back as itself; the validator returns problems for any value, never throws.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseExperienceYaml } from '../../src/experience/load-experience.js';
import { validateExperience } from '../../src/experience/validate-experience.js';

const FILE = 'exp/experience.yaml';
/** Pieces of YAML syntax, so random text is often nearly YAML. */
const piece = fc.constantFrom('\n', '  ', '- ', ': ', ':', '[', ']', '{', '}', ', ', '"', "'", '\\', '#', '&a ', '*a', '*b', '&b ', '!tag ', '!!str ', '? ', '|', '>', '---\n', '...\n', '%YAML 1.2\n', 'key', 'name', 'x', '1', 'null', '\t', '\u0000', '\ufeff', 'é', '😀', '<<: ');
const yamlSoup = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
const anyText = fc.oneof(yamlSoup, fc.string({ unit: 'binary', maxLength: 200 }));

const warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);
beforeAll(() => void process.on('warning', onWarning));
afterAll(() => void process.off('warning', onWarning));

describe('parseExperienceYaml on any text', () => {
  it('never throws, and every problem has a line and column inside the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { value, problems } = parseExperienceYaml(text, FILE);
        const lines = text.split(/\r\n|\r|\n/).length;
        for (const p of problems) {
          expect(p.file).toBe(FILE);
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.line).toBeLessThanOrEqual(lines + 1);
          expect(p.col).toBeGreaterThanOrEqual(1);
        }
        if (problems.length > 0) expect(value).toBeUndefined();
        else expect(() => JSON.stringify(value)).not.toThrow(); // no cycles reach the validator
      }),
      { numRuns: 300 },
    );
    expect(warnings).toEqual([]);
  });

  it('hands the validator something it answers with problems, never a throw', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { value, locate, problems } = parseExperienceYaml(text, FILE);
        if (problems.length > 0) return;
        const r = validateExperience(value, { file: FILE, dir: '/nonexistent', locate, files: { exists: () => false, readText: () => undefined } });
        expect(r.experience !== undefined || r.problems.length > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('YAML round trip', () => {
  it('reads any JSON object written as YAML back as the same value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }), (obj) => {
        // JSON has no NUL-free guarantee; oe refuses NUL characters, so leave them out here.
        fc.pre(!JSON.stringify(obj).includes('\\u0000'));
        const { value, problems } = parseExperienceYaml(stringify(obj), FILE);
        expect(problems).toEqual([]);
        expect(JSON.stringify(value)).toBe(JSON.stringify(obj)); // as JSON: YAML keeps -0, JSON has one zero
      }),
      { numRuns: 150 },
    );
  });
});

describe('validateExperience on any value', () => {
  it('returns problems with the file named, never throws', () => {
    const node = fc.record(
      {
        id: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('a', 'b', 'c')),
        kind: fc.oneof(fc.constantFrom('tool', 'agent', 'skill', 'dataset', 'cli-agent', 'experience', 'gate'), fc.string({ maxLength: 5 })),
        impl: fc.anything({ maxDepth: 1 }),
        prompt: fc.anything({ maxDepth: 1 }),
        reads: fc.anything({ maxDepth: 1 }),
        writes: fc.anything({ maxDepth: 1 }),
        on_error: fc.anything({ maxDepth: 2 }),
        for_each: fc.anything({ maxDepth: 2 }),
        timeout: fc.anything({ maxDepth: 0 }),
      },
      { requiredKeys: ['id', 'kind'] },
    );
    const experience = fc.record(
      {
        name: fc.anything({ maxDepth: 0 }),
        version: fc.oneof(fc.constant('1.0.0'), fc.anything({ maxDepth: 0 })),
        state: fc.oneof(fc.constant({ schema: { a: { type: 'number' } } }), fc.anything({ maxDepth: 3 })),
        graph: fc.record({ nodes: fc.oneof(fc.array(node, { maxLength: 4 }), fc.anything({ maxDepth: 2 })), edges: fc.anything({ maxDepth: 3 }) }),
        inputs: fc.anything({ maxDepth: 3 }),
        runtime: fc.anything({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(experience, fc.anything({ maxDepth: 3 })), (value) => {
        const r = validateExperience(value, { file: FILE, dir: '/nonexistent', locate: () => undefined, files: { exists: () => false, readText: () => undefined } });
        if (r.experience === undefined) {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) expect(p.file).toContain(FILE);
        }
      }),
      { numRuns: 300 },
    );
  });
});
