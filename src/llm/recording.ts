// `--record <dir>` and `--replay <dir>` (issue #4 §6): one JSON file per request, named by the request
// hash, holding the hashed request body and the API's final reply. Headers are never recorded, so
// the API key cannot be in a recording.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTextAtomicAsync } from '../util/atomic-write.js';
import { canonicalJson, type Json } from '../util/canonical-json.js';
import { RecordingFormatError, RecordingNotFoundError } from './llm-errors.js';
import { hashedBody, type RequestBody } from './request.js';

/** The format version of a recording file. 1: {oeRecording, hash, request, response}. */
export const RECORDING_VERSION = 1;

/** What one recording file holds. */
export interface Recording {
  oeRecording: number;
  /** The request hash; also the file name without `.json`. */
  hash: string;
  /** The hashed request body (request.ts `hashedBody`). */
  request: { [key: string]: Json };
  /** The reply the API answered with (a Message, or a ChatCompletion for `--llm openai`). */
  response: { [key: string]: unknown };
}

/** The path of the recording of `hash` in `dir`. */
export const recordingPath = (dir: string, hash: string): string => join(dir, `${hash}.json`);

/**
 * Writes the pair atomically (util/atomic-write.ts: temp file, fsync, rename), creating `dir`.
 * `secret`, when given, is replaced by `[redacted]` should it appear anywhere in the text.
 */
export async function writeRecording(dir: string, hash: string, req: RequestBody, res: object, secret?: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const rec: Recording = { oeRecording: RECORDING_VERSION, hash, request: hashedBody(req), response: res as Recording['response'] };
  let text = JSON.stringify(JSON.parse(canonicalJson(rec)), null, 2) + '\n';
  if (secret) text = text.split(secret).join('[redacted]');
  const file = recordingPath(dir, hash);
  await writeTextAtomicAsync(file, text, 'the LLM recording');
  return file;
}

/**
 * The recorded reply to the request `hash`.
 * @throws {RecordingNotFoundError} naming the hash and the nearest recording (see `nearestRecording`).
 * @throws {RecordingFormatError} when the file is not a recording.
 */
export async function readRecording(dir: string, hash: string, req: RequestBody): Promise<Recording['response']> {
  let text: string;
  try {
    text = await readFile(recordingPath(dir, hash), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new RecordingNotFoundError(hash, await notFoundMessage(dir, hash, req));
  }
  return parseRecording(text, recordingPath(dir, hash)).response;
}

function parseRecording(text: string, file: string): Recording {
  let rec: unknown;
  try {
    rec = JSON.parse(text);
  } catch (err) {
    throw new RecordingFormatError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const r = rec as Partial<Recording> | null;
  if (!r || typeof r !== 'object' || typeof r.hash !== 'string' || !r.request || typeof r.request !== 'object' || !r.response || typeof r.response !== 'object') {
    throw new RecordingFormatError(`${file} is not an oe recording (expected {oeRecording, hash, request, response})`);
  }
  if (typeof r.oeRecording !== 'number' || r.oeRecording > RECORDING_VERSION) {
    throw new RecordingFormatError(`${file} has recording format ${String(r.oeRecording)}; this oe reads up to ${RECORDING_VERSION}`);
  }
  return r as Recording;
}

/** The nearest recording to a request, and the hashed fields in which it differs. */
export interface Nearest {
  hash: string;
  file: string;
  differsIn: string[];
}

/**
 * "Nearest" is defined simply: prefer recordings of the same model; among those, the one whose
 * canonical `messages` JSON shares the longest prefix with the request's (so a changed prompt tail
 * still finds its old recording); ties go to the smaller file name. Files that are not recordings
 * are skipped.
 */
export async function nearestRecording(dir: string, req: RequestBody): Promise<Nearest | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const body = hashedBody(req);
  const messages = canonicalJson(body['messages'] ?? null);
  let best: { score: [number, number]; rec: Recording; file: string } | undefined;
  for (const name of names) {
    const file = join(dir, name);
    let rec: Recording;
    try {
      rec = parseRecording(await readFile(file, 'utf8'), file);
    } catch (err) {
      if (err instanceof RecordingFormatError) continue; // not a recording: cannot be the nearest one
      throw err;
    }
    const score: [number, number] = [rec.request['model'] === req.model ? 1 : 0, commonPrefix(messages, canonicalJson(rec.request['messages'] ?? null))];
    if (!best || score[0] > best.score[0] || (score[0] === best.score[0] && score[1] > best.score[1])) best = { score, rec, file };
  }
  if (!best) return undefined;
  const keys = [...new Set([...Object.keys(body), ...Object.keys(best.rec.request)])].sort();
  const differsIn = keys.filter((k) => canonicalJson(body[k] ?? null) !== canonicalJson(best.rec.request[k] ?? null));
  return { hash: best.rec.hash, file: best.file, differsIn };
}

async function notFoundMessage(dir: string, hash: string, req: RequestBody): Promise<string> {
  const head = `no recording for request ${hash} (model ${req.model}) in ${dir}`;
  const near = await nearestRecording(dir, req);
  const tail = near
    ? `; nearest recording: ${near.file} (differs in ${near.differsIn.join(', ') || 'nothing hashed'})`
    : '; the directory holds no recordings';
  return `${head}${tail}. Record it with --record ${dir} and an API key, or restore the inputs that produced the recording.`;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
