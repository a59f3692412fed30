// A worker runs an attempt only on the files the coordinator hashed (issue #13 §2): the files the
// node names (its `file.<path>` hash parts) must exist in the worker's copy of the experience and
// hash the same, and an LLM node must call the model the coordinator hashed (its `model` part).
// Otherwise the result would be recorded under an input hash that does not describe it, and a later
// resume would restore it as if it did. The comparison is pure; FileCheck is its I/O shell.
import { stat, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Hasher } from '../engine/hash.js';
import type { NodeDef } from '../experience/types.js';
import type { ErrorRecord } from '../log/events.js';
import type { LlmSettings } from '../nodes/runner.js';
import { runnerFor } from '../nodes/registry.js';

/** What the worker found: each named file's content hash (or why it could not be read), and the model. */
export interface LocalParts {
  files: { [path: string]: { hash: string } | { unreadable: string } };
  /** The hash of the model the worker would call (hashed as the coordinator hashes it), if any. */
  model?: { name: string; hash: string };
}

/**
 * Compares the worker's parts with the coordinator's: every `file.<path>` part must be a file the
 * worker's runner names with the same hash, with none missing or extra, and the `model` part must
 * match. Returns one sentence per difference (empty when they agree). Pure.
 */
export function partDifferences(expected: { [part: string]: string }, local: LocalParts): string[] {
  const out: string[] = [];
  const wanted = new Map(Object.entries(expected).flatMap(([k, v]) => (k.startsWith('file.') ? [[k.slice(5), v] as const] : [])));
  for (const [path, got] of Object.entries(local.files)) {
    const want = wanted.get(path);
    if ('unreadable' in got) out.push(`${path} cannot be read here (${got.unreadable})`);
    else if (want === undefined) out.push(`${path} is part of the node here but was not hashed by the coordinator`);
    else if (want !== got.hash) out.push(`${path} hashes ${got.hash} here, ${want} on the coordinator`);
  }
  for (const path of wanted.keys()) if (!(path in local.files)) out.push(`${path} was hashed by the coordinator but is not part of the node here`);
  if (expected.model !== undefined && local.model?.hash !== expected.model) {
    out.push(local.model ? `this worker would call model ${local.model.name}, not the model the coordinator hashed (set the same OE_*_MODEL / --llm on both)` : 'the coordinator hashed a model, but this worker would call none');
  } else if (expected.model === undefined && local.model) {
    out.push(`this worker would call model ${local.model.name}, but the coordinator hashed none`);
  }
  return out;
}

/** Reads and hashes a worker's files for a node; a file's hash is kept while its size, mtime and ctime stay. */
export class FileCheck {
  private readonly named = new Map<string, Promise<{ paths: string[]; model?: string } | { unreadable: string }>>();
  private readonly known = new Map<string, { size: number; mtimeMs: number; ctimeMs: number; hash: string }>();

  constructor(
    private readonly hasher: Hasher,
    private readonly llm: LlmSettings,
  ) {}

  /**
   * The worker's parts of `node` in `experienceDir`. The list of files a node names (a tool's local
   * module graph, read by parsing) and its model are kept per node definition: the list is a function
   * of the files' contents, and every file on it is hashed again each time, so a kept list that no
   * longer holds shows up as a difference; `check` then asks again with `fresh`.
   */
  async localParts(node: NodeDef, experienceDir: string, fresh = false): Promise<LocalParts> {
    const key = `${experienceDir}\0${JSON.stringify(node)}`;
    if (fresh) this.named.delete(key);
    let named = this.named.get(key);
    if (!named) {
      named = this.name(node, experienceDir);
      this.named.set(key, named);
      if (this.named.size > 1024) this.named.delete(this.named.keys().next().value!);
    }
    const n = await named;
    if ('unreadable' in n) {
      this.named.delete(key);
      return { files: { [nodePath(node)]: { unreadable: n.unreadable } } };
    }
    const files: LocalParts['files'] = {};
    for (const rel of n.paths) files[rel] = await this.hashOf(resolve(experienceDir, rel));
    return { files, ...(n.model !== undefined ? { model: { name: n.model, hash: this.hasher.json(n.model) } } : {}) };
  }

  private async name(node: NodeDef, experienceDir: string): Promise<{ paths: string[]; model?: string } | { unreadable: string }> {
    const runner = await runnerFor(node);
    let paths: string[];
    try {
      paths = await runner.files(node, experienceDir);
    } catch (e) {
      return { unreadable: (e as Error).message };
    }
    const model = await runner.model?.(node, { experienceDir, llm: this.llm });
    return model === undefined ? { paths } : { paths, model };
  }

  /**
   * Checks a task's hash parts against the worker's files: undefined when they agree, else the
   * refusal (`WorkerFilesMismatch`) naming every difference.
   */
  async check(node: NodeDef, experienceDir: string, hashParts: { [part: string]: string }): Promise<{ refusal?: ErrorRecord; local: LocalParts }> {
    let local = await this.localParts(node, experienceDir);
    let diffs = partDifferences(hashParts, local);
    if (diffs.length > 0) {
      // The kept list of files may predate an edit that changed it: read it again before refusing.
      local = await this.localParts(node, experienceDir, true);
      diffs = partDifferences(hashParts, local);
    }
    if (diffs.length === 0) return { local };
    return {
      local,
      refusal: {
        name: 'WorkerFilesMismatch',
        message: `node ${node.id}: this worker's copy of the experience (${experienceDir}) differs from the coordinator's, so it refuses the attempt: ${diffs.join('; ')}`,
      },
    };
  }

  private async hashOf(abs: string): Promise<{ hash: string } | { unreadable: string }> {
    try {
      const s = await stat(abs);
      const k = this.known.get(abs);
      if (k && k.size === s.size && k.mtimeMs === s.mtimeMs && k.ctimeMs === s.ctimeMs) return { hash: k.hash };
      const hash = this.hasher.bytes(await readFile(abs));
      this.known.set(abs, { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, hash });
      return { hash };
    } catch (e) {
      return { unreadable: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
    }
  }
}

/** The file a node is defined by, for a message when its files cannot even be listed. */
function nodePath(node: NodeDef): string {
  return 'impl' in node && typeof node.impl === 'string' ? node.impl : 'prompt' in node && typeof node.prompt === 'string' ? node.prompt : node.id;
}
