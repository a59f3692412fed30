#!/usr/bin/env node
// Installs the real Claude Code CLI that the cli-agent tests run (issue #10 §3) into
// .cache/claude-code/ when it is not there yet, and prints the directory of its `claude` executable.
// It stays out of package.json (the package is ~240 MB). The pinned version is the newest whose
// engines allow Node 20 (2.1.198 and later need Node 22); its native binary runs on Node v20.20.2.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLAUDE_CODE_VERSION = '2.1.197';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = join(root, '.cache', 'claude-code');
const bin = join(prefix, 'node_modules', '.bin');
const pkg = join(prefix, 'node_modules', '@anthropic-ai', 'claude-code', 'package.json');

function installed() {
  if (!existsSync(join(bin, 'claude')) || !existsSync(pkg)) return false;
  return JSON.parse(readFileSync(pkg, 'utf8')).version === CLAUDE_CODE_VERSION;
}

if (!installed()) {
  mkdirSync(prefix, { recursive: true });
  // --prefix keeps it out of the project's node_modules and lockfile; the postinstall links the native binary.
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!installed()) throw new Error(`@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} did not install a claude executable in ${bin}`);
}
// The wrapper's postinstall puts the native binary in place of a stub; a stub would fail here, loudly.
const version = execFileSync(join(bin, 'claude'), ['--version'], { encoding: 'utf8', env: { ...process.env, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' } }).trim();
if (!version.startsWith(CLAUDE_CODE_VERSION)) throw new Error(`${join(bin, 'claude')} --version printed ${JSON.stringify(version)}, not ${CLAUDE_CODE_VERSION}`);
process.stdout.write(`${bin}\n`);
