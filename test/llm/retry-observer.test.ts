// The SDK-retry observer (issue #15 §1) in-process: it reports a retry only when the SDK sends one,
// with the failed attempt's status and reason and the wait measured on the given clock.
import { describe, expect, it } from 'vitest';
import { BodyTimeoutError, retryObserver, type RetryReport } from '../../src/llm/retry-observer.js';

const attempt = (retry: number) => ({ headers: new Headers({ 'x-stainless-retry-count': String(retry) }), signal: null });
const ctx = (stream = false) => ({ options: { stream }, parse: <T,>(r: Response) => r.clone().json() as Promise<T> });

function observer(timeoutMs?: number) {
  let t = 1000;
  const reports: RetryReport[] = [];
  const o = retryObserver({
    onRetry: (r) => reports.push(r),
    describe: (status, body) => `${status} ${(body as { error: { message: string } }).error.message}`,
    describeError: (e) => `connection error: ${(e as Error).message}`,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    now: () => t,
  });
  return { o, reports, advance: (ms: number) => void (t += ms) };
}

describe('retryObserver', () => {
  it('reports nothing for a failure the SDK does not retry', async () => {
    const { o, reports } = observer();
    const res = await o.middleware(attempt(0), (async () => Response.json({ error: { message: 'bad' } }, { status: 400 })) as never, ctx());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: 'bad' } }); // the body is still readable for the SDK
    expect(reports).toEqual([]);
    expect(o.attempts()).toBe(1);
  });

  it('reports one retry per retried attempt, with the measured wait and the request id', async () => {
    const { o, reports, advance } = observer();
    await o.middleware(attempt(0), (async () => Response.json({ error: { message: 'slow down' } }, { status: 429, headers: { 'request-id': 'req_1' } })) as never, ctx());
    advance(750);
    await o.middleware(attempt(1), (async () => { throw new Error('ECONNRESET'); }) as never, ctx()).catch(() => undefined);
    advance(1500);
    await o.middleware(attempt(2), (async () => Response.json({ ok: true })) as never, ctx());
    expect(reports).toEqual([
      { status: 429, waitMs: 750, reason: '429 slow down', retry: 1, requestId: 'req_1' },
      { status: null, waitMs: 1500, reason: 'connection error: ECONNRESET', retry: 2 },
    ]);
    expect(o.attempts()).toBe(3);
    expect(o.lastRequestId()).toBe('req_1');
  });

  it('fails a non-streamed body that does not arrive within the timeout, so the SDK retries it as a timeout', async () => {
    const { o } = observer(50);
    const stalled = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"par')) });
    const err = await o.middleware(attempt(0), (async () => new Response(stalled, { status: 200 })) as never, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyTimeoutError);
    expect(String(err)).toMatch(/timed out/); // what the SDKs test for a retryable timeout
  });
});
