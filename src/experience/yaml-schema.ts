// The shape of experience.yaml as zod 4 schemas (SPEC §2, §2.1, §2.2). validate-experience.ts checks each part
// of a file with these and adds the cross-field rules; `oe schema` prints them as JSON Schema for
// editors. Every union and pattern carries its own message, because validate-experience.ts prints those as-is.
import { z } from 'zod';
import { NODE_ID_RE } from '../util/ids.js';
import { ENV_NAME_RE } from './declared-inputs.js';
import { DURATION_PATTERN } from './duration.js';

/** The field types of SPEC §2 (`state.schema.*.type`, `inputs.*.type`). */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null', 'any'] as const;
/** The merge strategies of a state field. */
export const MERGE_STRATEGIES = ['last_wins', 'set_once', 'array_append'] as const;
/** The node kinds of SPEC §2.1, in table order. */
export const NODE_KINDS = ['tool', 'agent', 'skill', 'dataset', 'cli-agent', 'experience', 'gate'] as const;
/** The top-level keys of experience.yaml. */
export const TOP_LEVEL_KEYS = ['name', 'version', 'description', 'inputs', 'phases', 'state', 'graph', 'runtime'] as const;
/** Semver MAJOR.MINOR.PATCH, with optional pre-release and build parts (semver.org §2, §9, §10). */
export const SEMVER_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** A state field or input name: what a `$.field` path segment can spell. */
export const FIELD_NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const fieldType = z.enum(FIELD_TYPES).describe('The JSON type of the value; `any` accepts every JSON value.');

/** One field of `state.schema`: type, merge, description, and any further JSON-Schema keywords (OpenExpertise 0.1). */
export const StateFieldSchema = z
  .object({
    type: fieldType.default('any'),
    merge: z
      .enum(MERGE_STRATEGIES)
      .default('last_wins')
      .describe('How writes by several nodes combine, in topological order: last_wins, set_once (a second write fails), array_append (type array or any).'),
    description: z.string().optional().describe('What the field holds.'),
  })
  .catchall(z.json())
  .describe('A state field: its type and merge, plus any JSON-Schema keywords (items, properties, required, enum, $ref, $defs, …) that every write must match.');

/** One entry of the top-level `phases` list. */
export const PhaseSchema = z
  .strictObject({
    id: z.string().min(1).describe('The phase id that nodes name in `phase`.'),
    title: z.string().optional().describe('The heading shown for the phase (default: its id).'),
  })
  .describe('A group of nodes, shown as one box in `oe graph`, `oe inspect` and the HTML report.');

/** One declared run input (`inputs.<name>`, an oe extension). */
export const InputDeclSchema = z
  .strictObject({
    type: fieldType,
    default: z.json().optional().describe('Used when the run omits this input; an input without a default is required.'),
    description: z.string().optional().describe('What the input means (shown when it is missing).'),
    enum: z.array(z.json()).min(1).optional().describe('The allowed values.'),
  })
  .describe('A run input, given with `oe run --args`.');

/** `on_error` (SPEC §2.2); absent means `{policy: fail_run}`. */
export const OnErrorSchema = z
  .discriminatedUnion(
    'policy',
    [
      z.strictObject({ policy: z.literal('fail_run').describe('The run fails (default).') }),
      z.strictObject({ policy: z.literal('skip').describe('The node is skipped and the skip cascades.') }),
      z.strictObject({
        policy: z.literal('retry').describe('Retry the node, then fail the run.'),
        attempts: z.number().int().min(1).max(20).default(3).describe('Total attempts including the first, 1–20.'),
        backoff: z.enum(['linear', 'exponential']).default('exponential').describe('Delay growth between attempts.'),
        base_ms: z.number().int().min(0).default(200).describe('Base delay in ms.'),
      }),
    ],
    { error: 'on_error.policy must be one of fail_run, skip, retry' },
  )
  .describe('What happens when the node fails.');

/** `for_each` fan-out (SPEC §2.2). */
export const ForEachSchema = z
  .strictObject({
    source: z.string().describe('A state path such as `$.items`: one iteration per element of that array.'),
    concurrency: z.number().int().min(1).default(1).describe('Iterations running at once.'),
  })
  .describe('Run the node once per element of an array in the state; `{{$item}}` and `{{$index}}` name the element.');

const durationSchema = z
  .union([z.number().int().min(1), z.string().regex(new RegExp(DURATION_PATTERN), { error: 'timeout must be a number of ms or a duration such as "500ms", "30s", "5m"' })], {
    error: 'timeout must be a number of ms or a duration such as "500ms", "30s", "5m"',
  })
  .describe('Per-attempt timeout: a number of ms, or "500ms" / "30s" / "5m" / "1h".');

/** The fields every node kind has (SPEC §2.2). */
const commonFields = {
  id: z.string().regex(NODE_ID_RE, { error: 'id must match ^[A-Za-z_][A-Za-z0-9_]*$' }).describe('Unique node id: ^[A-Za-z_][A-Za-z0-9_]*$.'),
  reads: z.array(z.string()).default([]).describe('State fields the node reads (its `_state`); each is declared in state.schema.'),
  writes: z.array(z.string()).default([]).describe('State fields the node may write; each is declared in state.schema.'),
  args: z
    .record(z.string(), z.json())
    .default({})
    .describe('Arguments; a string that is exactly `$.a.b` is replaced by that state value, `$args.x` by the run arg.'),
  phase: z.string().min(1).optional().describe('The phase (from the top-level `phases`) the node belongs to, for grouping in output.'),
  on_error: OnErrorSchema.optional(),
  for_each: ForEachSchema.optional(),
  timeout: durationSchema.optional(),
  cache: z.boolean().default(true).describe('false: always execute, never restore from a prior run (side effects).'),
  files: z
    .array(
      z.union(
        [
          z.string().min(1),
          z.strictObject({
            glob: z.string().min(1).describe('A glob relative to the experience directory.'),
            optional: z.boolean().default(false).describe('true: matching no file is fine.'),
          }),
        ],
        { error: 'each files entry must be a glob string or { glob: "<glob>", optional: true }' },
      ),
    )
    .optional()
    .describe('Files the node reads at run time: globs relative to the experience directory (a string, or { glob, optional: true } when matching nothing is fine). Their contents join the input hash, so a change re-executes the node on resume.'),
  env: z
    .array(z.string().regex(ENV_NAME_RE, { error: 'each env entry must be an environment variable name such as API_REGION (letters, digits, _; not starting with a digit)' }))
    .optional()
    .describe('Environment variables the node reads; a digest of each value (never the value) joins the input hash.'),
};

const model = z.string().optional().describe('The model name.');
const maxTokens = z.number().int().min(1).optional().describe('Maximum output tokens.');
const temperature = z.number().min(0).max(1).optional().describe('Sampling temperature, 0–1 (the Anthropic Messages API range).');
const maxRetries = z.number().int().min(0).max(20).optional().describe('Retries of one LLM request after 429/5xx/timeouts (default: --llm-max-retries, else 2).');
const requestTimeout = durationSchema.optional().describe('Timeout of one LLM HTTP request: ms or "30s" / "5m" (default: --llm-timeout, else the SDK default).');
const effort = z.enum(['low', 'medium', 'high', 'xhigh', 'max']).optional().describe('How much effort the model puts into its answer (the API\'s output_config.effort); which levels a model takes is in the model table.');
const promptCache = z
  .union([z.boolean(), z.enum(['5m', '1h'])], { error: 'prompt_cache must be true, false, "5m" or "1h"' })
  .optional()
  .describe('Prompt caching: mark the stable prefix (system prompt, and the prompt up to its first {{$item}}/{{$index}}) with cache_control; true or "5m" for 5-minute entries, "1h" for 1-hour ones.');
const implPath = (what: string) => z.string().min(1).describe(`${what}, relative to the experience directory.`);

/** One schema per node kind, keyed by kind (SPEC §2.1). */
export const NODE_SCHEMAS = {
  tool: z
    .strictObject({ ...commonFields, kind: z.literal('tool'), impl: implPath('JS module (.mjs, .js, .cjs) whose default export runs') })
    .describe('Runs the default export of a JS module.'),
  agent: z
    .strictObject({
      ...commonFields,
      kind: z.literal('agent'),
      prompt: z.string().min(1).describe('A prompt file path (relative to the experience directory) or inline text with {{field}} placeholders.'),
      prompt_file: z.string().optional().describe('Set by oe when `prompt` names a file (recorded in run logs); not written by hand.'),
      model,
      schema: z.record(z.string(), z.json()).optional().describe('A JSON Schema: the node answers through a strict tool call (OpenAI: a JSON-schema response format) whose input must match it; $ref, allOf, not and every other keyword are checked.'),
      system: z.string().optional().describe('System prompt.'),
      max_tokens: maxTokens,
      temperature,
      max_retries: maxRetries,
      request_timeout: requestTimeout,
      effort,
      prompt_cache: promptCache,
    })
    .describe('One LLM call (Anthropic Messages, or OpenAI with --llm openai).'),
  skill: z
    .strictObject({
      ...commonFields,
      kind: z.literal('skill'),
      impl: implPath('A SKILL.md (front matter + body)'),
      inputs: z.record(z.string(), z.json()).optional().describe('OpenExpertise\'s name for a skill\'s args: merged into `args`.'),
      schema: z.record(z.string(), z.json()).optional().describe('A JSON Schema for the answer (wins over the SKILL.md front matter\'s): its object becomes the state delta.'),
      model,
      max_tokens: maxTokens,
      temperature,
      max_retries: maxRetries,
      request_timeout: requestTimeout,
      effort,
      prompt_cache: promptCache,
    })
    .describe('A SKILL.md body as system prompt, the input bundle as user message.'),
  dataset: z
    .strictObject({
      ...commonFields,
      kind: z.literal('dataset'),
      source: z
        .strictObject({
          type: z.literal('file').describe('Only `file` is supported.'),
          uri: z.string().min(1).describe('Data file, relative to the experience directory.'),
          format: z.enum(['json', 'jsonl', 'csv']).describe('How the file is parsed.'),
        })
        .describe('Where the rows come from.'),
    })
    .describe('Loads rows into its one `writes` field.'),
  'cli-agent': z
    .strictObject({
      ...commonFields,
      kind: z.literal('cli-agent'),
      provider: z.enum(['claude-code', 'codex', 'gemini']).describe('Which coding-agent CLI to run: claude (claude-code), codex or gemini.'),
      prompt: z.string().min(1).describe('Inline prompt text with {{field}} placeholders, or a prompt file path (relative to the experience directory).'),
      prompt_file: z.string().optional().describe('Set by oe when `prompt` names a file (recorded in run logs); not written by hand.'),
      model,
      workdir: z.string().min(1).optional().describe('Working directory of the sub-process, relative to the experience directory (default: the experience directory).'),
      output_format: z.enum(['text', 'json']).optional().describe('text (default): the answer goes to the one `writes` field; json: the answer is a JSON object, the state delta.'),
      schema: z.record(z.string(), z.json()).optional().describe('A JSON Schema the JSON answer must match; implies output_format json.'),
      timeout_ms: z.number().int().min(1).optional().describe('Sub-process timeout in ms: SIGTERM to its process group, SIGKILL 2 s later.'),
      extra_args: z.array(z.string()).optional().describe('Extra command-line arguments, passed verbatim after oe\'s own.'),
    })
    .describe('Runs a coding-agent CLI (claude -p, codex exec, gemini --prompt) as a sub-process.'),
  experience: z
    .strictObject({ ...commonFields, kind: z.literal('experience'), impl: implPath('Child experience directory or YAML file') })
    .describe('A nested run of another experience.'),
  gate: z
    .strictObject({
      ...commonFields,
      kind: z.literal('gate'),
      message: z.string().min(1).describe('The question shown to the approver, templated like a prompt.'),
      options: z.array(z.string().min(1)).min(1).default(['approve', 'reject']).describe('The possible verdicts (default approve, reject).'),
      default: z.string().optional().describe('The verdict preselected on a TTY; one of `options`. An unattended run never takes it.'),
      on_reject: z.enum(['fail', 'skip']).default('fail').describe('What the verdict `reject` does: fail the run, or skip what follows the gate.'),
    })
    .describe('Human approval: asks on a TTY, otherwise pauses the run.'),
} as const;

/** Any node, discriminated by `kind`. */
export const NodeSchema = z.discriminatedUnion('kind', Object.values(NODE_SCHEMAS) as [typeof NODE_SCHEMAS.tool, ...Array<(typeof NODE_SCHEMAS)[keyof typeof NODE_SCHEMAS]>], {
  error: `kind must be one of ${NODE_KINDS.join(', ')}`,
});

/** A directed edge (SPEC §2.2). */
export const EdgeSchema = z
  .strictObject({
    from: z.string().describe('Source node id.'),
    to: z.string().describe('Target node id.'),
    when: z
      .string()
      .optional()
      .describe('Condition over the state: `$.a.b`, literals, == != < <= > >=, && || !, parentheses, length(x). The target runs only when no incoming edge is false.'),
  })
  .describe('An edge: `to` runs after `from`.');

/** `runtime` (absent means concurrency 1). */
export const RuntimeSchema = z
  .strictObject({ concurrency: z.number().int().min(1).default(1).describe('Nodes running at once.') })
  .describe('Run options.');

/** `graph.pipelines[]` (OpenExpertise 0.1). */
export const PipelineSchema = z
  .strictObject({
    id: z.string().min(1).describe('The pipeline\'s name (in messages and as `$pipeline`).'),
    items: z.string().describe('A state path such as `$.items`: each element flows through the stages.'),
    stages: z.array(z.string()).min(1).describe('Node ids run in order for each item; stage k receives stage k−1\'s edge_output.'),
    concurrency: z.number().int().min(1).default(1).describe('Items in flight at once (oe extension; default 1, one item after another).'),
    phase: z.string().min(1).optional(),
  })
  .describe('Every item of a list flows through a sequence of nodes (OpenExpertise 0.1).');

/** `graph.loops[]` (OpenExpertise 0.1). */
export const LoopSchema = z
  .strictObject({
    id: z.string().min(1).describe('The loop\'s name (in messages and as `$loop`).'),
    body: z.string().describe('The node id run once per iteration; each iteration sees what the earlier ones wrote.'),
    until: z.string().optional().describe('Stop before an iteration when this expression (the `when` grammar) holds over its view.'),
    max_iters: z.number().int().min(1).default(100).describe('At most this many iterations (default 100).'),
    budget: z.number().int().min(0).optional().describe('OpenExpertise\'s declared budget: accepted and unused (use --max-cost).'),
    phase: z.string().min(1).optional(),
  })
  .describe('A node repeated until a condition holds (OpenExpertise 0.1).');

/** The whole experience.yaml (SPEC §2). */
export const ExperienceSchema = z
  .strictObject({
    name: z.string().min(1).describe('Experience name.'),
    version: z
      .string({ error: 'version must be a semver string MAJOR.MINOR.PATCH such as "1.0.0" (quote it in YAML)' })
      .regex(SEMVER_RE, { error: 'version must be semver MAJOR.MINOR.PATCH, e.g. 1.0.0' }).describe('Semver MAJOR.MINOR.PATCH.'),
    description: z.string().optional().describe('What the experience does.'),
    inputs: z.record(z.string().regex(FIELD_NAME_RE), InputDeclSchema).default({}).describe('Run inputs (oe extension), validated against `--args`.'),
    phases: z.array(PhaseSchema).optional().describe('Groups of nodes, in display order (OpenExpertise 0.1).'),
    state: z
      .strictObject({
        schema: z.record(z.string().regex(FIELD_NAME_RE), StateFieldSchema).describe('Every field a node reads or writes.'),
        store: z.string().optional().describe('OpenExpertise\'s SQLite path: accepted and unused (the run log is oe\'s only state).'),
      })
      .describe('The shared state.'),
    graph: z
      .strictObject({
        nodes: z.array(NodeSchema).describe('The nodes.'),
        edges: z.array(EdgeSchema).default([]).describe('The edges.'),
        pipelines: z.array(PipelineSchema).optional().describe('Pipelines (OpenExpertise 0.1).'),
        loops: z.array(LoopSchema).optional().describe('Loops (OpenExpertise 0.1).'),
      })
      .describe('The workflow graph.'),
    runtime: RuntimeSchema.default({ concurrency: 1 }),
  })
  .meta({ title: 'oe experience', description: 'An oe experience: a workflow graph of tools and LLM calls (experience.yaml).' });

/** The JSON Schema (draft 2020-12) of experience.yaml, for editors (yaml-language-server). */
export function experienceJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ExperienceSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
