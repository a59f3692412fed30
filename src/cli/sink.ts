// Where inspect's reports go: stdout, written in 64 KiB batches with backpressure, so `--events` on a
// million-event log streams in constant memory, and a closed pipe (`| head`) ends output quietly.

/** A text sink: `write` queues text, `flush` waits until everything is handed to the stream. */
export interface Sink {
  write(text: string): Promise<void>;
  flush(): Promise<void>;
  /** True once the reader went away (EPIPE): producers may stop early. */
  readonly closed: boolean;
}

const BATCH = 64 * 1024;

/**
 * A sink over a writable stream (process.stdout in the CLI). After the stream errors (EPIPE: the
 * reader went away) further writes are dropped — the reader asked for no more.
 */
export function streamSink(stream: NodeJS.WritableStream): Sink {
  let buf = '';
  let closed = false;
  let waiting: (() => void) | null = null;
  stream.on('error', () => {
    // A reader that closed the pipe (e.g. `oe inspect --events | head`) wants no more output; the
    // command still exits with its own code. Other write errors on stdout have nowhere to be reported.
    closed = true;
    waiting?.();
  });
  const push = (text: string): Promise<void> => {
    if (closed || text.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (stream.write(text)) return resolve();
      waiting = () => {
        waiting = null;
        resolve();
      };
      stream.once('drain', waiting);
    });
  };
  return {
    async write(text) {
      buf += text;
      if (buf.length >= BATCH) {
        const t = buf;
        buf = '';
        await push(t);
      }
    },
    async flush() {
      const t = buf;
      buf = '';
      await push(t);
    },
    get closed() {
      return closed;
    },
  };
}

/** A sink that collects text in memory, for tests. */
export function memorySink(): Sink & { text(): string } {
  let all = '';
  return {
    async write(t) {
      all += t;
    },
    async flush() {},
    closed: false,
    text: () => all,
  };
}
