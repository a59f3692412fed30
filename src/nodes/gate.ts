// `gate` nodes (SPEC §2.1, issue #11 §1): what the engine needs of them as a node kind — no files.
// The verdict is the engine's business (engine/gate-task.ts: the run args, a TTY, or waiting), so
// `run` is never called.
import type { GateNode } from '../experience/types.js';
import type { NodeRunner } from './runner.js';

export const runner: NodeRunner<GateNode> = {
  kind: 'gate',
  run() {
    return Promise.reject(new Error('a gate is decided by the engine (engine/gate-task.ts), not through its runner'));
  },
};
