// `experience` nodes (SPEC §2.1, issue #10 §4): what the engine needs of them as a node kind (the
// file they name for the input hash is in experience/named-files.ts). Their attempts are nested runs, which the engine starts itself
// (engine/child-run.ts: a run is the engine's business, not a runner's), so `run` is never called.
import type { ExperienceNode } from '../experience/types.js';
import type { NodeRunner } from './runner.js';

export const runner: NodeRunner<ExperienceNode> = {
  kind: 'experience',
  run() {
    return Promise.reject(new Error('an experience node runs as a nested run started by the engine (engine/child-run.ts), not through its runner'));
  },
};
