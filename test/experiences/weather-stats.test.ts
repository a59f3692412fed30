// The weather-stats tools: value parsing, column kinds, per-column statistics and the summary, on a
// small CSV and on the shipped NOAA file.
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import columns, { inferKind, listColumns } from '../../experiences/weather-stats/tools/columns.mjs';
import columnStatsTool, { categoricalStats, columnStats, numericStats, percentile } from '../../experiences/weather-stats/tools/column-stats.mjs';
import summarize, { alignStats, buildSummary } from '../../experiences/weather-stats/tools/summarize.mjs';
import { isIsoDate, isMissing, parseNumber } from '../../experiences/weather-stats/tools/lib/values.mjs';
import { ctx, tempDir } from './git-fixture.js';

const cleanup: string[] = [];
afterEach(() => {
  for (const d of cleanup.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Rows as the engine's csv loader gives them: objects keyed by header, every value a string. */
function rowsOf(csv: string): Array<Record<string, string>> {
  const [head, ...lines] = csv.trim().split('\n');
  const keys = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i]!, v])));
}

const SMALL = `city,day,temp,sky
Oslo,2024-01-01,1.5,snow
Oslo,2024-01-02,,snow
Rome,2024-01-01,12,sun
Rome,2024-01-02,14.5,sun
Rome,2024-01-03,-2,rain
`;

/** Runs the graph's three tools in order on rows, as the engine would. */
async function pipeline(rows: Array<Record<string, string>>, top = 5) {
  const cols = (await columns({ _state: { rows }, _edge_inputs: {} })).state_delta.columns;
  const stats = [];
  for (const [i, col] of cols.entries()) {
    stats.push(...(await columnStatsTool({ top, _state: { rows }, _edge_inputs: {}, $item: col, $index: i }, ctx())).state_delta.column_stats);
  }
  return { cols, stats };
}

describe('values', () => {
  it('parses decimal numbers only', () => {
    expect(['1', '-2.5', '+.5', '1e3', ' 7 ', '3.'].map(parseNumber)).toEqual([1, -2.5, 0.5, 1000, 7, 3]);
    expect(['', 'abc', '0x10', '1,5', 'NaN', 'Infinity', '1 2'].map(parseNumber)).toEqual([null, null, null, null, null, null, null]);
  });

  it('treats empty and whitespace cells as missing', () => {
    expect([undefined, null, '', '  '].every(isMissing)).toBe(true);
    expect(['0', 'x'].some(isMissing)).toBe(false);
  });

  it('recognises ISO dates and date-times', () => {
    expect(['2012-01-01', '2012-01-01T10:00:00Z', '2012-01-01 10:00'].every(isIsoDate)).toBe(true);
    expect(['01/02/2012', '2012-1-1', '20120101'].some(isIsoDate)).toBe(false);
  });
});

describe('columns', () => {
  it('infers numeric, date and categorical kinds, ignoring missing cells', () => {
    expect(inferKind(['1', '', '2.5'])).toBe('numeric');
    expect(inferKind(['2024-01-01', ''])).toBe('date');
    expect(inferKind(['1', 'x'])).toBe('categorical');
    expect(inferKind(['', ''])).toBe('categorical');
  });

  it('lists the columns in header order', () => {
    expect(listColumns(rowsOf(SMALL))).toEqual([
      { name: 'city', index: 0, kind: 'categorical' },
      { name: 'day', index: 1, kind: 'date' },
      { name: 'temp', index: 2, kind: 'numeric' },
      { name: 'sky', index: 3, kind: 'categorical' },
    ]);
  });

  it('names what it got when rows are missing', async () => {
    await expect(columns({ _state: {}, _edge_inputs: {} })).rejects.toThrow('columns needs rows');
  });
});

describe('column statistics', () => {
  it('interpolates percentiles linearly (type 7)', () => {
    const s = [1, 2, 3, 4];
    expect(percentile(s, 0)).toBe(1);
    expect(percentile(s, 25)).toBe(1.75);
    expect(percentile(s, 50)).toBe(2.5);
    expect(percentile(s, 100)).toBe(4);
    expect(percentile([7], 95)).toBe(7);
  });

  it('computes min, max, mean, median and the sample standard deviation', () => {
    expect(numericStats([4, 1, 3, 2])).toEqual({
      min: 1,
      max: 4,
      mean: 2.5,
      median: 2.5,
      stddev: 1.290994449,
      percentiles: { p5: 1.15, p25: 1.75, p50: 2.5, p75: 3.25, p95: 3.85 },
    });
    expect(numericStats([5]).stddev).toBeNull();
    expect(numericStats([0.1, 0.2]).mean).toBe(0.15);
  });

  it('ranks frequent values by count, then value', () => {
    expect(categoricalStats(['b', 'a', 'b', 'c', 'a', 'd'], 3)).toEqual({
      distinct: 4,
      top_values: [
        { value: 'a', count: 2 },
        { value: 'b', count: 2 },
        { value: 'c', count: 1 },
      ],
    });
  });

  it('computes every column of a small CSV, counting missing cells', async () => {
    const { stats } = await pipeline(rowsOf(SMALL), 2);
    expect(stats).toEqual([
      { column: 'city', index: 0, kind: 'categorical', count: 5, missing: 0, distinct: 2, top_values: [{ value: 'Rome', count: 3 }, { value: 'Oslo', count: 2 }] },
      { column: 'day', index: 1, kind: 'date', count: 5, missing: 0, min: '2024-01-01', max: '2024-01-03', distinct: 3 },
      {
        column: 'temp', index: 2, kind: 'numeric', count: 4, missing: 1,
        min: -2, max: 14.5, mean: 6.5, median: 6.75, stddev: 7.989576543,
        percentiles: { p5: -1.475, p25: 0.625, p50: 6.75, p75: 12.625, p95: 14.125 },
      },
      { column: 'sky', index: 3, kind: 'categorical', count: 5, missing: 0, distinct: 3, top_values: [{ value: 'snow', count: 2 }, { value: 'sun', count: 2 }] },
    ]);
  });

  it('gives an all-missing column zero counts', () => {
    expect(columnStats([{ a: '' }, { a: ' ' }], { name: 'a', index: 0, kind: 'categorical' }, 5)).toEqual({ column: 'a', index: 0, kind: 'categorical', count: 0, missing: 2, distinct: 0, top_values: [] });
  });

  it('writes one array_append entry per iteration and checks its $item', async () => {
    const rows = rowsOf(SMALL);
    const out = await columnStatsTool({ _state: { rows }, _edge_inputs: {}, $item: { name: 'temp', index: 2, kind: 'numeric' }, $index: 2 }, ctx());
    expect(Object.keys(out.state_delta)).toEqual(['column_stats']);
    expect(out.state_delta.column_stats).toHaveLength(1);
    await expect(columnStatsTool({ _state: { rows }, _edge_inputs: {} }, ctx())).rejects.toThrow('for_each');
  });
});

describe('summarize', () => {
  it('orders stats by column and names a column without stats', async () => {
    const { cols, stats } = await pipeline(rowsOf(SMALL));
    expect(alignStats(cols, [...stats].reverse()).map((s: { column: string }) => s.column)).toEqual(['city', 'day', 'temp', 'sky']);
    expect(() => alignStats(cols, stats.slice(1))).toThrow('expected one stats entry for column city, found 0');
  });

  it('builds the summary and writes the Markdown report when asked', async () => {
    const { cols, stats } = await pipeline(rowsOf(SMALL));
    expect(buildSummary(stats, 'small.csv')).toEqual({
      dataset: 'small.csv',
      rows: 5,
      columns: 4,
      missing_cells: 1,
      numeric: { temp: { min: -2, max: 14.5, mean: 6.5, median: 6.75, stddev: 7.989576543 } },
      dates: { day: { min: '2024-01-01', max: '2024-01-03', distinct: 3 } },
      categorical: { city: { distinct: 2, top: 'Rome' }, sky: { distinct: 3, top: 'snow' } },
    });
    const dir = tempDir();
    cleanup.push(dir);
    const file = join(dir, 'stats.md');
    const out = await summarize({ dataset: 'small.csv', report: file, _state: { columns: cols, column_stats: stats }, _edge_inputs: {} }, ctx());
    expect(out.state_delta.summary.report).toBe(file);
    const md = readFileSync(file, 'utf8');
    expect(md).toContain('5 rows, 4 columns, 1 missing cells.');
    expect(md).toContain('| temp | 4 | 1 | -2 | -1.475 | 0.625 | 6.75 | 6.5 | 12.625 | 14.125 | 14.5 | 7.989576543 |');
    const none = await summarize({ dataset: 'small.csv', report: '', _state: { columns: cols, column_stats: stats }, _edge_inputs: {} }, ctx());
    expect(none.state_delta.summary.report).toBeNull();
  });
});

describe('the shipped dataset', () => {
  const csv = readFileSync(resolve(import.meta.dirname, '../../experiences/weather-stats/data/weather.csv'), 'utf8');

  it('is the NOAA weather table of 2922 rows', () => {
    const rows = rowsOf(csv);
    expect(rows).toHaveLength(2922);
    expect(Object.keys(rows[0]!)).toEqual(['location', 'date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather']);
  });

  it('has the known statistics for temp_max and weather', async () => {
    const { stats } = await pipeline(rowsOf(csv));
    const by = Object.fromEntries(stats.map((s: { column: string }) => [s.column, s]));
    expect(by.temp_max).toMatchObject({ kind: 'numeric', count: 2922, missing: 0, min: -7.7, max: 37.8, median: 16.1 });
    expect(by.temp_max.mean).toBeCloseTo(16.769130732, 8);
    expect(by.temp_max.stddev).toBeCloseTo(8.644595797, 8);
    expect(by.weather).toMatchObject({ kind: 'categorical', distinct: 5, top_values: [{ value: 'sun', count: 1466 }, { value: 'rain', count: 1087 }, { value: 'fog', count: 139 }, { value: 'snow', count: 119 }, { value: 'drizzle', count: 111 }] });
    expect(by.date).toMatchObject({ kind: 'date', min: '2012-01-01', max: '2015-12-31', distinct: 1461 });
  });
});
