// The files a node's definition names, by the role each plays (issue #9 §3): its input hash keys
// their content by role (`file.impl`, `file.prompt`, `file.source`), never by path, and `inspect
// --why` maps a role back to the path. Also the templates it renders inline. Pure.
import { assertNever } from '../util/assert-never.js';
import type { NodeDef } from './types.js';

/** The role a named file plays: a tool's module or a skill's SKILL.md, a prompt file, a dataset's source. */
export type FileRole = 'impl' | 'prompt' | 'source';

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
      // The child's experience.yaml: `impl` names it or the directory holding it.
      return [{ role: 'impl', path: /\.ya?ml$/.test(node.impl) ? node.impl : `${node.impl.replace(/\/+$/, '')}/experience.yaml`, read: 'data' }];
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
