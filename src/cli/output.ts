// Console output through pino (SPEC §4): stdout carries events and results; stderr carries
// diagnostics. In json format every line is one JSON object. In pretty format (issue #14 §2) a line
// is its message alone — no timestamp, no level — with `warning:`/`error:` before what needs it;
// `--log-level debug|trace` keeps pino-pretty's timestamps and levels. stderr is pretty whenever it
// is a terminal, whatever stdout is (issue #14 §6).
import type { Logger } from 'pino';
import type { Colors } from 'picocolors/types.js';
import type { Globals, LogFormat } from './globals.js';

/** The two loggers a command writes to, and how each stream is painted. */
export interface Output {
  /** The format of stdout. */
  format: LogFormat;
  /** The format of stderr (pretty on a terminal, else the same as stdout). */
  errFormat: LogFormat;
  /** stdout: events (`msg` = event type) and results (`run complete`, …). */
  out: Logger;
  /** stderr: warnings and errors. */
  err: Logger;
  /** Colour functions for text written to stdout / stderr (no-ops when colour is off, issue #14 §3). */
  paint: { out: Colors; err: Colors };
}

/** pino's numeric levels (pino's `levels.values`). */
const WARN = 40;
const ERROR = 50;

/**
 * One pretty stderr line from a pino JSON record: the message, after `node[i]: ` when the record
 * names a node the message does not, and after `warning: ` / `error: ` for those levels unless the
 * message already says so (e.g. `file:3:4: warning: …`). stdout lines are printed as their message
 * alone (the event renderer paints them).
 */
export function prettyRecord(rec: { level?: number; msg?: unknown; nodeId?: unknown; iteration?: unknown }, c: Colors, stream: 'out' | 'err' = 'err'): string {
  let msg = typeof rec.msg === 'string' ? rec.msg : '';
  if (stream === 'out') return msg;
  if (typeof rec.nodeId === 'string' && !msg.includes(rec.nodeId)) msg = `${rec.nodeId}${typeof rec.iteration === 'number' ? `[${rec.iteration}]` : ''}: ${msg}`;
  const level = rec.level ?? 30;
  if (level >= ERROR) return /\berror\b/i.test(msg.split('\n')[0]!) ? c.red(msg) : `${c.red(c.bold('error:'))} ${msg}`;
  if (level >= WARN) return /\bwarning:/i.test(msg) ? c.yellow(msg) : `${c.yellow(c.bold('warning:'))} ${msg}`;
  return msg;
}

const watched = new WeakSet<NodeJS.WriteStream>();

/**
 * A terminal that went away (SIGHUP after its window closed: EIO) or a reader that closed the pipe
 * (EPIPE) leaves oe's lines nowhere to go; the run still ends and its log is whole. Without this
 * listener the write error would be an uncaught exception, whose report writes again, and again.
 */
function ignoreGoneTerminal(stream: NodeJS.WriteStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on('error', () => {
    // Nowhere left to report a failing stdout/stderr (see above).
  });
}

/** A pino destination that prints each record as prettyRecord's line through `write`. */
function lineDestination(write: (text: string) => void, c: Colors, stream: 'out' | 'err'): { write(line: string): void } {
  return {
    write(line: string) {
      write(`${prettyRecord(JSON.parse(line) as Parameters<typeof prettyRecord>[0], c, stream)}\n`);
    },
  };
}

/**
 * Creates the loggers for the resolved global options. Writes are synchronous so the last line is
 * out before the process exits. Pretty lines at the default levels go through `process.stdout.write`
 * / `process.stderr.write` (synchronous for terminals, files and pipes on Linux), so the live view
 * can keep them above its block.
 */
export async function createOutput(g: Pick<Globals, 'format' | 'errFormat' | 'level' | 'isTTY' | 'color'>): Promise<Output> {
  // pino loads here, not at start-up: `oe --help` and usage errors never pay for it.
  const [{ default: pino }, { default: pc }] = await Promise.all([import('pino'), import('picocolors')]);
  const opts = { level: g.level, base: undefined };
  const errFormat = g.errFormat ?? g.format;
  const color = g.color ?? { out: g.isTTY, err: Boolean(process.stderr.isTTY) };
  const paint = { out: pc.createColors(color.out), err: pc.createColors(color.err) };
  const debug = g.level === 'debug' || g.level === 'trace';
  const prettyPino = debug ? (await import('pino-pretty')).default : undefined;
  const logger = (fd: 1 | 2, format: LogFormat): Logger => {
    if (format === 'json') return pino(opts, pino.destination({ fd, sync: true }));
    if (prettyPino) {
      return pino(opts, prettyPino({ destination: fd, sync: true, colorize: fd === 1 ? color.out : color.err, ignore: 'pid,hostname', hideObject: true, translateTime: 'HH:MM:ss.l' }));
    }
    const stream = fd === 1 ? process.stdout : process.stderr;
    ignoreGoneTerminal(stream);
    return pino(opts, lineDestination((t) => stream.write(t), fd === 1 ? paint.out : paint.err, fd === 1 ? 'out' : 'err'));
  };
  return { format: g.format, errFormat, out: logger(1, g.format), err: logger(2, errFormat), paint };
}
