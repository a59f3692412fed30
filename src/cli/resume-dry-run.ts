// `oe resume <runId> --dry-run` (issue #11 §5): prints what the resume would do per node — cached,
// executes (why), may execute, skipped, waits, dropped — and executes nothing: no node runs, no LLM
// is called, no log is written, no claim is taken. The plan comes from the engine itself
// (engine/dry-run.ts) and engine/resume-plan.ts.
import { definitionGraph } from '../inspect/definition.js';
import type { RunId } from '../util/ids.js';
import type { Globals } from './globals.js';
import { llmSettings, runArgs, type LaunchRequest, type RunFlags } from './launch.js';
import type { Output } from './output.js';
import type { PriorRun } from './resume-source.js';
import { shortRunId } from './console.js';
import { OE_VERSION } from './version.js';

/**
 * Plans the resume of `priorRunId` and prints the plan: a table (pretty) or one JSON object
 * (`--json`, `--log-format json`): `{ runId, plan: [{ nodeId, plan, … }], counts }`.
 * @throws {ValidationError} for args that the real resume would refuse (before anything runs).
 */
export async function printResumePlan(g: Globals, output: Output, flags: RunFlags, priorRunId: RunId, prior: PriorRun, req: Pick<LaunchRequest, 'source' | 'args' | 'memo'>): Promise<void> {
  const args = await runArgs(g, flags, req);
  const llm = await llmSettings(flags, g);
  const [{ dryRun }, { resumePlan, planCounts }, { createHasher }, { seedState }] = await Promise.all([
    import('../engine/dry-run.js'),
    import('../engine/resume-plan.js'),
    import('../engine/hash.js'),
    import('../engine/inputs.js'),
  ]);
  const { experience, graph } = req.source;
  const { uuidv7Source } = await import('../util/ids.js');
  const { systemClock } = await import('../util/clock.js');
  const dry = await dryRun({
    plan: { experience, graph, args, seed: seedState(experience, args) },
    runId: uuidv7Source(systemClock.now)(),
    experienceDir: req.source.dir,
    experience: { name: experience.name, version: experience.version, path: '<dry run>', sha256: req.source.sha256 },
    definition: null,
    options: { concurrency: experience.runtime.concurrency, llm: llm.provider, ...(req.source.definitionSource ? { definitionSource: req.source.definitionSource } : {}) },
    llm,
    resumedFrom: priorRunId,
    ...(req.memo ? { memo: req.memo } : {}),
    oeVersion: OE_VERSION,
    clock: systemClock,
    hasher: await createHasher(),
    env: g.env,
  });
  const plan = resumePlan({
    graph,
    dry: dry.state,
    prior: prior.state,
    priorIds: new Set(definitionGraph(prior.state.definition).order),
    priorRunId,
    args,
    rerun: req.memo?.rerun ?? new Set(),
  });
  const counts = planCounts(plan);
  if (flags.json || output.format === 'json') {
    process.stdout.write(`${JSON.stringify({ runId: priorRunId, plan, counts })}\n`);
    return;
  }
  const { paint } = output;
  const width = Math.max(...plan.map((e) => e.nodeId.length), 4);
  const lines = [`plan for resuming ${shortRunId(priorRunId)}: nothing is executed and no log is written`];
  for (const e of plan) {
    const items = 'items' in e && e.items ? ` (${e.items.execute} of ${e.items.total} items execute, ${e.items.cached} restored)` : '';
    const text =
      e.plan === 'cached'
        ? paint.out.green(`cached (from run ${shortRunId(e.fromRunId)})`)
        : e.plan === 'executes'
          ? `${paint.out.yellow('executes')}${items} — ${e.why.join('; ')}`
          : e.plan === 'may execute'
            ? `${paint.out.yellow('may execute')}${items}${e.after.length ? ` — after ${e.after.join(', ')}` : ''}${e.pausesAt ? ` — if it starts before the run pauses at gate ${e.pausesAt.join(', ')}` : ''}`
            : e.plan === 'skipped'
              ? paint.out.dim(`skipped — ${e.reason}`)
              : e.plan === 'waits'
                ? `${paint.out.yellow('waits for a verdict')} — ${e.options.join(' / ')}: oe resume ${shortRunId(priorRunId)} --args '${JSON.stringify({ [e.nodeId]: e.options[0] })}'`
                : paint.out.dim('dropped — not in the experience any more');
    lines.push(`  ${e.nodeId.padEnd(width)}  ${text}`);
  }
  lines.push(
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(' · '),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
