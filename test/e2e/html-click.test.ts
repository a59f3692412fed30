// The HTML report you can click (issue #14 §9), in headless Chromium (Debian's `chromium`) driven over
// CDP by puppeteer-core (which never downloads a browser): real clicks on the graph, the table and
// the timeline's items fill the node panel — status, attempts, errors, input-hash parts with what
// changed since the prior run, output with a way to expand it, the for_each items — and the run's
// args are on the page.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOe, tempDir } from '../helpers/cli.js';
import { goldenLogs, IDS } from '../fixtures/logs/scenarios.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ws = tempDir('oe-html-click-');
let browser: Browser;

async function open(runId: string): Promise<Page> {
  const file = join(ws, `${runId}.html`);
  const r = await runOe(['inspect', runId.slice(-8), '--html', file], { cwd: ws });
  expect(r.code, r.stderr).toBe(0);
  const page = await browser.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready]');
  return page;
}

const text = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? '');
const texts = (page: Page, selector: string) => page.$$eval(selector, (es) => es.map((e) => e.textContent ?? ''));

describe.skipIf(!CHROMIUM)('oe inspect --html, clicked in headless Chromium', () => {
  beforeAll(async () => {
    const dir = join(ws, '.openexpertise/runs');
    mkdirSync(dir, { recursive: true });
    for (const { runId, text: t } of Object.values(goldenLogs())) writeFileSync(join(dir, `${runId}.jsonl`), t);
    const { default: puppeteer } = await import('puppeteer-core');
    browser = await puppeteer.launch({ executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  }, 60_000);
  afterAll(async () => browser?.close());

  it('a click on a resumed node shows its facts, which input-hash part changed, its output (expandable) and its items', async () => {
    const page = await open(IDS.resumed);
    expect(await text(page, '#detail')).toContain('Click a node');
    await page.click('#graph g.node[data-node="review"]');
    expect(await text(page, '#detail h3')).toBe('review (agent)');
    const detail = await text(page, '#detail dl');
    expect(detail).toContain('completed (3 items)');
    expect(detail).toContain('executed');
    expect(detail).toMatch(/usage[\d,]+ in \/ [\d,]+ out · \$0\.\d{4}/);
    // The prompt changed since the failed run: that part, and only it, is marked.
    expect(await text(page, '#detail h4:nth-of-type(1)')).toBe(`input-hash parts (against run ${IDS.failure})`);
    expect(await page.$$eval('#d-parts tr.change-changed', (rows) => rows.map((r) => r.getAttribute('data-part')))).toEqual(['file.prompts/review.md']);
    expect(await text(page, '#d-parts tr[data-part="file.prompts/review.md"] td:last-child')).toBe('changed');
    expect(new Set(await texts(page, '#d-parts tbody tr:not(.change-changed) td:last-child'))).toEqual(new Set(['same']));
    // The output is pretty JSON, cut to 20 lines with a button that shows it all.
    const preview = await text(page, '#d-output');
    expect(preview.split('\n')).toHaveLength(21);
    expect(preview.endsWith('…')).toBe(true);
    await page.click('#d-expand');
    const full = await text(page, '#d-output');
    expect(JSON.parse(full)).toMatchObject({ state_delta: { findings: [{ pkg: 'left-pad' }, { pkg: 'gpl-thing' }, { pkg: 'mystery' }] } });
    expect(await page.$('#d-expand')).toBeNull();
    // Its three items are in the panel and in the timeline; clicking an item selects it.
    expect(await page.$$eval('#d-items tbody tr', (rows) => rows.length)).toBe(3);
    expect(await page.$$eval('#timeline rect.gantt-item[data-node="review"]', (rs) => rs.length)).toBe(3);
    await page.click('#timeline rect.gantt-item[data-node="review"][data-index="2"]');
    expect(await page.$eval('#d-items tr.selected', (r) => r.getAttribute('data-index'))).toBe('2');
    expect(await page.$eval('#timeline rect.gantt-item.selected', (r) => r.getAttribute('data-index'))).toBe('2');
    expect(await page.$eval('tr[data-node="review"]', (r) => r.classList.contains('selected'))).toBe(true);
    // A cached node says where it came from.
    await page.click('#graph g.node[data-node="scan_licenses"]');
    expect(await text(page, '#detail dl')).toContain(`cached ← …${IDS.failure.slice(-8)} (${IDS.failure})`);
    // The run's args are on the page.
    expect(JSON.parse(await text(page, '#args'))).toEqual({ repo: '.', strict: false });
    await page.close();
  }, 60_000);

  it('a click on a failed node’s table row lists every failed attempt with its error', async () => {
    const page = await open(IDS.failure);
    await page.click('tr[data-node="review"]');
    expect(await text(page, '#detail dl')).toMatch(/attempts2 · 3 failed/);
    const errors = await texts(page, '#detail ol.errors li');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^SchemaError: the model's tool input does not match the schema/);
    expect(errors.slice(1).every((e) => e.startsWith('[item 1] SchemaError:'))).toBe(true);
    expect(await page.$$eval('#d-items tbody tr', (rows) => rows.map((r) => r.children[1]!.textContent))).toEqual(['completed', 'failed']);
    await page.close();
  }, 60_000);
});

if (!CHROMIUM && process.env.CI) {
  describe('the HTML report clicked in Chromium', () => {
    it('needs chromium in CI', () => {
      throw new Error('CI is set but chromium is not installed (apt-get install -y chromium)');
    });
  });
}
