// Runs the bad-command-line corpus (cli.ts): each case in-process through the real command table,
// and the cases marked `spawn` or `process` through bin/oe, where each must exit with its code, say
// what is wrong, print no stack, and leave the runs directory as it was.
import { afterAll, describe, it } from 'vitest';
import { CLI_CASES, cliWorkspace } from './cli.js';
import { cleanup, expectCliRefusal, expectSpawned, workspace } from './harness.js';

afterAll(cleanup);
// inspect, runs and diff add an 'error' listener to stdout (src/cli/sink.ts: one per process in
// the CLI); run in-process one after another, they would trip Node's leak warning.
process.stdout.setMaxListeners(CLI_CASES.length + 10);

describe('bad command lines, in-process', () => {
  for (const c of CLI_CASES.filter((x) => !x.process)) {
    it(c.name, async () => {
      await expectCliRefusal(c.argv, workspace(cliWorkspace()), c.code, c.message);
    });
  }
});

describe.concurrent('bad command lines, through bin/oe', () => {
  for (const c of CLI_CASES.filter((x) => x.spawn || x.process)) {
    it(c.name, async () => {
      await expectSpawned(c.argv, { cwd: workspace(cliWorkspace()), code: c.code, message: c.message });
    });
  }
});
