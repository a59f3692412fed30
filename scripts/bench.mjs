#!/usr/bin/env node
// `npm run bench [name]`: runs every benchmark in scripts/bench/ (or those whose file name contains
// `name`) in fresh processes; each prints its own numbers, and their rows are written to
// BENCHMARKS.md with the machine and the date. Numbers, not assertions: performance targets are read
// here, never enforced by a timed test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'scripts', 'bench');
const only = process.argv[2];
const results = mkdtempSync(join(tmpdir(), 'oe-bench-results-'));
let failed = 0;
const ran = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs') && f !== 'report.mjs').sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${file}`);
  const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit', env: { ...process.env, BENCH_RESULTS: results } });
  if (r.status !== 0) failed++;
  ran.push(file.replace(/\.mjs$/, ''));
}

const cell = (s) => String(s ?? '').replace(/\|/g, '\\|');
const sections = ran
  .filter((name) => existsSync(join(results, `${name}.json`)))
  .map((name) => {
    const rows = JSON.parse(readFileSync(join(results, `${name}.json`), 'utf8'));
    const lines = rows.map((r) => `| ${cell(r.workload)} | ${cell(r.target)} | ${cell(r.measured)} | ${r.met === undefined ? '' : r.met ? 'met' : '**missed**'} |`);
    return [`## ${name}`, '', '| workload | target | measured | |', '|---|---|---|---|', ...lines].join('\n');
  });
rmSync(results, { recursive: true, force: true });
if (sections.length > 0 && !only) {
  const cpu = cpus();
  const machine = `${type()}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const notes = existsSync(join(root, 'docs', 'benchmarks-notes.md')) ? `\n${readFileSync(join(root, 'docs', 'benchmarks-notes.md'), 'utf8')}` : '';
  writeFileSync(
    join(root, 'BENCHMARKS.md'),
    `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; machine: ${machine}.\nRe-run with \`npm run bench\` (or \`npm run bench engine\` for one benchmark, which prints without writing this file).\nEach figure is the median of several fresh \`oe\` processes unless it says otherwise; "beyond start" subtracts \`oe --version\`.\n\n${sections.join('\n\n')}\n${notes}`,
  );
  console.log('\nwrote BENCHMARKS.md');
}
process.exit(failed === 0 ? 0 : 1);
