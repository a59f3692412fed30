// A worker runs an attempt only on the inputs the coordinator hashed (issue #13 §2, with issue #9's
// parts): the node's content parts — `file.<role>`, `module.<path>`, `files.<path>`, `env.<NAME>`,
// `pkg.<name>` — and its `model` must come out the same when this worker reads its own copy of the
// experience, its own node_modules and its own environment. Otherwise the result would be recorded
// under an input hash that does not describe it, and a later resume would restore it as if it did.
// The parts are gathered by the same code the coordinator uses (engine/node-prep.ts), so the two can
// only differ where the machines do. The comparison is pure; FileCheck is its I/O shell.
import { dirname, resolve } from 'node:path';
import { computeInputHash, type Hasher } from '../engine/hash.js';
import { gatherParts, newPrepCache } from '../engine/node-prep.js';
import { withoutStandIns } from '../engine/stand-ins.js';
import { fileGlobs } from '../experience/declared-inputs.js';
import type { NodeDef } from '../experience/types.js';
import { compareParts } from '../inspect/part-names.js';
import type { ErrorRecord } from '../log/events.js';
import type { LlmSettings } from '../nodes/runner.js';
import { runnerFor } from '../nodes/registry.js';

/** The hash parts a worker must reproduce: what the node reads from disk and the environment, and its model. */
const CONTENT_PREFIXES = ['file.', 'module.', 'files.', 'env.', 'pkg.'];

/** Whether a part is one the worker checks. */
export const isContentPart = (part: string): boolean => part === 'model' || CONTENT_PREFIXES.some((p) => part.startsWith(p));

/** What the worker found for a node. */
export interface LocalParts {
  /** Its content parts and model, as this worker hashes them (the coordinator's part names). */
  parts: { [part: string]: string };
  /** The code files a tool attempt imports (its impl and local modules): absolute path → content hash. */
  code: { [abs: string]: string };
  /** Why the parts could not be read at all (a file that exists but cannot be read). */
  unreadable?: string;
}

/**
 * Compares the worker's content parts with the coordinator's (the other parts — definition, args,
 * state, edges — travel with the task and cannot differ). Returns one sentence per difference, named
 * as `oe inspect --why` names parts ("file tools/a.mjs changed", "package left-pad 1.3.0 → 1.4.0");
 * empty when they agree. Pure.
 */
export function partDifferences(expected: { [part: string]: string }, local: LocalParts, node?: NodeDef): string[] {
  if (local.unreadable !== undefined) return [local.unreadable];
  const wanted = Object.fromEntries(Object.entries(expected).filter(([k]) => isContentPart(k)));
  return compareParts(local.parts, wanted, { now: node, before: node }).map((c) =>
    c.change === 'added' ? `${c.text.replace(/ is new.*$/, '')} is part of the node here but was not hashed by the coordinator` : c.change === 'removed' ? `${c.text.replace(/ was removed$/, '')} was hashed by the coordinator but is not part of the node here` : `${c.text} here${c.part === 'model' ? ' (give the coordinator and the workers the same --llm and OE_*_MODEL)' : ''}`,
  );
}

/** Reads and hashes what a node reads on this worker, each check afresh (a long-lived worker sees every edit). */
export class FileCheck {
  constructor(
    private readonly hasher: Hasher,
    private readonly llm: LlmSettings,
    /** The environment this worker's attempts see (declared `env:` parts are read from it). */
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  /** The worker's content parts of `node` in `experienceDir`, and the code files a tool attempt imports. */
  async localParts(node: NodeDef, experienceDir: string): Promise<LocalParts> {
    let gathered;
    let env;
    try {
      ({ gathered, env } = await gatherParts({ experienceDir, hasher: this.hasher, env: this.env, prep: newPrepCache() }, node));
    } catch (e) {
      return { parts: {}, code: {}, unreadable: (e as Error).message };
    }
    const r = withoutStandIns(gathered, fileGlobs(node));
    const runner = await runnerFor(node);
    const model = await runner.model?.(node, { experienceDir, llm: this.llm });
    const { hashParts } = computeInputHash(this.hasher, {
      definition: null,
      args: null,
      state: {},
      edges: {},
      files: r.files,
      modules: r.modules,
      declared: r.declared,
      env,
      packages: r.packages,
      ...(model !== undefined ? { model } : {}),
    });
    const parts = Object.fromEntries(Object.entries(hashParts).filter(([k]) => isContentPart(k)));
    const code: LocalParts['code'] = {};
    if (node.kind === 'tool') {
      const impl = resolve(experienceDir, node.impl);
      if (r.files.impl !== undefined) code[impl] = r.files.impl;
      for (const [rel, hash] of Object.entries(r.modules)) code[resolve(dirname(impl), rel)] = hash;
    }
    return { parts, code };
  }

  /**
   * Checks a task's hash parts against this worker's: no refusal when they agree, else the refusal
   * (`WorkerFilesMismatch`) naming every difference.
   */
  async check(node: NodeDef, experienceDir: string, hashParts: { [part: string]: string }): Promise<{ refusal?: ErrorRecord; local: LocalParts }> {
    const local = await this.localParts(node, experienceDir);
    const diffs = partDifferences(hashParts, local, node);
    if (diffs.length === 0) return { local };
    return {
      local,
      refusal: {
        name: 'WorkerFilesMismatch',
        message: `node ${node.id}: this worker's copy of the experience (${experienceDir}) differs from the coordinator's, so it refuses the attempt: ${diffs.join('; ')}`,
      },
    };
  }
}
