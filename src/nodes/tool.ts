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
 * Runs a tool node. The module gets `ctx` = `{ runId, nodeId, signal, log, experienceDir, args }`
 * (plus `iteration` and `attempt`) and never the LLM settings, which hold the API key.
 * @throws {ToolModuleError} when the module cannot be imported or has no default-exported function;
 *   whatever the function throws, as is (the engine records it as node.failed).
 */
export const runner: NodeRunner<ToolNode> = {
  kind: 'tool',
  async run(node, input, ctx) {
    const file = resolve(ctx.experienceDir, node.impl);
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (e) {
      throw new ToolModuleError(`cannot import ${node.impl}: ${(e as Error).message}`);
    }
    const fn = mod.default;
    if (typeof fn !== 'function') throw new ToolModuleError(`${node.impl} has no default-exported function (found ${typeof fn})`);
    const { runId, nodeId, signal, log, experienceDir, args, iteration, attempt } = ctx;
    return (await (fn as (i: unknown, c: unknown) => unknown)(input, { runId, nodeId, signal, log, experienceDir, args, iteration, attempt })) as never;
  },
};
