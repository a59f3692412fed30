// The real Claude Code CLI for tests (issue #10 §3): installed into .cache/claude-code/ by
// scripts/install-claude-code.mjs when missing, and run against a local SSE stand-in of the Messages
// API — a temp HOME, a dummy key, no non-essential traffic.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './cli.js';

let binDir: string | undefined;

/** The directory holding the real `claude` executable (installs it on first use; ~10 s, once). */
export function claudeBinDir(): string {
  binDir ??= execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'install-claude-code.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return binDir;
}

/** A dummy key, long enough that oe's redaction treats it as a secret. */
export const DUMMY_KEY = 'sk-ant-dummy-0123456789abcdef';

/**
 * The environment under which oe (and the claude it spawns) talks to the stand-in at `baseURL`:
 * claude first on PATH (then `extraBin`, stand-ins for codex/gemini), a fresh HOME so no user
 * settings or login are read, the stand-in's URL and a dummy key.
 */
export function claudeEnv(baseURL: string, extraBin?: string): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'oe-claude-home-'));
  return {
    PATH: [claudeBinDir(), ...(extraBin ? [extraBin] : []), process.env['PATH'] ?? ''].join(delimiter),
    HOME: home,
    ANTHROPIC_BASE_URL: baseURL,
    ANTHROPIC_API_KEY: DUMMY_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}
