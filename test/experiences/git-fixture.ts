// Temporary git repositories for the repo-health tool tests: real `git init` and commits, with fixed
// identities and dates so results are stable.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A scratch repository and helpers to change it. */
export interface TempRepo {
  dir: string;
  /** Writes files (path → text or bytes), creating parent directories. */
  write(files: Record<string, string | Buffer>): void;
  /** `git add -A` and commit as `author` ("Name <email>"), optionally at a fixed date. */
  commit(message: string, author?: string, date?: string): void;
  /** Runs git in the repo and returns stdout. */
  git(...args: string[]): string;
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'oe-exp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Creates an empty git repository (branch `main`) in a new temporary directory. */
export function tempRepo(): TempRepo {
  const dir = tempDir('oe-repo-');
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Test');
  git('config', 'user.email', 'test@example.com');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    },
    commit(message, author = 'Test <test@example.com>', date = '2024-01-01T00:00:00Z') {
      git('add', '-A');
      execFileSync('git', ['commit', '-q', '-m', message, `--author=${author}`, `--date=${date}`], {
        cwd: dir,
        env: { ...env, GIT_COMMITTER_DATE: date },
      });
    },
  };
}

/** A ctx for calling a tool directly (SPEC §2.3), with a live or given signal. */
export function ctx(signal: AbortSignal = new AbortController().signal) {
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  return { runId: 'test-run', nodeId: 'test-node', signal, log, experienceDir: '', args: {} };
}
