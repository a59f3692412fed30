// Node kind → runner, loaded lazily so a run only imports the kinds it executes (and the Anthropic
// SDK only when an agent or skill node really calls the API).
import type { NodeDef, NodeKind } from '../experience/types.js';
import { ValidationError } from '../util/errors.js';
import type { NodeRunner } from './runner.js';

type Loader = () => Promise<{ runner: object }>;

const loaders: Partial<Record<NodeKind, Loader>> = {
  tool: () => import('./tool.js'),
  dataset: () => import('./dataset.js'),
  agent: () => import('./agent.js'),
  skill: () => import('./skill.js'),
  'cli-agent': () => import('./cli-agent.js'),
  experience: () => import('./experience.js'),
  gate: () => import('./gate.js'),
};

/** The kinds this build can execute. */
export const SUPPORTED_KINDS = Object.keys(loaders) as NodeKind[];

/**
 * The runner of a node's kind.
 * @throws {ValidationError} for a kind this build cannot execute (validation reports it first).
 */
export async function runnerFor(node: NodeDef): Promise<NodeRunner> {
  const load = loaders[node.kind];
  if (!load) {
    throw new ValidationError([{ file: '<experience>', message: `node ${node.id}: kind "${node.kind}" cannot be executed by this version of oe (supported: ${SUPPORTED_KINDS.join(', ')})` }]);
  }
  const mod = await load();
  return mod.runner as unknown as NodeRunner;
}
