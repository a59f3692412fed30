// `oe doctor [--json]` (issue #14 §8; OpenExpertise has the command): checks the machine for what oe
// and its node kinds need — the Node version, the API keys (present or not, never their values), the
// agent CLIs on PATH with their versions, Redis when OE_REDIS_URL configures it (a RESP PING over
// TCP), whether the workspace is writable — and prints one line per check (or one JSON object with
// --json); exits 1 when a check fails. Each check takes its probes as inputs, so the verdicts are
// tested in-process.
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { startCommand, type Register } from '../cli/command.js';
import { OE_VERSION } from '../util/version.js';

const GLYPH: Record<Check['status'], string> = { ok: '✔', warn: '!', fail: '✖', skip: '–' };

/** Adds `oe doctor`. */
export const register: Register = (program, proc) => {
  program
    .command('doctor')
    .description('check this machine: Node, API keys (never their values), claude/codex/gemini, Redis, the workspace')
    .option('--json', 'print {ok, oeVersion, workspace, checks: [{name, status, detail}]} as one JSON object')
    .action(async (_opts: { json?: boolean }, cmd: Command) => {
      const { globals, output } = await startCommand(cmd, proc);
      const clis = await Promise.all(AGENT_CLIS.map(async ([c, provider]) => cliCheck(c, provider, await probeVersion(c, globals.env))));
      const checks: Check[] = [nodeCheck(process.versions.node), ...keyChecks(globals.env), ...clis, await redisCheck(globals.env.OE_REDIS_URL), workspaceCheck(globals.workspace)];
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

/** One line of the report. `fail` makes `oe doctor` exit 1; `warn` and `skip` do not. */
export interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
}

/** The oldest Node major oe runs on (package.json engines). */
export const MIN_NODE_MAJOR = 20;

/** The Node version check. */
export function nodeCheck(version: string): Check {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  return major >= MIN_NODE_MAJOR ? { name: 'node', status: 'ok', detail: `v${version.replace(/^v/, '')}` } : { name: 'node', status: 'fail', detail: `v${version} is too old: oe needs Node ${MIN_NODE_MAJOR} or newer` };
}

/** One line per API key: set or not, never the value (SPEC §3: secrets are never printed). */
export function keyChecks(env: { [k: string]: string | undefined }): Check[] {
  const keys = [
    ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'agent and skill nodes with --llm anthropic'],
    ['OPENAI_API_KEY', 'OPENAI_BASE_URL', '--llm openai'],
  ] as const;
  const any = keys.some(([k]) => env[k]);
  return keys.map(([key, url, what]) => {
    const base = env[url] ? ` (${url}=${env[url]})` : '';
    if (env[key]) return { name: key, status: 'ok', detail: `set${base}` };
    return { name: key, status: any ? 'skip' : 'warn', detail: `not set: needed for ${what} (--replay <dir> runs without a key)${base}` };
  });
}

/** What probing a command for its version found. */
export type VersionProbe = { found: true; version: string } | { found: false; reason: string };

/** The agent CLIs cli-agent nodes start (SPEC §2.1), and the command each is. */
export const AGENT_CLIS = [
  ['claude', 'claude-code'],
  ['codex', 'codex'],
  ['gemini', 'gemini'],
] as const;

/** The line of one agent CLI. Missing is not a failure: only experiences that use it need it. */
export function cliCheck(cmd: string, provider: string, probe: VersionProbe): Check {
  return probe.found ? { name: cmd, status: 'ok', detail: probe.version } : { name: cmd, status: 'skip', detail: `${probe.reason} (needed only by cli-agent nodes with provider ${provider})` };
}

/** Runs `cmd --version` from PATH, for at most `timeoutMs`. */
export function probeVersion(cmd: string, env: NodeJS.ProcessEnv, timeoutMs = 5000): Promise<VersionProbe> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, ['--version'], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.resume();
    child.on('error', (e: NodeJS.ErrnoException) => resolve({ found: false, reason: e.code === 'ENOENT' ? 'not on PATH' : e.message }));
    child.on('close', (code, signal) => {
      if (signal) return resolve({ found: false, reason: `\`${cmd} --version\` did not answer within ${timeoutMs} ms` });
      const first = out.trim().split('\n')[0] ?? '';
      resolve(code === 0 ? { found: true, version: first || 'version unknown' } : { found: false, reason: `\`${cmd} --version\` exited ${code}` });
    });
  });
}

/**
 * Redis at `url` (redis://[user:password@]host[:port][/db]): connects, sends AUTH when the URL has a
 * password, then PING, and expects +PONG within `timeoutMs`. The password is never printed.
 */
export function redisCheck(url: string | undefined, timeoutMs = 2000): Promise<Check> {
  if (!url) return Promise.resolve({ name: 'redis', status: 'skip', detail: 'not configured (OE_REDIS_URL)' });
  let u: URL;
  try {
    u = new URL(url);
    if (u.protocol !== 'redis:') throw new Error(`the scheme is ${u.protocol}, not redis:`);
  } catch (e) {
    return Promise.resolve({ name: 'redis', status: 'fail', detail: `OE_REDIS_URL is not a redis:// URL (${(e as Error).message})` });
  }
  const where = `${u.hostname}:${u.port || 6379}`;
  const bulk = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 6379) });
    let reply = '';
    const done = (c: Check): void => {
      socket.destroy();
      resolve(c);
    };
    socket.setTimeout(timeoutMs, () => done({ name: 'redis', status: 'fail', detail: `${where} did not answer within ${timeoutMs} ms` }));
    socket.on('error', (e) => done({ name: 'redis', status: 'fail', detail: `${where} is not reachable: ${e.message}` }));
    socket.on('connect', () => {
      const password = decodeURIComponent(u.password);
      const auth = password ? (u.username ? bulk('AUTH', decodeURIComponent(u.username), password) : bulk('AUTH', password)) : '';
      socket.write(auth + bulk('PING'));
    });
    socket.setEncoding('utf8').on('data', (d: string) => {
      reply += d;
      if (reply.startsWith('-')) return done({ name: 'redis', status: 'fail', detail: `${where} answered ${reply.split('\r\n')[0]}` });
      if (reply.includes('+PONG')) done({ name: 'redis', status: 'ok', detail: `${where} answered PING` });
    });
  });
}

/**
 * Whether oe can write its runs in `workspace`: into `.openexpertise/runs` when it exists (a probe file
 * is written and removed), else into the nearest existing directory, where the first run creates it.
 */
export function workspaceCheck(workspace: string): Check {
  const runs = join(workspace, '.openexpertise', 'runs');
  // A path through a file (ENOTDIR) does not exist either: look further up.
  const stat = (p: string) => {
    try {
      return statSync(p, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  };
  let dir = runs;
  while (!stat(dir)) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const st = stat(dir);
  if (!st?.isDirectory()) return { name: 'workspace', status: 'fail', detail: `${workspace}: ${dir} is not a directory, so runs cannot be written` };
  try {
    if (dir === runs) {
      const probe = join(runs, `.oe-doctor-${randomUUID()}`);
      writeFileSync(probe, '');
      rmSync(probe);
      return { name: 'workspace', status: 'ok', detail: `${workspace} (runs are written to ${runs})` };
    }
    accessSync(dir, constants.W_OK);
    return { name: 'workspace', status: 'ok', detail: `${workspace} (the first run creates ${runs})` };
  } catch (e) {
    return { name: 'workspace', status: 'fail', detail: `${workspace}: cannot write in ${dir}: ${(e as Error).message}` };
  }
}
