// `oe worker --redis <url>` (issue #13 §1): a long-running process that runs node attempts taken
// from a BullMQ queue, for coordinators started with `oe run|resume … --executor bullmq`. It reads
// experiences from its own workspace (a copy of the coordinator's) and uses its own environment for
// LLM keys. SIGINT/SIGTERM: stop taking jobs and finish those held; a second one hands them back
// now (failed, retryable); a third ends the process at once.
import type { Register } from '../cli/command.js';
import { startCommand } from '../cli/command.js';

/** The flags of `oe worker`, as commander parses them. */
interface WorkerFlags {
  redis?: string;
  concurrency?: string;
  queue?: string;
  workerLostMs?: string;
  llm?: string;
  record?: string;
  replay?: string;
  llmMaxRetries?: string;
  llmTimeout?: string;
}

export const register: Register = (program, proc) => {
  program
    .command('worker')
    .description('run node attempts for coordinators started with --executor bullmq, until SIGINT/SIGTERM')
    .option('--redis <url>', 'the Redis server of the queue, e.g. redis://127.0.0.1:6379 (env OE_REDIS_URL)')
    .option('--concurrency <n>', 'attempts at once (default 1)')
    .option('--queue <name>', 'the queue to take attempts from (default oe)')
    .option('--worker-lost-ms <ms>', 'how long this worker may stay silent before its attempts count as lost; use the coordinator\'s value (default 10000)')
    .option('--llm <provider>', 'LLM provider for agent and skill nodes: anthropic or openai (default as for oe run); must match the coordinator\'s')
    .option('--record <dir>', 'record every LLM request/response pair into <dir>')
    .option('--replay <dir>', 'answer LLM requests from recordings in <dir>, with no network')
    .option('--llm-max-retries <n>', 'retries of an LLM request after 429/5xx/timeouts (default 2)')
    .option('--llm-timeout <ms>', 'timeout of one LLM request in ms (default 600000)')
    .action(async (flags: WorkerFlags, cmd) => {
      const { parseRedisUrl, parseQueueName, parseLostMs } = await import('../executors/bullmq-config.js');
      const { parsePositiveInt } = await import('../cli/globals.js');
      const url = flags.redis ?? proc.env.OE_REDIS_URL;
      const { UsageError } = await import('../util/errors.js');
      if (!url) throw new UsageError('oe worker needs --redis <url> (or env OE_REDIS_URL), e.g. --redis redis://127.0.0.1:6379');
      const redis = parseRedisUrl('--redis', url);
      const queue = parseQueueName('--queue', flags.queue);
      const lostMs = parseLostMs('--worker-lost-ms', flags.workerLostMs);
      const concurrency = parsePositiveInt('--concurrency', flags.concurrency) ?? 1;
      const { globals, output } = await startCommand(cmd, proc);
      const [{ llmSettings, secretValues }, { redactable }, { AttemptWorker }, { hostname }] = await Promise.all([
        import('../cli/run-flags.js'),
        import('../log/redact.js'),
        import('../executors/bullmq-worker.js'),
        import('node:os'),
      ]);
      const llm = await llmSettings(flags, globals);
      const name = `oe-worker@${hostname()}/${process.pid}`;
      const json = output.format === 'json';
      const worker = await AttemptWorker.start({
        redis,
        queue,
        concurrency,
        lostMs,
        workspace: globals.workspace,
        llm,
        secrets: redactable(secretValues(globals.env)),
        name,
        err: output.err,
        // In json format stdout carries only oe's lines (SPEC §4); tools print to stderr.
        toolStdout: json ? process.stderr : process.stdout,
        toolStderr: process.stderr,
        report: (kind, f) => {
          const unit = `${f.nodeId ?? '?'}${f.iteration !== undefined ? `[${f.iteration}]` : ''}`;
          const text =
            kind === 'started'
              ? `▶ ${unit} attempt ${f.attempt} of run ${f.runId}`
              : kind === 'refused'
                ? `✗ ${unit} refused: ${f.error?.name}: ${f.error?.message}`
                : f.ok
                  ? `✓ ${unit} attempt ${f.attempt} (${f.durationMs} ms)`
                  : `✗ ${unit} attempt ${f.attempt} failed: ${f.error?.name}: ${f.error?.message}`;
          const level = kind === 'refused' ? 'warn' : 'info';
          if (json) output.out[level](f, `attempt ${kind}`);
          else output.out[level](text);
        },
      });
      const ready = { queue, concurrency, redis: redis.display, workspace: globals.workspace, name, lostMs };
      if (json) output.out.info(ready, 'worker ready');
      else output.out.info(`worker ready: queue ${queue} on ${redis.display}, concurrency ${concurrency}, workspace ${globals.workspace} (${name})`);

      let received = 0;
      const onSignal = (sig: NodeJS.Signals) => (): void => {
        received++;
        if (received >= 3) proc.exitNow(130);
        const mode = received === 1 ? 'finish' : 'abort';
        const busy = worker.busy;
        if (json) output.out.info({ signal: sig, mode, busy }, 'worker stopping');
        else output.out.info(mode === 'finish' ? `${sig}: finishing ${busy} attempt(s), taking no new ones (again to hand them back now)` : `${sig}: handing ${busy} attempt(s) back`);
        void worker.stop(mode, sig);
      };
      const signals: Array<[NodeJS.Signals, () => void]> = [
        ['SIGINT', onSignal('SIGINT')],
        ['SIGTERM', onSignal('SIGTERM')],
        ['SIGHUP', onSignal('SIGHUP')],
      ];
      for (const [s, fn] of signals) process.on(s, fn);
      // An error thrown outside any promise by an in-process attempt's async work fails that attempt;
      // anything else is oe's bug: say so and hand every attempt back before exiting 1.
      const onUncaught = (e: unknown): void => {
        if (worker.claimUncaught(e)) return;
        const error = e instanceof Error ? e : new Error(String(e));
        output.err.error({ err: error.name }, `uncaught ${error.name} outside any attempt: ${error.message} — the worker stops`);
        proc.setExitCode(1);
        void worker.stop('abort', `uncaught ${error.name}`);
      };
      process.on('uncaughtException', onUncaught);
      process.on('unhandledRejection', onUncaught);
      try {
        await worker.done;
      } finally {
        for (const [s, fn] of signals) process.off(s, fn);
        process.off('uncaughtException', onUncaught);
        process.off('unhandledRejection', onUncaught);
      }
      if (json) output.out.info({ name }, 'worker stopped');
      else output.out.info('worker stopped');
    });
};
