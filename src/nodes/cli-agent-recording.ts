// `--record <dir>` / `--replay <dir>` for cli-agent nodes (issue #10 §2), in the recording format of
// llm/recording.ts: one JSON file per call, `{oeRecording, hash, request, response}`, named by the
// request hash (here `cli-agent-<hash>.json`, so LLM and CLI recordings share a directory). The
// request is what the call depends on — provider, arguments (with the rendered prompt) and the working
// directory relative to the experience; the response is what the process did. Beside them,
// `cli-agent-versions.json` keeps each provider's `--version`, so a replayed run hashes its inputs
// exactly as the recorded one did.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliProvider } from '../experience/types.js';
import { RecordingFormatError, RecordingNotFoundError } from '../llm/llm-errors.js';
import { RECORDING_VERSION } from '../llm/recording.js';
import { writeTextAtomicAsync } from '../util/atomic-write.js';
import { canonicalJson, type Json } from '../util/canonical-json.js';
import type { ProcessOutcome } from './cli-agent-process.js';

/** What a cli-agent call is recorded under. */
export interface CliRequest {
  provider: CliProvider;
  /** The arguments after the executable. */
  args: string[];
  /** The working directory relative to the experience directory ('.' for itself). */
  cwd: string;
}

/** What a recorded call did (the process outcome, minus how it was stopped). */
export type CliResponse = Pick<ProcessOutcome, 'stdout' | 'stderrTail' | 'exitCode' | 'signal'>;

/** The file of the versions in a recording directory. */
export const VERSIONS_FILE = 'cli-agent-versions.json';

/** sha256 (hex, 32 characters) of the canonical JSON of the request. */
export function cliRequestHash(req: CliRequest): string {
  return createHash('sha256').update(canonicalJson(req as unknown as Json)).digest('hex').slice(0, 32);
}

const fileOf = (dir: string, hash: string): string => join(dir, `cli-agent-${hash}.json`);

const writeAtomic = (file: string, text: string): Promise<void> => writeTextAtomicAsync(file, text, 'the cli-agent recording');

const redact = (text: string, secrets: readonly string[]): string => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);

/** Writes one recording atomically, with every value of `secrets` replaced by `[redacted]`. Returns its path. */
export async function writeCliRecording(dir: string, req: CliRequest, res: CliResponse, secrets: readonly string[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const hash = cliRequestHash(req);
  const rec = { oeRecording: RECORDING_VERSION, hash, request: req, response: res };
  const file = fileOf(dir, hash);
  await writeAtomic(file, redact(JSON.stringify(JSON.parse(canonicalJson(rec as unknown as Json)), null, 2) + '\n', secrets));
  return file;
}

/**
 * The recorded response to `req`.
 * @throws {RecordingNotFoundError} naming the hash, the directory and the provider.
 * @throws {RecordingFormatError} when the file is not a cli-agent recording.
 */
export async function readCliRecording(dir: string, req: CliRequest): Promise<CliResponse> {
  const hash = cliRequestHash(req);
  const file = fileOf(dir, hash);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new RecordingNotFoundError(hash, `no recording of this ${req.provider} call (${hash}) in ${dir}; record it with --record ${dir} where the CLI can run, or restore the inputs that produced the recording`);
  }
  let rec: { oeRecording?: unknown; response?: Partial<CliResponse> };
  try {
    rec = JSON.parse(text) as typeof rec;
  } catch (e) {
    throw new RecordingFormatError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const r = rec.response;
  if (typeof rec.oeRecording !== 'number' || rec.oeRecording > RECORDING_VERSION || !r || typeof r.stdout !== 'string' || typeof r.stderrTail !== 'string') {
    throw new RecordingFormatError(`${file} is not a cli-agent recording of format ${RECORDING_VERSION} (expected {oeRecording, hash, request, response: {stdout, stderrTail, exitCode, signal}})`);
  }
  return { stdout: r.stdout, stderrTail: r.stderrTail, exitCode: r.exitCode ?? null, signal: r.signal ?? null };
}

// Serializes this process's updates of a versions file (concurrent nodes record at once).
let versionsQueue: Promise<unknown> = Promise.resolve();

async function readVersions(dir: string): Promise<{ [provider: string]: string }> {
  try {
    return JSON.parse(await readFile(join(dir, VERSIONS_FILE), 'utf8')) as { [provider: string]: string };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new RecordingFormatError(`${join(dir, VERSIONS_FILE)} cannot be read: ${(e as Error).message}`);
  }
}

/** Records `version` as the provider's in `dir` (read, merge, write atomically). */
export function recordCliVersion(dir: string, provider: CliProvider, version: string): Promise<void> {
  const next = versionsQueue.then(async () => {
    await mkdir(dir, { recursive: true });
    const all = await readVersions(dir);
    if (all[provider] === version) return;
    all[provider] = version;
    await writeAtomic(join(dir, VERSIONS_FILE), JSON.stringify(all, Object.keys(all).sort(), 2) + '\n');
  });
  // The caller gets the error through `next`; the queue only has to stay usable for the next update.
  versionsQueue = next.catch(() => undefined);
  return next;
}

/**
 * The provider's version recorded in `dir`.
 * @throws {RecordingNotFoundError} when none was recorded.
 */
export async function recordedCliVersion(dir: string, provider: CliProvider): Promise<string> {
  const v = (await readVersions(dir))[provider];
  if (typeof v !== 'string') throw new RecordingNotFoundError(provider, `no recorded ${provider} version in ${join(dir, VERSIONS_FILE)}; record the run with --record ${dir} where the CLI can run`);
  return v;
}
