// The shell of `oe inspect` (STYLE §3.3): read the log(s) → summarise (pure) → render (pure) → write.
// Loaded lazily by cli/inspect.ts. Read-only over `.openexpertise/runs/`.
import { existsSync, statSync } from 'node:fs';
import { EVENT_TYPES, type EventType } from '../log/events.js';
import type { NodeState, RunState } from '../log/fold.js';
import { streamLog } from '../log/reader.js';
import { LogFormatError, UsageError } from '../util/errors.js';
import { definitionGraph } from './definition.js';
import { reportData } from './html-detail.js';
import { writeHtmlReport } from './html-write.js';
import { loadRun, type LoadedRun } from './load.js';
import { locateRun } from './locate.js';
import { runLogPath as logFile } from '../log/paths.js';
import { nodeDetail } from './node-detail.js';
import { isRunProcessAlive } from '../log/liveness.js';
import { renderNodeText, renderSummaryText } from './render.js';
import { renderWhyText } from './render-why-diff.js';
import { warnWith, type InspectEnv } from './env.js';
import { summarize } from './summary.js';
import { explainWhy, type PriorNode } from './why.js';
import { partHunks } from './why-values.js';
import type { Hunk } from './hunks.js';

const withHunks = (h: Hunk[] | undefined): { hunks?: Hunk[] } => (h && h.length ? { hunks: h } : {});

/** Options of `oe inspect` after commander parsed them. */
export interface InspectOptions {
  json?: boolean;
  events?: boolean;
  type?: string[];
  node?: string;
  why?: string;
  html?: string;
  /** With `latest`: the newest run of this experience. */
  experience?: string;
}

/**
 * Checks the option combination.
 * @throws {UsageError} (exit 2) for `--type` without `--events`, an unknown `--type`, or more than
 *   one of `--events`, `--why`, `--html`.
 */
export function checkInspectOptions(o: InspectOptions): void {
  const modes = [o.events && '--events', o.why !== undefined && '--why', o.html !== undefined && '--html'].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`choose one of ${modes.join(', ')}`);
  if (o.type && !o.events) throw new UsageError('--type filters --events; add --events');
  for (const t of o.type ?? []) {
    if (!EVENT_TYPES.includes(t as EventType)) throw new UsageError(`--type ${JSON.stringify(t)} is not an event type (one of ${EVENT_TYPES.join(', ')})`);
  }
}

/**
 * Runs `oe inspect <rawRunId>`.
 * @throws {UsageError} for text that is no run reference (before any fs access), an ambiguous one, or bad options; {NotFoundError} for an
 *   unknown run or node; {LogFormatError} for an empty or malformed log or a newer format.
 */
export async function inspectCommand(rawRunId: string, o: InspectOptions, env: InspectEnv): Promise<void> {
  checkInspectOptions(o);
  const { file } = locateRun(env.workspace, rawRunId, { ...(o.experience !== undefined ? { experience: o.experience } : {}), cwd: env.cwd });
  if (o.events) return printEvents(file, o, env);
  // --node, --why and --html read each iteration in full; everything else reads only the summary's fields.
  const run = await loadRun(file, undefined, { compactIterations: o.node === undefined && o.why === undefined && o.html === undefined });
  const pidAlive = isRunProcessAlive(run.state.options);
  // A torn last line is a crash's mark, worth a warning; in a live run it is a write in progress.
  if (!pidAlive || run.state.status !== 'running') run.warnings.forEach(warnWith(env));
  if (o.why !== undefined) return printWhy(run, o.why, pidAlive, env);
  if (o.node !== undefined) {
    const d = nodeDetail(run.state, o.node, pidAlive);
    return print(env, d, () => renderNodeText(d));
  }
  const summary = summarize(run.state, { pidAlive, tornLastLine: run.warnings.length > 0 });
  if (o.html !== undefined) {
    // Issue #14 §9: the panel compares a resumed node's hash parts with the prior run's, when its log is there.
    const priorFile = run.state.resumedFrom ? logFile(env.workspace, run.state.resumedFrom) : undefined;
    const prior = priorFile && existsSync(priorFile) ? (await loadRun(priorFile, warnWith(env))).state : null;
    const path = writeHtmlReport(summary, reportData(run.state, summary, prior), o.html, env);
    env.info(`report written to ${path}`, { runId: summary.runId, html: path });
    return;
  }
  return print(env, summary, () => renderSummaryText(summary));
}

async function print(env: InspectEnv, value: unknown, text: () => string): Promise<void> {
  await env.out.write(env.json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
  await env.out.flush();
}

/** `--events`: the raw events, filtered, one JSON per line, streamed (never held in memory). */
async function printEvents(file: string, o: InspectOptions, env: InspectEnv): Promise<void> {
  if (statSync(file).size === 0) throw new LogFormatError(`${file}: the run log is empty (the run crashed before writing run.started)`);
  const types = o.type && o.type.length ? new Set(o.type) : null;
  for await (const e of streamLog(file, warnWith(env))) {
    if (types && !types.has(e.type)) continue;
    if (o.node !== undefined && !('nodeId' in e && e.nodeId === o.node)) continue;
    await env.out.write(`${JSON.stringify(e)}\n`);
    if (env.out.closed) return; // the reader went away (`| head`): stop reading the log
  }
  await env.out.flush();
}

/** `--why <nodeId>`: loads the prior run (and, for a prior node that was itself cached, its origin). */
async function printWhy(run: LoadedRun, nodeId: string, pidAlive: boolean, env: InspectEnv): Promise<void> {
  const s = run.state;
  nodeDetail(s, nodeId, pidAlive); // throws NotFoundError with a suggestion for an unknown node
  const def = definitionGraph(s.definition).defs.get(nodeId);
  const unit = s.nodes.get(nodeId as NodeState['nodeId']);
  let prior: PriorNode | null = null;
  let priorState: RunState | null = null;
  if (s.resumedFrom) {
    const priorFile = logFile(env.workspace, s.resumedFrom);
    if (existsSync(priorFile)) {
      const p = await loadRun(priorFile, warnWith(env), { compactIterations: false });
      priorState = p.state;
      const pu = p.state.nodes.get(nodeId as NodeState['nodeId']);
      const priorDefs = definitionGraph(p.state.definition).defs;
      prior = { runId: s.resumedFrom, unit: pu, inDefinition: priorDefs.has(nodeId), def: priorDefs.get(nodeId) };
      if (pu?.status === 'cached' && !pu.hashParts && pu.fromRunId && pu.fromRunId !== s.resumedFrom) {
        const originFile = logFile(env.workspace, pu.fromRunId);
        if (existsSync(originFile)) {
          const origin = await loadRun(originFile, warnWith(env));
          prior.origin = { runId: pu.fromRunId, unit: origin.state.nodes.get(nodeId as NodeState['nodeId']) };
        }
      }
    }
  }
  const rerun = Array.isArray(s.options?.rerun) && s.options.rerun.includes(nodeId);
  const why = explainWhy(s.runId ?? '', nodeId, unit, { cache: def?.cache !== false, resumedFrom: s.resumedFrom ?? null, rerun, def }, prior);
  // Issue #14 §10: how each part whose values both logs hold changed, as hunks.
  const w = priorState ? { ...why, parts: why.parts.map((p) => ({ ...p, ...withHunks(partHunks(p.part, nodeId, s, priorState)) })) } : why;
  return print(env, w, () => renderWhyText(w));
}
