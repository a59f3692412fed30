// Start-up stays light (issue #14, STYLE §3.10): `oe --version`, `oe --help` and `oe validate` never
// load the terminal library, the diff package, pino-pretty or write-file-atomic. Runs bin/oe with a
// resolve hook that reports every package import on stderr.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OE_BIN, REPO_ROOT, tempDir } from '../helpers/cli.js';

const HEAVY = ['log-update', 'cli-spinners', 'diff', 'pino-pretty', 'write-file-atomic', 'puppeteer-core', 'beautiful-mermaid'];

/** The bare package specifiers oe imports for `args`. */
function packagesLoaded(args: string[]): string[] {
  const dir = tempDir('oe-startup-');
  const hook = `export async function resolve(s, c, next) { if (!s.startsWith('.') && !s.startsWith('node:') && !s.startsWith('file:') && !s.startsWith('/')) process.stderr.write('PKG ' + s + '\\n'); return next(s, c); }`;
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));\n`);
  const r = spawnSync(process.execPath, ['--import', probe, OE_BIN, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, FORCE_COLOR: '0' } });
  expect(r.status, r.stderr).toBe(0);
  return [...new Set(r.stderr.split('\n').filter((l) => l.startsWith('PKG ')).map((l) => l.slice(4)))];
}

describe('start-up', () => {
  it.each([[['--version']], [['--help']], [['validate', join(REPO_ROOT, 'experiences/weather-stats')]]])('oe %j loads no heavy package', (args) => {
    const loaded = packagesLoaded(args);
    for (const pkg of HEAVY) expect(loaded.filter((p) => p === pkg || p.startsWith(`${pkg}/`)), `${args.join(' ')} loaded ${pkg}`).toEqual([]);
  });
});
