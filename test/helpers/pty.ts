// A real terminal for e2e tests (issue #14: the live view is checked for what a person sees): tmux
// runs a command in a detached pane of a given size on its own server socket; capture() reads the
// screen as a person sees it (with `escapes`, the colour codes too).
import { spawnSync } from 'node:child_process';

/** True when tmux is installed. */
export const HAS_TMUX = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).status === 0;

/** A pane running one command. */
export interface Pane {
  /** The screen's text now (trailing blank lines dropped); with `escapes`, SGR colour codes kept. */
  capture(escapes?: boolean): string;
  /** Resolves with the screen once `test` accepts it; rejects after `timeoutMs` with the last screen. */
  waitFor(test: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Types keys (tmux send-keys names, e.g. `C-c`). */
  keys(...keys: string[]): void;
  /** Ends the pane and its tmux server. */
  close(): void;
}

let n = 0;

/**
 * Starts `command` (a shell command line) in a cols×rows pane. The pane's environment is the test's,
 * less CI, NO_COLOR, FORCE_COLOR and OE_* (so each test says what it sets), plus `env`.
 */
export function openPane(command: string, opts: { cols: number; rows: number; env?: Record<string, string> }): Pane {
  const socket = `oe-test-${process.pid}-${n++}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const unset = ['CI', 'NO_COLOR', 'FORCE_COLOR', ...Object.keys(process.env).filter((k) => k.startsWith('OE_'))].flatMap((k) => ['-u', k]);
  const set = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const line = ['env', ...unset, 'TERM=xterm-256color', ...set, 'sh', '-c', command].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = tmux('new-session', '-d', '-x', String(opts.cols), '-y', String(opts.rows), `${line}; echo "[exit $?]"; sleep 600`);
  if (r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
  const capture = (escapes = false): string => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', '0').stdout.replace(/\n+$/, '');
  return {
    capture,
    async waitFor(test, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const screen = capture();
        if (test(screen)) return screen;
        if (Date.now() > until) throw new Error(`the screen never matched; it shows:\n${screen}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    keys: (...keys) => void tmux('send-keys', '-t', '0', ...keys),
    close: () => void tmux('kill-server'),
  };
}
