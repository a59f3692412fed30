// `tool` nodes (SPEC §2.3): a JS module's default export called as fn(input, ctx), OpenExpertise's
// call shape. The module is imported once per process; its content is part of the input hash.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ToolNode } from '../experience/types.js';
import type { NodeRunner } from './runner.js';

/** A tool module's default export could not be called. */
export class ToolModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolModuleError';
  }
}

/**
 * A tool module's default export, imported once per file in this thread: Node caches the module
 * anyway, and skipping import()'s resolution saves ~25 µs an attempt (scripts/bench/isolation.mjs).
 * A failed import is not kept, so the next attempt reports it again.
 */
const imported = new Map<string, Promise<(i: unknown, c: unknown) => unknown>>();

function toolFunction(file: string, impl: string): Promise<(i: unknown, c: unknown) => unknown> {
  let p = imported.get(file);
  if (!p) {
    p = (async () => {
      let mod: { default?: unknown };
      try {
        mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      } catch (e) {
        throw new ToolModuleError(`cannot import ${impl}: ${(e as Error).message}`);
      }
      if (typeof mod.default !== 'function') throw new ToolModuleError(`${impl} has no default-exported function (found ${typeof mod.default})`);
      return mod.default as (i: unknown, c: unknown) => unknown;
    })();
    imported.set(file, p);
    p.catch(() => imported.delete(file));
  }
  return p;
}

/**
 * Runs a tool node. The module gets `ctx` = `{ runId, nodeId, signal, log, experienceDir, args }`
 * (plus `iteration` and `attempt`) and never the LLM settings, which hold the API key.
 * @throws {ToolModuleError} when the module cannot be imported or has no default-exported function;
 *   whatever the function throws, as is (the engine records it as node.failed).
 */
export const runner: NodeRunner<ToolNode> = {
  kind: 'tool',
  async run(node, input, ctx) {
    const fn = await toolFunction(resolve(ctx.experienceDir, node.impl), node.impl);
    const { runId, nodeId, signal, log, experienceDir, args, iteration, attempt } = ctx;
    return (await fn(input, { runId, nodeId, signal, log, experienceDir, args, iteration, attempt })) as never;
  },
};
