// A node's definition part of its input hash (issue #9 §3, "content, not location"): the node after
// defaults without the paths of the files it names (experience/named-files.ts; their content is a
// part of its own) and without what only steers execution (a result does not depend on its timeout
// or retry policy). Pure.
import { assertNever } from '../util/assert-never.js';
import type { Json } from '../util/canonical-json.js';
import type { NodeDef } from '../experience/types.js';

/**
 * Fields that steer how a node executes but not what it computes: a completed result stays right
 * whatever they are, so changing them re-executes nothing. `files` and `env` are parts of their own.
 */
const EXECUTION_ONLY = ['phase', 'on_error', 'timeout', 'cache', 'max_retries', 'request_timeout', 'timeout_ms', 'prompt_cache', 'files', 'env'] as const;

/**
 * The `definition` part: the node after defaults, without the paths of the files it names (an
 * agent's `prompt` and `prompt_file` when the prompt is a file, a tool's or skill's `impl`, a
 * dataset's `source.uri`), without EXECUTION_ONLY fields and `for_each.concurrency`.
 */
export function definitionPart(node: NodeDef): Json {
  const d = structuredClone(node) as unknown as { [k: string]: Json };
  for (const k of EXECUTION_ONLY) delete d[k];
  const fe = d.for_each as { [k: string]: Json } | undefined;
  if (fe) delete fe.concurrency;
  switch (node.kind) {
    case 'tool':
    case 'skill':
    case 'experience':
      delete d.impl;
      break;
    case 'agent':
    case 'cli-agent':
      if (node.prompt_file !== undefined) {
        delete d.prompt;
        delete d.prompt_file;
      }
      break;
    case 'dataset':
      delete (d.source as { [k: string]: Json }).uri;
      break;
    case 'gate':
      break;
    default:
      assertNever(node);
  }
  return d;
}
