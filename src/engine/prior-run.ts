// What a resume takes from the prior run (SPEC §3.2 (2)–(5)): its log and those of its resume chain
// (read, never written), its args, the experience to run, and the memo of the whole chain.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { priorChildrenOf } from './child-run.js';
import type { LiveClaim } from './live-claim.js';
import { buildMemo, type Memo } from './memo.js';
import { definitionFromLog, loadExperience } from '../experience/load-experience.js';
import { gateRejectedReason } from './gate-task.js';
import { gatesOf } from '../experience/gate-args.js';
import type { Experience } from '../experience/types.js';
import { runSpent } from '../log/derive.js';
import type { OeEvent } from '../log/events.js';
import { fold, type RunState } from '../log/fold.js';
import { readLineage } from '../log/lineage.js';
import { isRunProcessAlive, runProcess } from '../log/liveness.js';
import { runLogPath, runsDir, workspacePath } from '../log/paths.js';
import type { Json } from '../util/canonical-json.js';
import { canonicalJson } from '../util/canonical-json.js';
import { LogFormatError, NotFoundError, ValidationError } from '../util/errors.js';
import type { NodeId, RunId } from '../util/ids.js';
import { fileSource, type RunSource } from './run-source.js';
import { OE_VERSION } from '../util/version.js';

/** Where a resume runs: the workspace (its runs directory) and the directory paths are relative to. */
export interface ResumeWhere {
  workspace: string;
  cwd: string;
}

/** Where prepareResume says what it used and what it dropped (stderr, as pino's methods). */
export interface ResumeLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** The prior run, as a resume uses it. */
export interface PriorRun {
  args: { [name: string]: Json };
  source: RunSource;
  memo: Memo;
  /** The prior run's resume chain, itself first (the new run's claim adds itself in front). */
  lineage: RunId[];
  /** The prior run as live, when its own log says its process still runs (no claim needed for that). */
  live(): LiveClaim | undefined;
  /** The child run the chain last started for each `experience` node unit (engine/child-run.ts). */
  priorChildren: Map<string, RunId>;
  /** The prior run's fold (`--dry-run` compares against its hash parts). */
  state: RunState;
  /** What the resume chain spent on LLM requests, nested runs included, USD (a resume's `--max-cost` counts it). */
  spentUsd(): Promise<number>;
}

/**
 * Reads the prior log and decides what the resume runs: the experience, the memo, and the prior args
 * that experience still declares.
 * Experience: `--experience` if given; else the recorded path if it still exists (and `--no-reload`
 * was not given); else the definition recorded in run.started. stderr says which was used.
 * @throws {NotFoundError} (exit 1) when the log does not exist, naming the runs directory;
 *   {LogFormatError} (exit 1) for a malformed line or a log without run.started;
 *   {ValidationError} (exit 2) when the experience no longer validates.
 */
export async function prepareResume(g: ResumeWhere, log: ResumeLog, runId: RunId, opts: { experience?: string; reload: boolean }): Promise<PriorRun> {
  const file = runLogPath(g.workspace, runId);
  if (!existsSync(file)) throw new NotFoundError(`no run ${runId} in ${runsDir(g.workspace)}`);
  const chain = await readLineage(g.workspace, runId);
  for (const w of chain.warnings) log.warn({ file: w.file, line: w.line }, `${workspacePath(g.cwd, w.file)}:${w.line}: ${w.message}`);
  for (const id of chain.missing) log.warn({ runId: id }, `the log of run ${id}, earlier in the resume chain of ${runId}, is gone: what only it completed will execute again`);
  const prior = fold(chain.logs[0]!.events);
  if (!prior.experience || prior.definition === undefined) throw new LogFormatError(`${workspacePath(g.cwd, file)}: the log has no run.started event, so there is nothing to resume`);
  const recorded = resolve(g.workspace, prior.experience.path);
  let source: RunSource;
  if (opts.experience) {
    source = fileSource(await loadExperience(opts.experience, g.cwd));
  } else if (opts.reload && existsSync(recorded)) {
    source = await fromRecordedFile(g, recorded, prior.experience.sha256, prior.oeVersion === OE_VERSION ? prior.definition : undefined);
  } else {
    const dir = dirname(recorded);
    const { experience, graph } = definitionFromLog(prior.definition, { file: `${prior.experience.path} (definition recorded in run ${runId})`, dir, checkFiles: false });
    source = {
      experience,
      graph,
      dir,
      sha256: createHash('sha256').update(canonicalJson(prior.definition)).digest('hex'),
      definitionSource: 'log',
      recordedPath: prior.experience.path,
    };
  }
  const how = source.definitionSource === 'file' ? `experience file ${workspacePath(g.cwd, source.file!)}` : `the definition recorded in run ${runId}`;
  log.info({ definitionSource: source.definitionSource }, `resuming ${runId} with ${how}`);
  const live = (): LiveClaim | undefined => {
    const id = runProcess(prior.options);
    return prior.status === 'running' && id && isRunProcessAlive(prior.options) ? { ...id, runId, lineage: [] } : undefined;
  };
  return {
    args: { ...carriedVerdicts(prior, source.experience), ...carriedArgs(prior.args, source.experience, log) },
    source,
    memo: buildMemo(chain.logs.map((l) => l.events)),
    lineage: chain.logs.map((l) => l.runId),
    live,
    priorChildren: priorChildrenOf(chain.logs.map((l) => l.events)),
    state: prior,
    spentUsd: () => chainSpend(g.workspace, chain.logs.map((l) => l.events)),
  };
}

/**
 * What the runs of a resume chain spent on LLM requests (not replayed ones), USD, with the nested
 * runs their `experience` nodes started (read from their logs, transitively; a gone log counts 0).
 */
async function chainSpend(workspace: string, logs: ReadonlyArray<readonly OeEvent[]>): Promise<number> {
  const { readLog } = await import('../log/reader.js');
  let total = 0;
  const seen = new Set<string>();
  const pending: Array<readonly OeEvent[]> = [...logs];
  while (pending.length > 0) {
    const events = pending.pop()!;
    total += runSpent(fold(events))?.costUsd ?? 0;
    for (const e of events) {
      if (e.type !== 'node.started' || !e.childRunId || seen.has(e.childRunId)) continue;
      seen.add(e.childRunId);
      const file = runLogPath(workspace, e.childRunId);
      if (existsSync(file)) pending.push((await readLog(file)).events);
    }
  }
  return total;
}

/**
 * The prior run's args that the experience still declares (SPEC §3.2 (3)). An input removed from the
 * experience since that run is dropped with a warning: the user never typed it, so it must not make
 * the resume fail as an unknown arg. Args given with `--args` are merged later and checked strictly.
 * With no inputs declared (an OpenExpertise file), every arg is kept. An arg named after a gate the
 * experience still has is its verdict (issue #11 §1) and is kept too.
 */
function carriedArgs(args: { [name: string]: Json }, experience: Experience, log: ResumeLog): { [name: string]: Json } {
  const inputs = experience.inputs;
  if (Object.keys(inputs).length === 0) return args;
  const gates = gatesOf(experience);
  const dropped = Object.keys(args).filter((k) => !Object.hasOwn(inputs, k) && !gates.has(k));
  if (dropped.length === 0) return args;
  log.warn({ dropped }, `the experience no longer declares ${dropped.map((k) => JSON.stringify(k)).join(', ')}; the prior run's value${dropped.length > 1 ? 's are' : ' is'} not used`);
  return Object.fromEntries(Object.entries(args).filter(([k]) => !dropped.includes(k)));
}

/**
 * The verdicts a person gave the prior run's gates at a terminal (issue #11 §1), as verdict args, so
 * a resume does not ask again what was answered: a completed or restored gate's `edge_output.verdict`,
 * or `reject` for a gate skipped by its rejection. Only gates the experience still has; a verdict
 * given as an arg (carried by carriedArgs, or given again with `--args`/`--approve`) wins.
 */
function carriedVerdicts(prior: RunState, experience: Experience): { [gate: string]: string } {
  const out: { [gate: string]: string } = {};
  for (const id of gatesOf(experience).keys()) {
    const n = prior.nodes.get(id as NodeId);
    if (!n) continue;
    const edge = n.output?.edge_output;
    const verdict = edge && typeof edge === 'object' && !Array.isArray(edge) ? edge['verdict'] : undefined;
    if ((n.status === 'completed' || n.status === 'cached') && typeof verdict === 'string') out[id] = verdict;
    else if (n.status === 'skipped' && n.skipReason === gateRejectedReason(id)) out[id] = 'reject';
  }
  return out;
}

/**
 * The experience at its recorded path. When its bytes are the ones the prior run recorded (sha256)
 * and the prior run was written by this oe version, the recorded definition is the file's validated
 * form already: it is re-validated (file checks included) instead of parsing the YAML again — a
 * 1,000-node YAML costs more to parse than a resume costs to run (issue #8 §4). The YAML is parsed,
 * with positions, only when that definition no longer validates, so problems are located.
 */
async function fromRecordedFile(g: ResumeWhere, recorded: string, sha256: string, definition: Json | undefined): Promise<RunSource> {
  if (definition !== undefined) {
    const bytes = await readFile(recorded);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha === sha256) {
      try {
        const { experience, graph } = definitionFromLog(definition, { file: workspacePath(g.cwd, recorded), dir: dirname(recorded), checkFiles: true });
        return { experience, graph, dir: dirname(recorded), file: recorded, sha256: sha, definitionSource: 'file' };
      } catch (e) {
        // No longer valid (a file it names is gone, …): the YAML below reports it with positions.
        if (!(e instanceof ValidationError)) throw e;
      }
    }
  }
  return fileSource(await loadExperience(recorded, g.cwd));
}
