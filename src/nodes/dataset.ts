// `dataset` nodes (SPEC §2.1): load a file's rows into the node's one `writes` field. The file's
// content is part of the input hash, so editing the data re-runs its consumers on resume.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DatasetNode } from '../experience/types.js';
import type { Json } from '../util/canonical-json.js';
import type { NodeRunner } from './runner.js';

/** A data file that cannot be parsed; the message names the file and, where known, the line. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/**
 * Parses a data file's text.
 * - `json`: any JSON value;
 * - `jsonl`: one JSON value per non-empty line → an array;
 * - `csv`: RFC 4180 via csv-parse, the first row is the header → an array of objects with string
 *   values (no type guessing: "007" stays "007"); a BOM is stripped; empty lines are skipped.
 * @throws {DatasetError} naming `uri` and the line of the first bad record.
 */
export async function parseDataset(text: string, format: DatasetNode['source']['format'], uri: string): Promise<Json> {
  switch (format) {
    case 'json':
      try {
        return JSON.parse(text) as Json;
      } catch (e) {
        throw new DatasetError(`${uri}: not valid JSON (${(e as Error).message})`);
      }
    case 'jsonl': {
      const rows: Json[] = [];
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!.trim();
        if (!line) continue;
        try {
          rows.push(JSON.parse(line) as Json);
        } catch (e) {
          throw new DatasetError(`${uri}:${i + 1}: not valid JSON (${(e as Error).message})`);
        }
      }
      return rows;
    }
    case 'csv': {
      const { parse } = await import('csv-parse/sync');
      try {
        return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Json;
      } catch (e) {
        const err = e as Error & { lines?: number };
        throw new DatasetError(`${uri}${err.lines ? `:${err.lines}` : ''}: ${err.message}`);
      }
    }
  }
}

/** Loads `source.uri` (relative to the experience directory) into the node's single `writes` field. */
export const runner: NodeRunner<DatasetNode> = {
  kind: 'dataset',
  async run(node, _input, ctx) {
    const text = await readFile(resolve(ctx.experienceDir, node.source.uri), { encoding: 'utf8', signal: ctx.signal });
    const rows = await parseDataset(text, node.source.format, node.source.uri);
    return { state_delta: { [node.writes[0]!]: rows }, edge_output: { rows: Array.isArray(rows) ? rows.length : 1 } };
  },
};
