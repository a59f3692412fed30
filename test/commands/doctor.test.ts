// `oe doctor`'s checks (issue #14 §8) in-process: the verdicts, a real TCP server on 127.0.0.1 that
// speaks the RESP subset Redis answers PING with (a stand-in for redis-server, which CI does not
// install), and the version probe of a real executable on PATH.
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCheck, keyChecks, nodeCheck, probeVersion, redisCheck, workspaceCheck } from '../../src/commands/doctor.js';
import { tempDir } from '../helpers/cli.js';

describe('doctor verdicts', () => {
  it('needs Node 20 or newer', () => {
    expect(nodeCheck('20.20.2')).toMatchObject({ status: 'ok', detail: 'v20.20.2' });
    expect(nodeCheck('18.19.0').status).toBe('fail');
  });
  it('says whether each API key is set, never its value', () => {
    const checks = keyChecks({ ANTHROPIC_API_KEY: 'sk-ant-very-secret', OPENAI_BASE_URL: 'http://127.0.0.1:9' });
    expect(checks).toEqual([
      { name: 'ANTHROPIC_API_KEY', status: 'ok', detail: 'set' },
      { name: 'OPENAI_API_KEY', status: 'skip', detail: expect.stringContaining('not set') },
    ]);
    expect(JSON.stringify(checks)).not.toContain('very-secret');
    expect(keyChecks({}).map((c) => c.status)).toEqual(['warn', 'warn']);
  });
  it('reports an agent CLI missing from PATH as skipped, not failed', () => {
    expect(cliCheck('codex', 'codex', { found: false, reason: 'not on PATH' }).status).toBe('skip');
  });
  it('fails a workspace whose path runs through a file', () => {
    const dir = tempDir('oe-doctor-');
    writeFileSync(join(dir, 'file'), '');
    expect(workspaceCheck(join(dir, 'file', 'ws'))).toMatchObject({ status: 'fail', detail: expect.stringContaining('is not a directory') });
    expect(workspaceCheck(dir)).toMatchObject({ status: 'ok', detail: expect.stringContaining('the first run creates') });
  });
});

describe('probing a CLI for its version', () => {
  it('runs `<cmd> --version` from PATH and keeps its first line', async () => {
    const bin = tempDir('oe-doctor-bin-');
    writeFileSync(join(bin, 'claude'), '#!/bin/sh\necho "2.1.0 (Claude Code)"\necho more\n');
    chmodSync(join(bin, 'claude'), 0o755);
    expect(await probeVersion('claude', { PATH: bin })).toEqual({ found: true, version: '2.1.0 (Claude Code)' });
    expect(await probeVersion('gemini', { PATH: bin })).toEqual({ found: false, reason: 'not on PATH' });
  });
});

describe('Redis', () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((socket) => {
      socket.setEncoding('utf8').on('data', (d: string) => {
        seen.push(d);
        if (d.includes('AUTH') && !d.includes('hunter2')) socket.write('-WRONGPASS invalid username-password pair\r\n');
        else if (d.includes('PING')) socket.write(`${d.includes('AUTH') ? '+OK\r\n' : ''}+PONG\r\n`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it('is skipped when OE_REDIS_URL is not set', async () => expect((await redisCheck(undefined)).status).toBe('skip'));
  it('answers PING, with AUTH from the URL; the password is never printed', async () => {
    expect(await redisCheck(`redis://127.0.0.1:${port}`)).toMatchObject({ status: 'ok', detail: `127.0.0.1:${port} answered PING` });
    const withAuth = await redisCheck(`redis://:hunter2@127.0.0.1:${port}`);
    expect(withAuth.status).toBe('ok');
    expect(seen.at(-1)).toContain('AUTH');
    const wrong = await redisCheck(`redis://:nope@127.0.0.1:${port}`);
    expect(wrong).toMatchObject({ status: 'fail', detail: expect.stringContaining('-WRONGPASS') });
    expect(JSON.stringify([withAuth, wrong])).not.toMatch(/hunter2|nope/);
  });
  it('fails for a closed port and for a URL that is not redis://', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const free = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    expect(await redisCheck(`redis://127.0.0.1:${free}`)).toMatchObject({ status: 'fail', detail: expect.stringContaining('is not reachable') });
    expect((await redisCheck('http://127.0.0.1:1')).status).toBe('fail');
  });
});
