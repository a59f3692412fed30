// The live view's terminal shell (issue #14 §1): draws liveFrame's block at the bottom of the
// terminal with log-update, redrawn at a bounded rate (the spinner's 80 ms, and at most once per
// MIN_REDRAW_MS after a line), and keeps every other line — oe's own, a tool's prints, stderr —
// above it: while the view runs, writes to process.stdout/stderr erase the block, print, and let it
// be drawn again (Ink and listr2 do the same). Loaded only on a terminal (log-update is not loaded by
// `oe --version` or `oe validate`).
import { StringDecoder } from 'node:string_decoder';
import { createLogUpdate } from 'log-update';
import type { Colors } from 'picocolors/types.js';
import cliSpinners from 'cli-spinners';
import type { OeEvent } from '../log/events.js';
import type { RunState } from '../log/fold.js';
import { liveFrame } from './live-frame.js';
import { applyLiveEvent, emptyLiveModel, type LiveModel } from './live-model.js';

/** The fewest ms between two redraws caused by lines printed above the block. */
export const MIN_REDRAW_MS = 50;

type Write = typeof process.stdout.write;

/** An intercepted stream: its own write, and what is left of a partial line. */
interface Intercepted {
  stream: NodeJS.WriteStream;
  original: Write;
  rest(): string;
}

/** The streams the view draws on; the CLI passes process.stdout and process.stderr. */
export interface LiveStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** True when stderr is the same terminal (its lines must go above the block too). */
  interceptStderr: boolean;
}

/** A running live view: feed it events, stop it when the run ends. */
export class LiveView {
  private readonly model: LiveModel = emptyLiveModel();
  private readonly spinner = cliSpinners.dots;
  private frame = 0;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private readonly intercepted: Intercepted[] = [];
  private readonly update: ReturnType<typeof createLogUpdate>;
  private readonly onExit = (): void => this.update.clear();
  private started = false;

  constructor(
    private readonly streams: LiveStreams,
    private readonly paint: Colors,
    private readonly now: () => number = Date.now,
  ) {
    const out = streams.stdout;
    const write = out.write.bind(out) as Write;
    // log-update writes through the original write, never through the interception below.
    const proxy = { write: (s: string) => write(s), isTTY: true, get columns() { return out.columns; }, get rows() { return out.rows; } };
    this.update = createLogUpdate(proxy as unknown as NodeJS.WriteStream, { showCursor: true });
  }

  /** Folds an event into the model; the block is redrawn soon. Starts the view at the first event. */
  onEvent(e: OeEvent, state: Readonly<RunState>): void {
    applyLiveEvent(this.model, e, state);
    if (!this.started) this.start();
    this.drawSoon();
  }

  private start(): void {
    this.started = true;
    this.intercept(this.streams.stdout);
    if (this.streams.interceptStderr) this.intercept(this.streams.stderr);
    this.timer = setInterval(() => {
      this.frame = (this.frame + 1) % this.spinner.frames.length;
      this.draw();
    }, this.spinner.interval);
    // Never keeps the process alive: the engine relies on the event loop emptying to see a stall.
    this.timer.unref();
    process.on('exit', this.onExit);
  }

  /** Makes `stream`'s writes go above the block: whole lines are printed at once, a partial line waits for its end. */
  private intercept(stream: NodeJS.WriteStream): void {
    const original = stream.write;
    const write = original.bind(stream) as Write;
    const decoder = new StringDecoder('utf8');
    let pending = '';
    this.intercepted.push({ stream, original, rest: () => pending + decoder.end() });
    stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean => {
      const done = typeof encoding === 'function' ? encoding : cb;
      const text = pending + (typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk)));
      const end = text.lastIndexOf('\n') + 1;
      pending = text.slice(end);
      if (end > 0) {
        this.update.clear();
        write(text.slice(0, end));
        this.drawSoon();
      }
      if (done) process.nextTick(done);
      return true;
    }) as Write;
  }

  private drawSoon(): void {
    const wait = MIN_REDRAW_MS - (this.now() - this.lastDraw);
    if (wait <= 0) return this.draw();
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.draw();
    }, wait);
    this.soon.unref();
  }

  private draw(): void {
    if (!this.started) return;
    this.lastDraw = this.now();
    const size = { columns: this.streams.stdout.columns ?? 80, rows: this.streams.stdout.rows ?? 24 };
    this.update(liveFrame(this.model, this.lastDraw, size, this.spinner.frames[this.frame]!, this.paint).join('\n'));
  }

  /** Erases the block and gives the streams back; what a partial line held is printed. Idempotent. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    this.update.clear();
    this.update.done();
    process.off('exit', this.onExit);
    for (const { stream, original, rest } of this.intercepted.splice(0)) {
      stream.write = original;
      const left = rest();
      if (left) stream.write(`${left}\n`);
    }
  }
}
