// The live view's block (issue #14 §1): one line per running node — spinner, id, elapsed time, the
// attempt when it is a retry, LLM retries, a for_each node's bar and done/total — then a status line.
// Pure: the model, the time, the terminal's size and the spinner frame in; lines out, each cut to
// the terminal's width so nothing wraps.
import type { Colors } from 'picocolors/types.js';
import { formatDuration } from './console.js';
import type { LiveModel, RunningNode } from './live-model.js';

/** The terminal, as the frame needs it. */
export interface FrameSize {
  columns: number;
  rows: number;
}

const BAR = 12;

/** `[█████░░░░░░░]` for done/total. */
export function progressBar(done: number, total: number, width = BAR): string {
  const full = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`;
}

/** Cuts plain text to `max` columns (node ids and oe's text are one column per character). */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** One running node's line, uncoloured, without the spinner. */
export function runningLine(r: RunningNode, nowMs: number, idWidth: number): string {
  const parts: string[] = [formatDuration(Math.max(0, nowMs - r.startedMs))];
  if (r.items) {
    const { done, failed, running, total } = r.items;
    const finished = done + failed;
    parts.unshift(`${total !== undefined ? `${progressBar(finished, total)} ${finished}/${total}` : `${finished} done`} items${running ? ` · ${running} running` : ''}${failed ? ` · ${failed} failed` : ''}`);
  }
  if (r.attempt > 1) parts.push(`attempt ${r.attempt}`);
  if (r.retries > 0) parts.push(`${r.retries} LLM retr${r.retries === 1 ? 'y' : 'ies'}`);
  return `${r.nodeId.padEnd(idWidth)}  ${parts.join(' · ')}`;
}

/**
 * The block's lines: the running nodes (the longest-running first: they are the ones a person waits
 * on) in the rows the status line leaves, the rest counted on one line.
 */
export function liveFrame(m: LiveModel, nowMs: number, size: FrameSize, spinner: string, c: Colors): string[] {
  const width = Math.max(10, size.columns - 1);
  const running = [...m.running.values()];
  const room = Math.max(1, size.rows - 1);
  const shown = running.length > room ? running.slice(0, Math.max(1, room - 1)) : running;
  const idWidth = Math.min(24, Math.max(0, ...shown.map((r) => r.nodeId.length)));
  const lines = shown.map((r) => {
    const text = cut(runningLine(r, nowMs, idWidth), width - 2);
    return `${c.cyan(spinner)} ${r.items?.failed || r.attempt > 1 ? c.yellow(text) : text}`;
  });
  if (shown.length < running.length) lines.push(c.dim(cut(`  … and ${running.length - shown.length} more running`, width)));
  const elapsed = Number.isFinite(m.startedMs) ? formatDuration(Math.max(0, nowMs - m.startedMs)) : '';
  lines.push(c.dim(cut(`  ${m.done}/${m.total} nodes done · ${running.length} running${elapsed ? ` · ${elapsed}` : ''} · Ctrl-C cancels (resumable)`, width)));
  return lines;
}
