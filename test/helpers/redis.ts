// A real redis-server for tests (issue #13 §5): Debian's `redis-server`, on 127.0.0.1 at a free port,
// with no persistence (no RDB, no AOF) and its files in a temporary directory, stopped afterwards.
// `.ci/run` installs the package when it is missing; outside CI the tests that need it are skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { Redis, type Redis as RedisClient } from 'ioredis';
import { tempDir } from './cli.js';

/** The redis-server binary, if installed. */
export const REDIS_SERVER: string | undefined = (() => {
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
})();

/** Why Redis tests are skipped when they are. */
export const REDIS_MISSING = 'redis-server is not installed (apt-get install -y redis-server); set CI to make this a failure';

/** A running redis-server. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`), empty. */
  restart(): Promise<void>;
  /** A client for the test's own reads (closed by `stop`). */
  client(): Promise<RedisClient>;
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Starts redis-server on a free port of 127.0.0.1 and waits until it accepts connections. */
export async function startRedis(): Promise<RedisServer> {
  if (!REDIS_SERVER) throw new Error(REDIS_MISSING);
  const port = await freePort();
  let dir = '';
  let child: ChildProcess | undefined;
  let output = '';
  const clients: RedisClient[] = [];
  const launch = async (): Promise<void> => {
    dir = tempDir('oe-redis-');
    output = '';
    child = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output}`);
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server did not listen on port ${port} within 5 s: ${output}`);
  };
  const stop = async (): Promise<void> => {
    for (const c of clients.splice(0)) c.disconnect();
    const c = child;
    child = undefined;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: launch,
    async client() {
      const c = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: null });
      clients.push(c);
      return c;
    },
  };
}

/**
 * Every value Redis holds, as text (strings, hashes, lists, sets, sorted sets and streams), for
 * asserting that something is nowhere in it.
 */
export async function dumpRedis(c: RedisClient): Promise<string> {
  const out: string[] = [];
  for (const key of await c.keys('*')) {
    const type = await c.type(key);
    const value =
      type === 'string'
        ? await c.get(key)
        : type === 'hash'
          ? await c.hgetall(key)
          : type === 'list'
            ? await c.lrange(key, 0, -1)
            : type === 'set'
              ? await c.smembers(key)
              : type === 'zset'
                ? await c.zrange(key, 0, -1)
                : type === 'stream'
                  ? await c.xrange(key, '-', '+')
                  : `<${type}>`;
    out.push(`${key} ${JSON.stringify(value)}`);
  }
  return out.join('\n');
}
