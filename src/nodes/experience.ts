// `experience` nodes (SPEC §2.1, issue #10 §4): what the engine needs of them as a node kind — the
// file they name for the input hash. Their attempts are nested runs, which the engine starts itself
// (engine/child-run.ts: a run is the engine's business, not a runner's), so `run` is never called.
import { join } from 'node:path';
import type { ExperienceNode } from '../experience/types.js';
import type { NodeRunner } from './runner.js';

/** The child's experience.yaml, relative to the parent's directory. */
function childFile(node: ExperienceNode): string {
  return /\.ya?ml$/.test(node.impl) ? node.impl : join(node.impl, 'experience.yaml').split('\\').join('/');
}

export const runner: NodeRunner<ExperienceNode> = {
  kind: 'experience',
  files: (node) => [childFile(node)],
  run() {
    return Promise.reject(new Error('an experience node runs as a nested run started by the engine (engine/child-run.ts), not through its runner'));
  },
};
