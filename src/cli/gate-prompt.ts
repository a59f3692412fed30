// Asks a person for a gate's verdict on a terminal (issue #11 §1), with @inquirer/select on stderr
// (stdout stays the run's events). One question at a time; Ctrl-C at the question cancels the run.
import type { RunControl } from '../engine/run-control.js';

/** What the engine asks (RunParams.askGate). */
export interface GateQuestion {
  nodeId: string;
  message: string;
  options: string[];
  default?: string;
}

/**
 * An asker when stdin and stderr are terminals (and not in CI), else undefined: the gate then waits
 * and the run ends paused (an unattended run never approves itself). `beforeAsk` gives the terminal
 * to the question (the live view erases its block; it draws again at the next event).
 */
export function terminalAsker(env: NodeJS.ProcessEnv, control: RunControl, beforeAsk: () => void = () => {}): ((q: GateQuestion) => Promise<string | undefined>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY || env.CI) return undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return (q) => {
    const asked = queue.then(async () => {
      if (control.request !== null) return undefined;
      const { default: select } = await import('@inquirer/select');
      beforeAsk();
      try {
        return await select(
          { message: `gate ${q.nodeId}: ${q.message}`, choices: q.options.map((o) => ({ value: o, name: o })), ...(q.default !== undefined ? { default: q.default } : {}) },
          { input: process.stdin, output: process.stderr, signal: control.signal },
        );
      } catch (e) {
        // Ctrl-C (ExitPromptError) or the run's cancel (AbortPromptError): no verdict; cancel the run.
        if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError')) {
          control.cancel(`cancelled at gate ${q.nodeId}`);
          return undefined;
        }
        throw e;
      }
    });
    queue = asked.catch(() => undefined);
    return asked;
  };
}
