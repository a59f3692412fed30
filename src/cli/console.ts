// Prints a run's events as they happen (SPEC §4): in json format one pino line per event
// (`msg` = event type, plus the event's fields); in pretty format one readable line per node.
// A renderer over events — never a second formatter inside the log writer (STYLE §3.10).
import type { Colors } from 'picocolors/types.js';
import type { OeEvent } from '../log/events.js';
import { assertNever } from '../util/assert-never.js';
import { shortRunId } from '../util/ids.js';
import type { Output } from './output.js';

/** Formats a duration in ms for people: 850 ms, 3.2 s, 2 m 05 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

const label = (e: { nodeId: string; iteration?: { index: number } }): string => (e.iteration ? `${e.nodeId}[${e.iteration.index}]` : e.nodeId);

/** The pretty line for an event, and the level it is printed at; null for events not shown. */
export function prettyLine(e: OeEvent): { level: 'debug' | 'info' | 'warn' | 'error'; text: string } {
  switch (e.type) {
    case 'run.started':
      return { level: 'info', text: `▶ ${e.resumedFrom ? 'resume' : 'run'} ${e.runId} — ${e.experience.name}@${e.experience.version}${e.resumedFrom ? ` (memo: run ${shortRunId(e.resumedFrom)})` : ''}` };
    case 'node.started':
      return { level: 'debug', text: `… ${label(e)} started (attempt ${e.attempt}, input ${e.inputHash})` };
    case 'node.completed': {
      const u = e.usage ? ` · ${e.usage.inputTokens}+${e.usage.outputTokens} tokens${e.usage.costUsd !== null ? ` · $${e.usage.costUsd.toFixed(4)}` : ' · cost unknown'}${e.usage.replayed ? ' (replayed, not spent)' : ''}` : '';
      return { level: e.iteration ? 'debug' : 'info', text: `✔ ${label(e)} ${formatDuration(e.durationMs)}${u}` };
    }
    case 'node.cached':
      return { level: e.iteration ? 'debug' : 'info', text: `↺ ${label(e)} cached (from run ${e.fromRunId})` };
    case 'node.failed':
      return {
        level: e.willRetry ? 'warn' : 'error',
        text: `✖ ${label(e)} attempt ${e.attempt} failed: ${e.error.name}: ${e.error.message}${e.willRetry ? ' — retrying' : ''}`,
      };
    case 'node.retrying':
      return { level: 'warn', text: `↻ ${label(e)} LLM request retry${e.retry ? ` ${e.retry}` : ''} after ${formatDuration(e.waitMs)} (${e.status ?? 'no response'}: ${e.reason})` };
    case 'node.skipped':
      return { level: 'info', text: `⤼ ${e.nodeId} skipped: ${e.reason}` };
    case 'gate.waiting':
      return { level: 'warn', text: `⏸ gate ${e.nodeId} waits for a verdict (${e.options.join(' | ')}): ${e.message}\n  continue with: oe resume ${e.runId} --args '{"${e.arg}": "${e.options[0]}"}'` };
    case 'run.paused':
      return { level: 'warn', text: `⏸ paused (${e.reason}); pending: ${e.pending.join(', ') || 'none'}` };
    case 'run.completed': {
      const c = e.counts;
      const cost = e.usage ? ` · ${e.usage.inputTokens + e.usage.outputTokens} tokens · $${e.usage.costUsd.toFixed(4)}${e.usage.incomplete ? ' + unpriced models' : ''}` : '';
      const saved = e.saved ? ` · saved ${e.saved.inputTokens + e.saved.outputTokens} tokens · $${e.saved.costUsd.toFixed(4)}${e.saved.incomplete ? ' + unpriced models' : ''}` : '';
      return {
        level: e.status === 'success' ? 'info' : e.status === 'paused' ? 'warn' : 'error',
        text: `■ ${e.status} in ${formatDuration(e.durationMs)} — ${c.completed} completed, ${c.cached} cached, ${c.failed} failed, ${c.skipped} skipped${cost}${saved}${e.error ? `\n  ${e.error.nodeId ? `${e.error.nodeId}: ` : ''}${e.error.name}: ${e.error.message}` : ''}`,
      };
    }
    default:
      return assertNever(e, 'event');
  }
}

/** Colours a pretty line by its first glyph: ✔ green, ↺ cyan, ✖ red, ↻ ⏸ yellow, ⤼ grey, ▶ bold. */
export function paintLine(text: string, c: Colors): string {
  const glyph = text[0];
  const rest = text.slice(1);
  switch (glyph) {
    case '✔':
      return c.green(glyph) + rest;
    case '↺':
      return c.cyan(glyph) + c.dim(rest);
    case '✖':
      return c.red(glyph) + rest;
    case '↻':
    case '⏸':
      return c.yellow(glyph + rest);
    case '⤼':
      return c.gray(glyph + rest);
    case '▶':
      return c.bold(text);
    default:
      return text;
  }
}

/**
 * Prints one event on stdout in the output's format. In pretty format run.completed is left to the
 * summary printed after the run (run-end.ts), which knows the log path and what to do next.
 */
export function printEvent(output: Output, e: OeEvent): void {
  if (output.format === 'json') {
    output.out.info(e, e.type);
    return;
  }
  if (e.type === 'run.completed') return;
  const { level, text } = prettyLine(e);
  output.out[level](paintLine(text, output.paint.out));
}
