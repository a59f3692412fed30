// `oe doctor [--json]` (issue #14 §8): checks the machine for what oe and its node kinds need, prints
// one line per check (or one JSON object with --json), and exits 1 when a check fails.
import type { Command } from 'commander';
import type { Check } from './doctor-checks.js';
import { startCommand, type Register } from './command.js';
import { OE_VERSION } from './version.js';

const GLYPH: Record<Check['status'], string> = { ok: '✔', warn: '!', fail: '✖', skip: '–' };

export const register: Register = (program, proc) => {
  program
    .command('doctor')
    .description('check this machine: Node, API keys (never their values), claude/codex/gemini, Redis, the workspace')
    .option('--json', 'print {ok, oeVersion, workspace, checks: [{name, status, detail}]} as one JSON object')
    .action(async (_opts: { json?: boolean }, cmd: Command) => {
      const { globals, output } = await startCommand(cmd, proc);
      const d = await import('./doctor-checks.js');
      const clis = await Promise.all(d.AGENT_CLIS.map(async ([c, provider]) => d.cliCheck(c, provider, await d.probeVersion(c, globals.env))));
      const checks: Check[] = [d.nodeCheck(process.versions.node), ...d.keyChecks(globals.env), ...clis, await d.redisCheck(globals.env.OE_REDIS_URL), d.workspaceCheck(globals.workspace)];
      const ok = checks.every((c) => c.status !== 'fail');
      if (!ok) proc.setExitCode(1);
      if (output.format === 'json') {
        output.out.info({ ok, oeVersion: OE_VERSION, workspace: globals.workspace, checks }, 'doctor');
        return;
      }
      const c = output.paint.out;
      const tint = { ok: c.green, warn: c.yellow, fail: c.red, skip: c.dim };
      const width = Math.max(...checks.map((x) => x.name.length));
      const lines = checks.map((x) => `${tint[x.status](GLYPH[x.status])} ${x.name.padEnd(width)}  ${x.status === 'skip' ? c.dim(x.detail) : x.detail}`);
      output.out.info(`oe ${OE_VERSION}\n${lines.join('\n')}\n${ok ? c.green('no problems found') : c.red(`${checks.filter((x) => x.status === 'fail').length} problem(s) found`)}`);
    });
};
