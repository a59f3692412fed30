// What a node's definition says about its input hash (issue #9 §3, "content, not location"): the
// files it names, by role; the templates it renders inline; and its definition part — the node
// after defaults without the paths of those files (their content is a part of its own) and without
// what only steers execution (a result does not depend on its timeout or retry policy). Pure.
import { assertNever } from '../util/assert-never.js';
import type { Json } from '../util/canonical-json.js';
import type { FileRole } from '../log/hash-parts.js';
import type { NodeDef } from '../experience/types.js';

/** A file a node's definition names. */
export interface NamedFile {
  /** The role it plays; the hash part is `file.<role>`. */
  role: FileRole;
  /** Its path relative to the experience directory, as the definition gives it. */
  path: string;
  /**
   * How its text tells whether the node sees `$index`: a JS module (its graph is followed), a
   * template (a `{{$index}}` placeholder), a SKILL.md (a mention), or data (it cannot).
   */
  read: 'module' | 'template' | 'skill' | 'data';
}

/** The files a node names, by role (an agent or cli-agent prompt only when it is a file). */
export function namedFiles(node: NodeDef): NamedFile[] {
  switch (node.kind) {
    case 'tool':
      return [{ role: 'impl', path: node.impl, read: 'module' }];
    case 'skill':
      return [{ role: 'impl', path: node.impl, read: 'skill' }];
    case 'agent':
    case 'cli-agent':
      return node.prompt_file !== undefined ? [{ role: 'prompt', path: node.prompt_file, read: 'template' }] : [];
    case 'dataset':
      return [{ role: 'source', path: node.source.uri, read: 'data' }];
    case 'experience':
      return [{ role: 'impl', path: node.impl, read: 'data' }];
    case 'gate':
      return [];
    default:
      return assertNever(node);
  }
}

/** Templates a node renders that live in its definition: an inline prompt, a gate's message. */
export function inlineTemplates(node: NodeDef): string[] {
  switch (node.kind) {
    case 'agent':
    case 'cli-agent':
      return node.prompt_file === undefined ? [node.prompt] : [];
    case 'gate':
      return [node.message];
    default:
      return [];
  }
}

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
