// Console output through pino (SPEC §4): stdout carries events and results; stderr carries
// diagnostics. In json format every line of either is one JSON object; in pretty format pino-pretty
// (loaded only then) prints lines for people.
import type { Logger } from 'pino';
import type { Globals } from './globals.js';

/** The two loggers a command writes to. */
export interface Output {
  format: Globals['format'];
  /** stdout: events (`msg` = event type) and results (`run complete`, …). */
  out: Logger;
  /** stderr: warnings and errors. */
  err: Logger;
}

/**
 * Creates the loggers for the resolved global options. Writes are synchronous so the last line is out
 * before the process exits. In pretty mode, a log call's message is printed as given; structured
 * fields are hidden (commands format their own lines for people).
 */
export async function createOutput(g: Pick<Globals, 'format' | 'level' | 'isTTY'>): Promise<Output> {
  // pino loads here, not at start-up: `oe --help` and usage errors never pay for it.
  const { default: pino } = await import('pino');
  const opts = { level: g.level, base: undefined };
  if (g.format === 'json') {
    return {
      format: 'json',
      out: pino(opts, pino.destination({ fd: 1, sync: true })),
      err: pino(opts, pino.destination({ fd: 2, sync: true })),
    };
  }
  const { default: pretty } = await import('pino-pretty');
  const stream = (fd: 1 | 2) =>
    pretty({
      destination: fd,
      sync: true,
      colorize: fd === 1 ? g.isTTY : process.stderr.isTTY,
      ignore: 'pid,hostname',
      hideObject: true,
      translateTime: 'HH:MM:ss.l',
    });
  return { format: 'pretty', out: pino(opts, stream(1)), err: pino(opts, stream(2)) };
}
