// Runs the bad-experience corpus (experiences.ts): every case in-process through loadExperience (what
// `oe validate` and `oe run` call first), and the cases marked `spawn` through bin/oe as well.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { loadExperience } from '../../src/experience/load-experience.js';
import { EXPERIENCE_CASES, type ExperienceCase } from './experiences.js';
import { cleanup, expectRefusal, expectSpawned, makeDevice, makeFifo, workspace } from './harness.js';

afterAll(cleanup);

const TOOL = 'export default () => ({ state_delta: { a: 1 } });\n';

/** A workspace holding the case's experience in `exp/`. */
function setUp(c: ExperienceCase): string {
  const files: Record<string, string | Buffer> = { 'exp/tools/t.mjs': TOOL };
  if (c.yaml !== undefined && c.setup === undefined) files['exp/experience.yaml'] = c.yaml;
  for (const [rel, text] of Object.entries(c.files ?? {})) files[`exp/${rel}`] = text;
  const ws = workspace(files);
  const exp = join(ws, 'exp');
  switch (c.setup) {
    case 'dir-without-yaml':
      break;
    case 'yaml-is-dir':
      mkdirSync(join(exp, 'experience.yaml'));
      break;
    case 'fifo':
      makeFifo(join(ws, 'pipe'));
      return relinkAsExp(ws, 'pipe');
    case 'device':
      makeDevice(join(ws, 'zero'));
      return relinkAsExp(ws, 'zero');
  }
  return ws;
}

/** Replaces `exp` by the special file made at `name` (oe is given `exp` as the path). */
function relinkAsExp(ws: string, name: string): string {
  rmSync(join(ws, 'exp'), { recursive: true, force: true });
  renameSync(join(ws, name), join(ws, 'exp'));
  return ws;
}

describe('bad experiences, in-process', () => {
  for (const c of EXPERIENCE_CASES) {
    it(c.name, async () => {
      const ws = setUp(c);
      const error = await loadExperience(c.path ?? 'exp', ws).then(
        () => undefined,
        (e: unknown) => e,
      );
      expectRefusal(error, c.code, c.message);
    });
  }
});

describe.concurrent('bad experiences, through bin/oe', () => {
  // One command per case, alternating: both load the experience the same way before anything runs.
  EXPERIENCE_CASES.filter((x) => x.spawn).forEach((c, i) => {
    const command = i % 2 === 0 ? 'run' : 'validate';
    it(`oe ${command}: ${c.name}`, async () => {
      const ws = setUp(c);
      await expectSpawned([command, c.path ?? 'exp'], { cwd: ws, code: c.code, message: c.message });
    });
  });
});
