// Builds well-formed run logs in code (STYLE §4 "given events"): the envelope (v, seq, ts, runId) is
// added here with a fixed clock, so tests read like the story of a run.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_FORMAT_VERSION, type EventPayload, type NodeOutput, type OeEvent, type RunStatus, type Usage } from '../../src/log/events.js';
import type { EdgeDef, Experience, NodeDef } from '../../src/experience/types.js';
import type { Json } from '../../src/util/canonical-json.js';
import { canonicalJson } from '../../src/util/canonical-json.js';
import type { InputHash, NodeId, RunId } from '../../src/util/ids.js';

/** A node given to `experience()`: id and kind are enough, the rest gets SPEC §2.2 defaults. */
export type NodeSpec = Partial<NodeDef> & { id: string; kind?: NodeDef['kind'] };

/** A validated-looking experience with defaults applied (what run.started.definition records). */
export function experience(name: string, nodes: NodeSpec[], edges: Array<[string, string] | EdgeDef>, schema: string[] = []): Experience {
  return {
    name,
    version: '1.0.0',
    inputs: {},
    state: { schema: Object.fromEntries(schema.map((f) => [f, { type: 'any', merge: 'last_wins' }])) },
    graph: {
      nodes: nodes.map((n) => ({ kind: 'tool', impl: `tools/${n.id}.mjs`, reads: [], writes: [], args: {}, on_error: { policy: 'fail_run' }, cache: true, ...n }) as NodeDef),
      edges: edges.map((e) => (Array.isArray(e) ? { from: e[0] as NodeId, to: e[1] as NodeId } : e)),
    },
    runtime: { concurrency: 1 },
  };
}

/** 16 hex digits standing in for xxh64 of a value (tests need stable, distinct hashes, not xxh64). */
export function fakeHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value ?? null)).digest('hex').slice(0, 16);
}

/** The input hash the builder derives from hash parts (stable: sorted part names). */
export function hashOfParts(parts: Record<string, string>): InputHash {
  return fakeHash(parts) as InputHash;
}

type Payload<T extends EventPayload['type']> = Omit<Extract<EventPayload, { type: T }>, 'type'>;

/** Options of a LogBuilder. */
export interface LogBuilderOptions {
  runId: string;
  /** ISO time of the first event. */
  start?: string;
}

/** Appends events with a fixed clock: `advance(ms)` moves it; each event is stamped with "now". */
export class LogBuilder {
  readonly runId: RunId;
  readonly events: OeEvent[] = [];
  private now: number;

  constructor(opts: LogBuilderOptions) {
    this.runId = opts.runId as RunId;
    this.now = Date.parse(opts.start ?? '2026-11-21T10:00:00.000Z');
  }

  /** The clock's time in ms since the epoch. */
  get time(): number {
    return this.now;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** Appends a raw payload (any event type) with the envelope. */
  push<T extends EventPayload['type']>(type: T, fields: Payload<T>): this {
    this.events.push({ v: LOG_FORMAT_VERSION, seq: this.events.length, ts: new Date(this.now).toISOString(), type, runId: this.runId, ...fields } as unknown as OeEvent);
    return this;
  }

  /** run.started for `def` at experiences/<name>/experience.yaml. */
  started(def: Experience, opts: { args?: Record<string, Json>; resumedFrom?: string; options?: Record<string, Json> } = {}): this {
    return this.push('run.started', {
      args: opts.args ?? {},
      experience: { name: def.name, version: def.version, path: `experiences/${def.name}/experience.yaml`, sha256: fakeHash(def) + fakeHash(def.name) + fakeHash(1) + fakeHash(2) },
      definition: def as unknown as Json,
      ...(opts.resumedFrom ? { resumedFrom: opts.resumedFrom as RunId } : {}),
      options: { concurrency: 1, llm: 'anthropic', ...(opts.options ?? {}) },
      oeVersion: '0.1.0',
    });
  }

  /** node.started; the input hash is derived from `hashParts` unless given. */
  nodeStarted(nodeId: string, o: { hashParts?: Record<string, string>; inputHash?: string; attempt?: number; index?: number } = {}): this {
    const hashParts = o.hashParts;
    return this.push('node.started', {
      nodeId: nodeId as NodeId,
      ...(o.index !== undefined ? { iteration: { index: o.index } } : {}),
      inputHash: (o.inputHash ?? (hashParts ? hashOfParts(hashParts) : fakeHash(nodeId))) as InputHash,
      ...(hashParts ? { hashParts } : {}),
      attempt: o.attempt ?? 1,
    });
  }

  /**
   * node.completed after `durationMs` (the clock advances by it first). With `since` (a `time` taken
   * earlier, e.g. a for_each node's own start) the duration is now − since and the clock stays.
   */
  completed(nodeId: string, o: { output?: Partial<NodeOutput>; durationMs?: number; since?: number; usage?: Usage; inputHash?: string; index?: number } = {}): this {
    const durationMs = o.since !== undefined ? this.now - o.since : (o.durationMs ?? 100);
    if (o.since === undefined) this.advance(durationMs);
    return this.push('node.completed', {
      nodeId: nodeId as NodeId,
      ...(o.index !== undefined ? { iteration: { index: o.index } } : {}),
      inputHash: (o.inputHash ?? this.lastHash(nodeId, o.index)) as InputHash,
      output: { state_delta: {}, edge_output: null, ...(o.output ?? {}) },
      durationMs,
      ...(o.usage ? { usage: o.usage } : {}),
    });
  }

  /** node.started then node.completed: one successful execution. */
  executes(nodeId: string, o: { hashParts?: Record<string, string>; output?: Partial<NodeOutput>; durationMs?: number; usage?: Usage; index?: number } = {}): this {
    return this.nodeStarted(nodeId, { hashParts: o.hashParts, index: o.index }).completed(nodeId, o);
  }

  /** node.failed after `durationMs`; `since` as for completed(). */
  failed(nodeId: string, o: { error?: { name: string; message: string }; willRetry?: boolean; attempt?: number; durationMs?: number; since?: number; index?: number } = {}): this {
    const durationMs = o.since !== undefined ? this.now - o.since : (o.durationMs ?? 50);
    if (o.since === undefined) this.advance(durationMs);
    return this.push('node.failed', {
      nodeId: nodeId as NodeId,
      ...(o.index !== undefined ? { iteration: { index: o.index } } : {}),
      inputHash: this.lastHash(nodeId, o.index) as InputHash,
      attempt: o.attempt ?? 1,
      error: o.error ?? { name: 'Error', message: 'boom' },
      willRetry: o.willRetry ?? false,
      durationMs,
    });
  }

  /** node.cached restored from `fromRunId`. */
  cached(nodeId: string, o: { fromRunId: string; inputHash?: string; hashParts?: Record<string, string>; output?: Partial<NodeOutput>; savedDurationMs?: number; savedUsage?: Usage; index?: number }): this {
    return this.push('node.cached', {
      nodeId: nodeId as NodeId,
      ...(o.index !== undefined ? { iteration: { index: o.index } } : {}),
      inputHash: (o.inputHash ?? (o.hashParts ? hashOfParts(o.hashParts) : fakeHash(nodeId))) as InputHash,
      output: { state_delta: {}, edge_output: null, ...(o.output ?? {}) },
      fromRunId: o.fromRunId as RunId,
      ...(o.savedDurationMs !== undefined ? { savedDurationMs: o.savedDurationMs } : {}),
      ...(o.savedUsage ? { savedUsage: o.savedUsage } : {}),
    });
  }

  /** node.skipped. */
  skipped(nodeId: string, reason: string): this {
    return this.push('node.skipped', { nodeId: nodeId as NodeId, reason });
  }

  /** run.paused then nothing (call `finished('paused')` after it). */
  paused(reason: string, pending: string[]): this {
    return this.push('run.paused', { reason, pending: pending as NodeId[] });
  }

  /** run.completed with counts taken from the events so far; duration = now − first event. */
  finished(status: RunStatus, o: { error?: { name: string; message: string; nodeId?: string } } = {}): this {
    const last = new Map<string, string>();
    for (const e of this.events) if ('nodeId' in e && !('iteration' in e && e.iteration)) {
      if (e.type === 'node.completed') last.set(e.nodeId, 'completed');
      if (e.type === 'node.cached') last.set(e.nodeId, 'cached');
      if (e.type === 'node.failed' && !e.willRetry) last.set(e.nodeId, 'failed');
      if (e.type === 'node.skipped') last.set(e.nodeId, 'skipped');
    }
    const counts = { completed: 0, cached: 0, failed: 0, skipped: 0 };
    for (const s of last.values()) counts[s as keyof typeof counts]++;
    return this.push('run.completed', {
      status,
      durationMs: this.now - Date.parse(this.events[0]!.ts),
      counts,
      ...(o.error ? { error: o.error as { name: string; message: string; nodeId?: NodeId } } : {}),
    });
  }

  private lastHash(nodeId: string, index?: number): string {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.type === 'node.started' && e.nodeId === nodeId && e.iteration?.index === index) return e.inputHash;
    }
    return fakeHash(nodeId);
  }

  /** The log text: one JSON event per line, `\n`-terminated. */
  jsonl(): string {
    return this.events.map((e) => JSON.stringify(e) + '\n').join('');
  }

  /** Writes the log into `<workspace>/.openexpertise/runs/<runId>.jsonl` and returns its path. */
  writeTo(workspace: string, text = this.jsonl()): string {
    const dir = join(workspace, '.openexpertise', 'runs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${this.runId}.jsonl`);
    writeFileSync(file, text);
    return file;
  }
}

/** LLM usage of one call. */
export function usage(inputTokens: number, outputTokens: number, costUsd: number | null = Number(((inputTokens * 3 + outputTokens * 15) / 1e6).toFixed(6)), model = 'claude-sonnet-4-5'): Usage {
  return { inputTokens, outputTokens, model, costUsd };
}
