// What every corpus case checks (issue #12 §2): the exact exit code, a fragment of the message, no
// stack trace, and — for a refused input — nothing new under .openexpertise/runs/. In-process cases
// get the code from the error (main.ts exits with `exitCode`); spawned ones from the real process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { CommanderError, type Command } from 'commander';
import { runOe, tempDir, type OeResult } from '../helpers/cli.js';
import type { CliProcess } from '../../src/cli/command.js';
import { buildProgram } from '../../src/cli/program.js';
import { InternalError, OeError, ValidationError, formatProblem } from '../../src/util/errors.js';

/** Longest a spawned case may take before it counts as a hang (a few seconds is the promise). */
export const SPAWN_TIMEOUT_MS = 15_000;

/** The text main.ts prints for an error: the problems of a ValidationError, else the message. */
export function errorText(e: unknown): string {
  if (e instanceof ValidationError) return e.problems.map(formatProblem).join('\n');
  return e instanceof Error ? e.message : String(e);
}

/**
 * Checks an error thrown in-process the way main.ts would report it: an OeError that is not an
 * InternalError (so no stack and no "this is a bug"), with `code` and a message containing `fragment`.
 */
export function expectRefusal(e: unknown, code: number, fragment: string | RegExp): void {
  expect(e, 'expected the input to be refused').toBeInstanceOf(OeError);
  expect(e).not.toBeInstanceOf(InternalError);
  expect((e as OeError).exitCode, errorText(e)).toBe(code);
  expectFragment(errorText(e), fragment);
}

function expectFragment(text: string, fragment: string | RegExp): void {
  if (typeof fragment === 'string') expect(text).toContain(fragment);
  else expect(text).toMatch(fragment);
}

/**
 * Runs a command line in-process through the real command table and checks it is refused like
 * main.ts refuses it: commander's own errors (unknown option, missing argument) exit 2 with its
 * message; anything else must be an OeError with `code`. Nothing is mocked; output commander writes
 * is captured.
 */
export async function expectCliRefusal(argv: string[], cwd: string, code: number, fragment: string | RegExp): Promise<void> {
  let exit = 0;
  const proc: CliProcess = { argv, cwd, env: {}, isTTY: false, exitCode: () => exit, setExitCode: (c) => void (exit = c) };
  const program = buildProgram(proc);
  let written = '';
  const capture = (cmd: Command): void => {
    cmd.configureOutput({ writeErr: (t) => void (written += t), writeOut: (t) => void (written += t) });
    for (const sub of cmd.commands) capture(sub);
  };
  capture(program);
  let error: unknown;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    error = e;
  }
  if (error instanceof CommanderError) {
    expect(error.exitCode === 0 ? 0 : 2).toBe(code); // main.ts: commander's errors are usage errors
    expectFragment(written + error.message, fragment);
    return;
  }
  expect(error, `oe ${argv.join(' ')} was not refused (exit code ${exit})`).toBeDefined();
  expectRefusal(error, code, fragment);
}

/** oe's stderr as text: each JSON line's message and problems (non-JSON lines as they are). */
export function stderrText(stderr: string): string {
  return stderr
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        const o = JSON.parse(line) as { msg?: string; problems?: string[] };
        return [o.msg ?? '', ...(o.problems ?? [])];
      } catch {
        return [line];
      }
    })
    .join('\n');
}

/** The files under `<workspace>/.openexpertise/runs`, sorted (empty when there is none). */
export function runFiles(workspace: string): string[] {
  const dir = join(workspace, '.openexpertise', 'runs');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/**
 * Runs bin/oe (json format) and checks the process: exit code, message fragment on stderr, no stack
 * trace, no internal error; with `refused`, nothing was added under .openexpertise/runs/.
 */
export async function expectSpawned(argv: string[], opts: { cwd: string; code: number; message: string | RegExp; refused?: boolean; env?: Record<string, string | undefined> }): Promise<OeResult> {
  const before = runFiles(opts.cwd);
  const r = await runOe(['--log-format', 'json', ...argv], { cwd: opts.cwd, timeoutMs: SPAWN_TIMEOUT_MS, ...(opts.env ? { env: opts.env } : {}) });
  const text = stderrText(r.stderr);
  expect(r.code, `oe ${argv.join(' ').slice(0, 200)}\n${r.stderr.slice(0, 2000)}`).toBe(opts.code);
  expectNoStack(r.stderr);
  expectFragment(text, opts.message);
  if (opts.refused ?? true) expect(runFiles(opts.cwd), 'a refused input must leave no log file').toEqual(before);
  return r;
}

/** No stack trace and no internal error on stderr (issue #12: none may print one). */
export function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(stderr).not.toContain('"stack"');
  expect(stderr).not.toMatch(/internal error|this is a bug in oe/i);
}

/** A fresh workspace with `files` written (paths relative to it); removed by `cleanup`. */
export function workspace(files: Record<string, string | Buffer> = {}): string {
  const root = tempDir('oe-corpus-');
  for (const [rel, content] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  made.push(root);
  return root;
}
const made: string[] = [];

/** Removes every workspace made so far. */
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Makes `path` a named pipe (`mkfifo`, Debian coreutils). */
export function makeFifo(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('mkfifo', [path]);
}

/** Makes `path` a link to a character device that never ends. */
export function makeDevice(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync('/dev/zero', path);
}
