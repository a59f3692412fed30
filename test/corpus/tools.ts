// The bad-tool corpus (issue #12 §2): tools that throw non-Errors, return non-objects, write
// undeclared state, write 20 MB to stdout, leak secrets. These go through the engine (`oe run`), so a
// failing tool is a failed run (exit 1) with its node.failed saying why — data, not a crash. Each
// `batch` case is one node of a single experience whose nodes all run at once (a node's failure is
// its own, and the run's exit code is what the case alone gives); the others need a run of their own.

/** One tool module and what oe must make of it. */
export interface ToolCase {
  name: string;
  /** The module's source. */
  tool: string;
  /** Batch cases: the node's last node.failed error (name and a fragment of the message). */
  failed?: { name?: string; message: string | RegExp };
}

/** A tool case that needs its own run: its exit code and what stdout, stderr and the log must show. */
export interface SoloToolCase {
  name: string;
  tool: string;
  /** The node's `writes` (default `[a]`, a number). */
  writes?: string;
  env?: Record<string, string>;
  code: number;
  /** A fragment of stderr (JSON lines' messages). */
  stderr?: string | RegExp;
  /** Whether the log must end with run.completed (false only for a known engine gap). */
  completes?: boolean;
  /**
   * `pretty` for a run whose json stdout would carry tens of MB: pino's sync stdout sleeps 100 ms on
   * every EAGAIN of the test's socket (20 s for 40 MB; a shell pipe or a file is fine). Reported.
   */
  format?: 'pretty';
  /** A fragment of the last node.failed message. */
  failed?: string | RegExp;
}

export const BATCH_CASES: ToolCase[] = [
  { name: 'a tool that throws a string', tool: "export default () => { throw 'boom as a string'; };", failed: { message: 'boom as a string' } },
  { name: 'a tool that throws undefined', tool: 'export default () => { throw undefined; };', failed: { message: 'undefined' } },
  { name: 'a tool that throws null', tool: 'export default () => { throw null; };', failed: { message: 'null' } },
  { name: 'a tool that throws a number', tool: 'export default () => { throw 42; };', failed: { message: '42' } },
  { name: 'a tool that throws a plain object with a message', tool: "export default () => { throw { message: 'plain object', code: 7 }; };", failed: { message: 'plain object' } },
  { name: 'a tool that rejects with a non-Error', tool: 'export default () => Promise.reject(Symbol.for("sym"));', failed: { message: 'sym' } },
  { name: 'a tool that throws an Error subclass', tool: "class RateLimit extends Error { constructor() { super('slow down'); this.name = 'RateLimit'; } }\nexport default () => { throw new RateLimit(); };", failed: { name: 'RateLimit', message: 'slow down' } },
  { name: 'a tool that returns a number', tool: 'export default () => 5;', failed: { name: 'NodeResultError', message: 'returned number; expected an object { state_delta?, edge_output?, metrics? }' } },
  { name: 'a tool that returns a string', tool: "export default () => 'done';", failed: { name: 'NodeResultError', message: 'returned string; expected an object' } },
  { name: 'a tool that returns an array', tool: 'export default () => [1, 2];', failed: { name: 'NodeResultError', message: 'returned an array; expected an object' } },
  { name: 'a tool that returns a BigInt in its state', tool: 'export default () => ({ state_delta: { a: 10n } });', failed: { name: 'NodeResultError', message: 'is a bigint' } },
  { name: 'a tool that returns a function in its edge output', tool: 'export default () => ({ edge_output: { f() {} } });', failed: { name: 'NodeResultError', message: 'edge_output.f is a function' } },
  { name: 'a tool that returns a cycle', tool: 'export default () => { const o = {}; o.self = o; return { edge_output: o }; };', failed: { name: 'NodeResultError', message: 'a circular reference' } },
  { name: 'a tool that writes undeclared state', tool: 'export default () => ({ state_delta: { b: 1 } });', failed: { name: 'NodeResultError', message: 'wrote state field "b", which is not in its writes [a]' } },
  { name: 'a tool that writes the wrong type', tool: "export default () => ({ state_delta: { a: 'one' } });", failed: { name: 'NodeResultError', message: 'wrote string to state field "a", declared as number' } },
  { name: 'a tool whose state_delta is a list', tool: 'export default () => ({ state_delta: [1] });', failed: { name: 'NodeResultError', message: 'state_delta must be an object' } },
  { name: 'a module without a default export', tool: 'export const run = () => ({});', failed: { name: 'ToolModuleError', message: 'has no default-exported function (found undefined)' } },
  { name: 'a module whose default export is not a function', tool: 'export default 5;', failed: { name: 'ToolModuleError', message: 'has no default-exported function (found number)' } },
  { name: 'a module that does not compile', tool: 'export default () => {{;', failed: { name: 'ToolModuleError', message: /cannot import tools\/t\d+\.mjs: / } },
  { name: 'a module that throws while it is imported', tool: "throw new Error('broken at import');\nexport default () => ({});", failed: { name: 'ToolModuleError', message: 'broken at import' } },
];

const SECRET = 'sk-corpus"quote\\back/slash-1234';

export const SOLO_CASES: SoloToolCase[] = [
  {
    name: 'a tool that writes 20 MB to stdout: the run completes and stdout stays one JSON object per line',
    tool: "export default () => { process.stdout.write('y'.repeat(20 * 1024 * 1024) + '\\n'); return { state_delta: { a: 1 } }; };",
    code: 0,
  },
  { name: 'a tool that returns 20 MB: written, read back and folded', tool: "export default () => ({ state_delta: { a: 'z'.repeat(20 * 1024 * 1024) } });", writes: 'any', code: 0, format: 'pretty' },
  {
    name: '#8: a tool that throws in a callback while it runs: its node fails with the message, not the process',
    tool: "export default async () => { setTimeout(() => { throw new Error('late callback'); }, 5); await new Promise((r) => setTimeout(r, 300)); return {}; };",
    code: 1,
    failed: "node t: uncaught exception Error: late callback, raised outside the tool's promise",
  },
  {
    name: '#12: a secret holding " and \\ reaches no log: not the event log, not ctx.log, not the uncaught-error message',
    tool: `export default async (input, ctx) => {
  const s = process.env.CORPUS_TOKEN;
  ctx.log.info({ token: s, nested: [s] }, 'using ' + s);
  ctx.log.warn('printf %s', s);
  setTimeout(() => { throw new Error('late ' + s); }, 5);
  await new Promise((r) => setTimeout(r, 300));
  throw new Error('failed with ' + s);
};`,
    env: { CORPUS_TOKEN: SECRET },
    code: 1,
    stderr: 'printf [REDACTED]',
    failed: 'uncaught exception Error: late [REDACTED]',
  },
  {
    name: 'a tool that returns 70 MB (over the event limit): its node fails saying why, and the log ends with run.completed',
    tool: "export default () => ({ state_delta: { a: 'w'.repeat(70 * 1024 * 1024) } });",
    writes: 'any',
    code: 1,
    failed: /node\.completed event of node t is 70\.0 MiB, over the 64 MiB a run log line may hold/,
  },
];

/** The secret of the secrets case, to look for in every output. */
export const CORPUS_SECRET = SECRET;
