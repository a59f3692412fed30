// The engine in-process (STYLE §4, issue #8 §6): given an experience (YAML, validated as oe run
// does) and scripted tools, when the real engine runs it — scheduler, views, memo, input hashes and
// the real log writer on a temp file — then these events. After every event the engine's state
// must equal fold(events so far). No process is spawned: tool attempts go to a scripted executor
// standing in for the tool threads (those are tested through bin/oe in test/e2e/).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { RunControl } from '../../src/engine/run-control.js';
import { classifyError } from '../../src/engine/execute.js';
import type { AttemptResult, AttemptTask, Executor } from '../../src/engine/executor.js';
import { createHasher, type Hasher } from '../../src/engine/hash.js';
import { seedState } from '../../src/engine/inputs.js';
import { buildMemo } from '../../src/engine/memo.js';
import { priorChildrenOf } from '../../src/engine/child-run.js';
import { checkResult } from '../../src/engine/node-result.js';
import { executeRun, type RunParams, type RunResult } from '../../src/engine/run-loop.js';
import { parseExperienceYaml } from '../../src/experience/load-experience.js';
import { validateExperience } from '../../src/experience/validate-experience.js';
import type { Experience } from '../../src/experience/types.js';
import type { EventOf, OeEvent } from '../../src/log/events.js';
import { fold, type RunState } from '../../src/log/fold.js';
import { readLineage } from '../../src/log/lineage.js';
import type { NodeInput } from '../../src/nodes/runner.js';
import type { Json } from '../../src/util/canonical-json.js';
import { systemClock } from '../../src/util/clock.js';
import { uuidv7Source, type NodeId, type RunId } from '../../src/util/ids.js';

/** A scripted tool: gets the input bundle and the attempt; returns a result or throws. */
export type Script = (input: NodeInput, task: AttemptTask & { signal: AbortSignal }) => unknown;

/** One call of a scripted tool, as the trace records it. */
export interface Call {
  node: string;
  index?: number;
  attempt: number;
  input: NodeInput;
  start: number;
  end: number;
}

/** A run as the tests read it. */
export interface Run extends RunResult {
  events: OeEvent[];
  calls: Call[];
  /** The events of one type (and node), typed. */
  of<T extends OeEvent['type']>(type: T, nodeId?: string): Array<EventOf<T>>;
  /** Units (`id` or `id[index]`) that ended with this event type, in log order. */
  units(type: 'node.completed' | 'node.cached' | 'node.failed' | 'node.skipped'): string[];
}

/** Options of one run. */
export interface RunOpts {
  args?: { [name: string]: Json };
  concurrency?: number;
  /** Resume this run (its resume chain is the memo). */
  resume?: Run;
  /** Called with each event and the run's control (to pause or cancel at a given point). */
  onEvent?(e: OeEvent, control: RunControl): void;
  /** The environment the nodes see (declared `env:`); default none. */
  env?: Record<string, string | undefined>;
  /** On a resume: where the definition came from (`log` lets recorded parts stand in for gone files). */
  definitionSource?: 'file' | 'log';
  /** On a resume: nodes to execute whatever the memo says (`--rerun`). */
  rerun?: string[];
  /** Answers gates as a person at a terminal would (RunParams.askGate). */
  askGate?: RunParams['askGate'];
}

/** An experience under test: its workspace, its scripts, and a way to run it. */
export interface Engine {
  workspace: string;
  /** The experience directory (tool files live under it). */
  dir: string;
  experience: Experience;
  /** Replaces a tool's script (its file changes with it, as an edit would). */
  script(node: string, s: Script): void;
  run(opts?: RunOpts): Promise<Run>;
}

let hasher: Hasher | undefined;
const workspaces: string[] = [];
afterEach(() => {
  for (const w of workspaces.splice(0)) rmSync(w, { recursive: true, force: true });
});

/** `delay(ms)` inside a script: resolves after ms, or rejects when the attempt is aborted. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}

/**
 * Validates `yaml` as `oe run` does and prepares a workspace. Every tool node gets a file
 * `tools/<impl>` whose content is its script's source, so editing a script changes the node's input
 * hash the way editing the tool would.
 */
export async function engine(yaml: string, scripts: { [node: string]: Script } = {}, files: { [rel: string]: string } = {}): Promise<Engine> {
  hasher ??= await createHasher();
  const workspace = mkdtempSync(join(tmpdir(), 'oe-engine-'));
  workspaces.push(workspace);
  const dir = join(workspace, 'exp');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const parsed = parseExperienceYaml(yaml, 'experience.yaml');
  expect(parsed.problems).toEqual([]);
  const { experience, graph, problems } = validateExperience(parsed.value, { file: 'experience.yaml', dir, locate: parsed.locate });
  expect(problems).toEqual([]);
  const byNode = new Map<string, Script>(Object.entries(scripts));
  const writeTool = (id: string): void => {
    const node = experience!.graph.nodes.find((n) => n.id === id);
    if (node?.kind !== 'tool') return;
    const file = join(dir, node.impl);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `// script of ${id}\n${String(byNode.get(id) ?? 'default')}\n`);
  };
  for (const n of experience!.graph.nodes) writeTool(n.id);
  const calls: Call[] = [];
  const executor: Executor = {
    async attempt(task, hooks, signal) {
      const script = byNode.get(task.node.id) ?? (() => ({}));
      const call: Call = { node: task.node.id, ...(task.iteration ? { index: task.iteration.index } : {}), attempt: task.attempt, input: task.input, start: performance.now(), end: 0 };
      calls.push(call);
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = task.timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(Object.assign(new Error(`node ${task.node.id} timed out after ${task.timeoutMs} ms`), { name: 'TimeoutError' })), task.timeoutMs);
      void hooks;
      try {
        const raw = await script(structuredClone(task.input), { ...task, signal: controller.signal });
        if (controller.signal.aborted) throw controller.signal.reason;
        const { output, usage } = checkResult(task.node, raw, task.schema);
        return (usage ? { ok: true, output, usage } : { ok: true, output }) satisfies AttemptResult;
      } catch (e) {
        return { ok: false, ...classifyError(controller.signal.aborted ? controller.signal.reason : e) };
      } finally {
        call.end = performance.now();
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
    },
    close: async () => {},
  };
  return {
    workspace,
    dir,
    experience: experience!,
    script(node, s) {
      byNode.set(node, s);
      writeTool(node);
    },
    async run(opts = {}) {
      const runId = uuidv7Source(systemClock.now)();
      const args = { ...(opts.resume?.state.args ?? {}), ...(opts.args ?? {}) };
      for (const [k, d] of Object.entries(experience!.inputs)) if (!(k in args) && d.default !== undefined) args[k] = d.default;
      const chain = opts.resume ? (await readLineage(workspace, opts.resume.runId)).logs.map((l) => l.events) : undefined;
      const built = chain ? buildMemo(chain) : undefined;
      const memo = built && opts.rerun ? built.withRerun(opts.rerun as NodeId[]) : built;
      const control = new RunControl();
      const events: OeEvent[] = [];
      const first = calls.length;
      const result = await executeRun({
        plan: { experience: experience!, graph: graph!, args, seed: seedState(experience!, args) },
        runId,
        workspace,
        experienceDir: dir,
        experience: { name: experience!.name, version: experience!.version, path: 'exp/experience.yaml', sha256: 'test' },
        definition: experience as unknown as Json,
        options: { concurrency: opts.concurrency ?? experience!.runtime.concurrency, llm: 'anthropic', ...(opts.definitionSource ? { definitionSource: opts.definitionSource } : {}) },
        llm: { provider: 'anthropic', defaultModel: 'test-model' },
        ...(opts.resume ? { resumedFrom: opts.resume.runId as RunId, memo, priorChildren: priorChildrenOf(chain!) } : {}),
        oeVersion: 'test',
        clock: systemClock,
        hasher: hasher!,
        control,
        executor,
        secrets: [],
        env: opts.env ?? {},
        ...(opts.askGate ? { askGate: opts.askGate } : {}),
        onEvent: (e, state) => {
          events.push(e);
          // The invariant (STYLE §4): the engine's state is the fold of its log so far, after every event.
          expect(state).toEqual(foldAs(state, events));
          opts.onEvent?.(e, control);
        },
        nodeLogger: () => ({ debug() {}, info() {}, warn() {}, error() {} }),
      });
      const of = <T extends OeEvent['type']>(type: T, nodeId?: string): Array<EventOf<T>> =>
        events.filter((e): e is EventOf<T> => e.type === type && (nodeId === undefined || (e as { nodeId?: string }).nodeId === nodeId));
      const units = (type: string): string[] =>
        events.filter((e) => e.type === type).map((e) => {
          const u = e as { nodeId: string; iteration?: { index: number } };
          return u.iteration ? `${u.nodeId}[${u.iteration.index}]` : u.nodeId;
        });
      return { ...result, events, calls: calls.slice(first), of, units };
    },
  };
}

/** fold(events), in the detail the engine folds in. */
function foldAs(state: RunState, events: OeEvent[]): RunState {
  const f = fold(events);
  expect(f.detail).toBe(state.detail);
  return f;
}

/** The most calls that overlapped at any instant. */
export function maxOverlap(calls: Call[]): number {
  const points = calls.flatMap((c) => [
    [c.start, 1],
    [c.end, -1],
  ]) as Array<[number, number]>;
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (cur += d));
  return max;
}

/**
 * The in-process twin of the e2e trace tool, driven by its args: `sleep` (ms, abortable), `delta` /
 * `edge` returned as state_delta / edge_output, `item_to` (under for_each, also writes `[$item]`
 * there), `fail` (always throws that message), `fail_attempts` (attempts 1..n throw).
 */
export const TRACE: Script = async (input, task) => {
  const a = input as NodeInput & { sleep?: number; delta?: Record<string, Json>; edge?: Json; item_to?: string; fail?: string; fail_attempts?: number };
  if (a.sleep) await delay(a.sleep, task.signal);
  if (a.fail) throw new Error(a.fail);
  if (a.fail_attempts && task.attempt <= a.fail_attempts) throw new Error(`attempt ${task.attempt} of ${task.node.id} failed`);
  const delta = { ...(a.delta ?? {}) };
  if (a.item_to) delta[a.item_to] = [a.$item ?? null];
  return { state_delta: delta, edge_output: a.edge ?? null };
};

/** Every tool node of the YAML scripted with TRACE, unless `scripts` says otherwise. */
export function traced(yaml: string, scripts: { [node: string]: Script } = {}, files: { [rel: string]: string } = {}): Promise<Engine> {
  const ids = [yaml, ...Object.values(files)].flatMap((text) => [...text.matchAll(/id:\s*([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
  return engine(yaml, { ...Object.fromEntries(ids.map((id) => [id, TRACE])), ...scripts }, files);
}
