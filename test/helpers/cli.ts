// Spawns the real bin/oe in a directory and collects its output (STYLE §4: only e2e tests spawn it).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Absolute path of bin/oe in this checkout. */
export const OE_BIN = resolve(import.meta.dirname, '../../bin/oe');
/** Absolute path of the checkout (for experiences/ and fixtures). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** The result of one oe invocation. */
export interface OeResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed line by line as JSON (lines that are not JSON are left out). */
  lines: Array<Record<string, unknown>>;
}

/** Options for runOe. `env` is merged over a clean copy of process.env without ANTHROPIC_* keys. */
export interface OeOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** Kill the process after this many ms (default 60 s). */
  timeoutMs?: number;
}

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ANTHROPIC_') && !k.startsWith('OE_')) env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts oe without waiting, for tests that signal or kill it mid-run. */
export function spawnOe(args: string[], opts: OeOptions): ChildProcess {
  return spawn(process.execPath, [OE_BIN, ...args], { cwd: opts.cwd, env: cleanEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Collects a spawned oe's output until it exits. */
export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<OeResult> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`oe timed out after ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines: Array<Record<string, unknown>> = [];
      for (const line of stdout.split('\n')) {
        if (!line.trim()) continue;
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a JSON line (pretty output); only JSON lines are collected
        }
      }
      resolvePromise({ code, signal, stdout, stderr, lines });
    });
  });
}

/** Runs oe to completion. json log format unless the args choose otherwise. */
export function runOe(args: string[], opts: OeOptions): Promise<OeResult> {
  const child = spawnOe(args, opts);
  child.stdin!.end(opts.input ?? '');
  return collect(child, opts.timeoutMs);
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'oe-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The run logs in a workspace, oldest first (UUIDv7 names sort by time). */
export function runLogs(workspace: string): string[] {
  const dir = join(workspace, '.openexpertise', 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f));
}

/** The events of a log file, parsed line by line. */
export function readEvents(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}
