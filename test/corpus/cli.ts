// The bad-command-line corpus (issue #12 §2): bad `--args`, bad flags, bad run ids, unknown commands.
// Each case is a command line run by bin/oe in a workspace holding a valid experience at
// `experiences/corpus` (inputs `repo: string`, `strict: boolean`) and the finished log of run RUN,
// with its exact exit code and a fragment of the message on stderr.
import { LogBuilder, experience } from '../helpers/log-builder.js';

/** The finished run in every CLI workspace. */
export const RUN = '01932f00-0000-7000-8000-00000000c11a';
const MISSING = '01932f00-0000-7000-8000-0000000fffff';
const EXP = 'experiences/corpus';

/** The workspace's files: the experience and the finished run's log. */
export function cliWorkspace(): Record<string, string> {
  const def = { ...experience('corpus', [{ id: 'a', writes: ['a'], impl: 'tools/t.mjs' }], [], ['a']), inputs: { repo: { type: 'string', default: '.' }, strict: { type: 'boolean', default: false } } };
  const log = new LogBuilder({ runId: RUN }).started(def as never, { args: { repo: '.', strict: false } }).executes('a').finished('success');
  return {
    [`${EXP}/experience.yaml`]: 'name: corpus\nversion: 1.0.0\ninputs:\n  repo: { type: string, default: "." }\n  strict: { type: boolean, default: false }\nstate:\n  schema:\n    a: { type: any }\ngraph:\n  nodes:\n    - { id: a, kind: tool, impl: tools/t.mjs, writes: [a] }\n',
    [`${EXP}/tools/t.mjs`]: 'export default () => ({ state_delta: { a: 1 } });\n',
    [`.openexpertise/runs/${RUN}.jsonl`]: log.jsonl(),
  };
}

/**
 * One command line. Each runs in-process through the real command table (buildProgram) with the
 * exit code main.ts would give; `spawn` ones also through bin/oe; `process` ones only there (they
 * print to stderr before failing, which in-process would land in the test's own output).
 */
export interface CliCase {
  name: string;
  argv: string[];
  code: number;
  message: string | RegExp;
  spawn?: true;
  process?: true;
}

const run = (...more: string[]): string[] => ['run', EXP, ...more];
const big = 'x'.repeat(10 * 1024);

const args: CliCase[] = [
  { name: '--args that is a JSON array', argv: run('--args', '[1]'), code: 2, message: `--args must be a JSON object such as '{"repo": "."}', not an array` },
  { name: '--args that is not JSON, quoted', argv: run('--args', 'nope'), code: 2, message: '--args is not valid JSON: ' },
  { name: '--args that is a number', argv: run('--args', '42'), code: 2, message: 'not 42' },
  { name: '--args that is null', argv: run('--args', 'null'), code: 2, message: 'not null' },
  { name: '--args that is a JSON string', argv: run('--args', '"repo"'), code: 2, message: 'not "repo"' },
  { name: '--args cut short', argv: run('--args', '{"repo": '), code: 2, message: '--args is not valid JSON' },
  { name: '--args that is empty', argv: run('--args', ''), code: 2, message: '--args is not valid JSON' },
  { name: '#12: a 10 kB --args is quoted short', argv: run('--args', big), code: 2, message: /\(got "x{60}…" \(10240 characters\)\)/, spawn: true },
  { name: 'an arg of the wrong type', argv: run('--args', '{"strict": "yes"}'), code: 2, message: '<args>: arg "strict" must be a boolean, not "yes"', spawn: true },
  { name: 'an arg that is an object where a string goes', argv: run('--args', '{"repo": {"path": "."}}'), code: 2, message: 'arg "repo" must be a string' },
  { name: 'an unknown arg, with a did-you-mean', argv: run('--args', '{"rep": "x"}'), code: 2, message: 'unknown arg "rep"' },
  { name: 'an arg named __proto__', argv: run('--args', '{"__proto__": {"x": 1}}'), code: 2, message: 'unknown arg "__proto__"' },
  { name: 'resume with --args that is an array', argv: ['resume', RUN, '--args', '[]'], code: 2, message: '--args must be a JSON object' },
  { name: 'resume with an unknown arg', argv: ['resume', RUN, '--args', '{"stirct": true}'], code: 2, message: 'unknown arg "stirct"', process: true },
  { name: 'resume with an arg of the wrong type', argv: ['resume', RUN, '--args', '{"repo": 7}'], code: 2, message: 'arg "repo" must be a string, not 7', process: true },
];

const flags: CliCase[] = [
  { name: '--concurrency 0', argv: run('--concurrency', '0'), code: 2, message: '--concurrency must be a whole number of at least 1, not "0"', spawn: true },
  { name: '--concurrency -1', argv: run('--concurrency', '-1'), code: 2, message: '--concurrency must be a whole number of at least 1, not "-1"' },
  { name: '--concurrency 2.5', argv: run('--concurrency', '2.5'), code: 2, message: 'not "2.5"' },
  { name: '--concurrency abc', argv: run('--concurrency', 'abc'), code: 2, message: 'not "abc"' },
  { name: '--concurrency past the largest safe integer', argv: run('--concurrency', '99999999999999999999'), code: 2, message: 'not "99999999999999999999"' },
  { name: '--llm of an unsupported provider', argv: run('--llm', 'mistral'), code: 2, message: '--llm must be one of anthropic, openai, not "mistral"' },
  { name: '--record and --replay together', argv: run('--record', 'r', '--replay', 'r'), code: 2, message: '--record and --replay cannot be used together' },
  { name: '--llm-max-retries that is not a number', argv: run('--llm-max-retries', 'x'), code: 2, message: '--llm-max-retries must be a whole number, not "x"' },
  { name: '--llm-timeout 0', argv: run('--llm-timeout', '0'), code: 2, message: '--llm-timeout must be a whole number of at least 1, not "0"' },
  { name: 'an unknown --log-format', argv: ['--log-format', 'xml', 'run', EXP], code: 2, message: '--log-format must be json or pretty, not "xml"', spawn: true },
  { name: 'an unknown --log-level', argv: ['--log-level', 'loud', 'run', EXP], code: 2, message: '--log-level must be one of trace, debug, info, warn, error, not "loud"' },
  { name: 'an unknown option', argv: run('--frobnicate'), code: 2, message: "error: unknown option '--frobnicate'" },
  { name: 'an unknown command', argv: ['frobnicate'], code: 2, message: "error: unknown command 'frobnicate'", spawn: true },
  { name: 'too many arguments', argv: ['run', EXP, 'other'], code: 2, message: "too many arguments for 'run'" },
  { name: 'resume without a run id', argv: ['resume'], code: 2, message: "error: missing required argument 'runId'", spawn: true },
  { name: 'inspect without a run id', argv: ['inspect'], code: 2, message: "error: missing required argument 'runId'" },
  { name: 'runs --limit 0', argv: ['runs', '--limit', '0'], code: 2, message: '--limit must be a whole number of at least 1, not "0"' },
  { name: 'inspect --events --type of no event type', argv: ['inspect', RUN, '--events', '--type', 'bogus'], code: 2, message: '--type "bogus" is not an event type' },
  { name: 'inspect --why of a node the run does not have', argv: ['inspect', RUN, '--why', 'nosuch'], code: 1, message: `run ${RUN} has no node "nosuch" (nodes: a)` },
  { name: 'resume --experience of a missing path', argv: ['resume', RUN, '--experience', 'nowhere'], code: 1, message: 'no experience at nowhere: no such file or directory' },
];

const runIds: CliCase[] = [
  { name: 'inspect of a run id that is a word', argv: ['inspect', 'nope'], code: 2, message: 'not a run id: "nope" (expected a UUID such as 0192f3a4-…, a unique prefix', spawn: true },
  { name: 'resume of a run id that is a path', argv: ['resume', '../../etc/passwd'], code: 2, message: 'not a run id: "../../etc/passwd"', spawn: true },
  { name: 'inspect of an empty run id', argv: ['inspect', ''], code: 2, message: 'not a run id: ""' },
  { name: '#12: a 10 kB run id is quoted short', argv: ['inspect', big], code: 2, message: /not a run id: "x{60}…" \(10240 characters\) \(expected a UUID/, spawn: true },
  { name: 'resume of a 10 kB run id', argv: ['resume', big], code: 2, message: /not a run id: "x{60}…" \(10240 characters\)/ },
  { name: 'a run id with a newline in it', argv: ['inspect', `${RUN}\n`], code: 2, message: `not a run id: "${RUN}\\n"` },
  { name: 'a run id with a control character', argv: ['inspect', 'a\u0007b'], code: 2, message: 'not a run id: "a\\u0007b"' },
  { name: 'a run id one character too long', argv: ['inspect', `${RUN}0`], code: 2, message: 'not a run id' },
  { name: 'diff with one bad run id', argv: ['diff', RUN, 'nope'], code: 2, message: 'not a run id: "nope"' },
  { name: 'pause of a bad run id', argv: ['pause', 'nope'], code: 2, message: 'not a run id: "nope"' },
  { name: 'cancel of a bad run id', argv: ['cancel', 'nope'], code: 2, message: 'not a run id: "nope"' },
  { name: 'inspect of a run that does not exist', argv: ['inspect', MISSING], code: 1, message: `no run ${MISSING} in`, spawn: true },
  { name: 'resume of a run that does not exist', argv: ['resume', MISSING], code: 1, message: `no run ${MISSING} in` },
  { name: 'diff with a run that does not exist', argv: ['diff', RUN, MISSING], code: 1, message: `no run ${MISSING} in` },
  { name: 'pause of a run that does not exist', argv: ['pause', MISSING], code: 1, message: `no run ${MISSING} in` },
  { name: 'pause of a run that has ended', argv: ['pause', RUN], code: 1, message: `run ${RUN} is not running (last status: success)`, spawn: true },
  { name: 'cancel of a run that has ended', argv: ['cancel', RUN], code: 1, message: `run ${RUN} is not running (last status: success)` },
];

/** Every command-line case. */
export const CLI_CASES: CliCase[] = [...args, ...flags, ...runIds];
