// `oe inspect <runId>` (SPEC §4, issue #5): read the log(s) → fold → summarise (pure) → render (pure)
// → write (STYLE §3.3). Read-only over `.openexpertise/runs/`. The views load when the command runs,
// so the command table stays light.
import { existsSync, statSync } from 'node:fs';
import type { Hunk } from '../inspect/hunks.js';
import type { PriorNode } from '../inspect/why.js';
import type { LoadedRun } from '../log/load-run.js';
import { EVENT_TYPES, type EventType } from '../log/events.js';
import type { NodeState, RunState } from '../log/fold.js';
import { LogFormatError, UsageError } from '../util/errors.js';
import type { Register } from '../cli/command.js';
import { startCommand } from '../cli/command.js';
import { inspectEnv, warnWith, type InspectEnv } from '../cli/inspect-env.js';

/** Adds `oe inspect`. */
export const register: Register = (program, proc) => {
  program
    .command('inspect')
    .description('summarise a run from its log: status, each node (executed or cached, attempts, duration, tokens, cost, errors), totals and what a resume saved')
    .argument('<runId>', 'the run: a UUID, a unique prefix (≥ 4 hex digits), the short id oe prints, or latest (oe runs lists them)')
    .option('--experience <path>', 'with latest: the newest run of this experience')
    .option('--json', 'print the summary as one JSON object (docs/inspect.md)')
    .option('--events', 'print the raw events, one JSON object per line')
    .option('--type <type...>', 'with --events: only events of these types (e.g. node.failed)')
    .option('--node <id>', 'everything about one node; with --events: only its events')
    .option('--why <nodeId>', 'why the node was cached or executed: the input-hash parts that differ from the prior run')
    .option('--html <file>', 'write a self-contained HTML report (graph, timeline, node table)')
    .action(async (runId: string, opts: InspectOptions, cmd) => {
      const { globals, output } = await startCommand(cmd, proc);
      await inspectCommand(runId, opts, await inspectEnv(globals, output, opts));
    });
};

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

/** The modules inspect's work uses, loaded once the command runs. */
async function views() {
  const [load, locate, liveness, paths, reader, summary, render, whyDiff, detail, definition, why, whyValues, htmlDetail, htmlWrite] = await Promise.all([
    import('../log/load-run.js'),
    import('../inspect/locate.js'),
    import('../log/liveness.js'),
    import('../log/paths.js'),
    import('../log/reader.js'),
    import('../inspect/summary.js'),
    import('../inspect/render.js'),
    import('../inspect/render-why-diff.js'),
    import('../inspect/node-detail.js'),
    import('../inspect/definition.js'),
    import('../inspect/why.js'),
    import('../inspect/why-values.js'),
    import('../inspect/html-detail.js'),
    import('../inspect/html-write.js'),
  ]);
  return { ...load, ...locate, ...liveness, ...paths, ...reader, ...summary, ...render, ...whyDiff, ...detail, ...definition, ...why, ...whyValues, ...htmlDetail, ...htmlWrite };
}
type Views = Awaited<ReturnType<typeof views>>;

/**
 * Runs `oe inspect <rawRunId>`.
 * @throws {UsageError} for text that is no run reference (before any fs access), an ambiguous one, or bad options; {NotFoundError} for an
 *   unknown run or node; {LogFormatError} for an empty or malformed log or a newer format.
 */
export async function inspectCommand(rawRunId: string, o: InspectOptions, env: InspectEnv): Promise<void> {
  checkInspectOptions(o);
  const v = await views();
  const { locateRun, loadRun, isRunProcessAlive, nodeDetail, renderNodeText, summarize, runLogPath: logFile, writeHtmlReport, reportData, renderSummaryText } = v;
  const { file } = locateRun(env.workspace, rawRunId, { ...(o.experience !== undefined ? { experience: o.experience } : {}), cwd: env.cwd });
  if (o.events) return printEvents(v, file, o, env);
  // --node, --why and --html read each iteration in full; everything else reads only the summary's fields.
  const run = await loadRun(file, undefined, { compactIterations: o.node === undefined && o.why === undefined && o.html === undefined });
  const pidAlive = isRunProcessAlive(run.state.options);
  // A torn last line is a crash's mark, worth a warning; in a live run it is a write in progress.
  if (!pidAlive || run.state.status !== 'running') run.warnings.forEach(warnWith(env));
  if (o.why !== undefined) return printWhy(v, run, o.why, pidAlive, env);
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
async function printEvents({ streamLog }: Views, file: string, o: InspectOptions, env: InspectEnv): Promise<void> {
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
async function printWhy(v: Views, run: LoadedRun, nodeId: string, pidAlive: boolean, env: InspectEnv): Promise<void> {
  const { nodeDetail, definitionGraph, runLogPath: logFile, loadRun, explainWhy, partHunks, renderWhyText } = v;
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
