// --record writes one file per request named by its hash; --replay answers from them with no network.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestHash } from '../../src/llm/request.js';
import { runner } from '../../src/nodes/agent.js';
import { FakeAnthropic, errorReply, textReply, toolReply } from '../helpers/fake-anthropic.js';
import { agentNode, nodeContext } from './context.js';

const KEY = 'sk-ant-record-SECRET-42';
const input = { _state: { name: 'Ada' }, _edge_inputs: {} };
let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const tmp = () => mkdtempSync(join(tmpdir(), 'oe-rec-'));

describe('record and replay', () => {
  it('records each request/response pair, then replays it with the server stopped', async () => {
    fake = await FakeAnthropic.start({ expectedKey: KEY });
    const dir = tmp();
    const schema = { type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'] };
    fake.enqueue(textReply('Hello, Ada!', { input_tokens: 10, output_tokens: 5 }), toolReply('submit_result', { greeting: 'hi' }));
    const recorded = await runner.run(agentNode(), input, nodeContext({ apiKey: KEY, baseURL: fake.baseURL, recordDir: dir }));
    const recordedSchema = await runner.run(agentNode({ schema }), input, nodeContext({ apiKey: KEY, baseURL: fake.baseURL, recordDir: dir }));
    const baseURL = fake.baseURL;
    await fake.stop();
    fake = undefined;

    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text).not.toContain(KEY);
      const rec = JSON.parse(text);
      expect(f).toBe(`${rec.hash}.json`);
      expect(Object.keys(rec).sort()).toEqual(['hash', 'oeRecording', 'request', 'response']);
      expect(rec.hash).toBe(await requestHash(rec.request));
    }

    // No key, and the server is gone: replay must not touch the network.
    const replayed = await runner.run(agentNode(), input, nodeContext({ baseURL, replayDir: dir }));
    const replayedSchema = await runner.run(agentNode({ schema }), input, nodeContext({ baseURL, replayDir: dir }));
    // Issue #15 §5: the same output and tokens, but marked replayed (nothing was spent) and without
    // a request id (no request was made).
    const spent = ({ usage, ...rest }: typeof recorded) => ({ ...rest, usage: { ...usage, requestIds: undefined, replayed: undefined } });
    expect(spent(replayed)).toEqual(spent(recorded));
    expect(spent(replayedSchema)).toEqual(spent(recordedSchema));
    expect(replayed.usage).toMatchObject({ replayed: true, costUsd: recorded.usage!.costUsd });
    expect(replayed.usage!.requestIds).toBeUndefined();
    expect(recorded.usage!.replayed).toBeUndefined();
  });

  it('fails a request with no recording, naming its hash and the nearest recording', async () => {
    fake = await FakeAnthropic.start();
    const dir = tmp();
    fake.enqueue(textReply('Hello, Ada!'));
    await runner.run(agentNode(), input, nodeContext({ apiKey: KEY, baseURL: fake.baseURL, recordDir: dir }));
    const [recordedFile] = readdirSync(dir);

    const changed = { _state: { name: 'Grace' }, _edge_inputs: {} };
    const expectedHash = await requestHash({ model: 'claude-sonnet-5-5', max_tokens: 128_000, messages: [{ role: 'user', content: 'Say hello to Grace.' }] });
    const err = (await runner.run(agentNode(), changed, nodeContext({ replayDir: dir })).catch((e: Error) => e)) as Error & { requestHash?: string };
    expect(err.name).toBe('RecordingNotFoundError');
    expect(err.requestHash).toBe(expectedHash);
    expect(err.message).toContain(`no recording for request ${expectedHash} (model claude-sonnet-5-5)`);
    expect(err.message).toContain(`nearest recording: ${join(dir, recordedFile!)} (differs in messages)`);
  });

  it('prefers a recording of the same model as the nearest one', async () => {
    fake = await FakeAnthropic.start();
    const dir = tmp();
    fake.enqueue(textReply('a'), textReply('b'));
    await runner.run(agentNode({ model: 'claude-haiku-4-5' }), input, nodeContext({ apiKey: KEY, baseURL: fake.baseURL, recordDir: dir }));
    await runner.run(agentNode({ prompt: 'Something else entirely' }), input, nodeContext({ apiKey: KEY, baseURL: fake.baseURL, recordDir: dir }));
    const sameModelFile = join(dir, `${await requestHash(fake.messageRequests[1]!.body)}.json`);
    const err = (await runner.run(agentNode({ prompt: 'Say hello to {{name}}!' }), input, nodeContext({ replayDir: dir })).catch((e: Error) => e)) as Error;
    expect(err.message).toContain(`nearest recording: ${sameModelFile} (differs in messages)`);
  });

  it('says so when the replay directory holds no recordings', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'notes.json'), '{"not":"a recording"}');
    await expect(runner.run(agentNode(), input, nodeContext({ replayDir: dir }))).rejects.toThrow(/the directory holds no recordings/);
  });

  it('does not record a failed request', async () => {
    fake = await FakeAnthropic.start();
    const dir = tmp();
    fake.enqueue(errorReply(400, 'invalid_request_error', 'nope'));
    await expect(runner.run(agentNode(), input, nodeContext({ apiKey: KEY, baseURL: fake.baseURL, recordDir: dir }))).rejects.toThrow(/400/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('hashes the body without the transport flag `stream`, with keys in canonical order', async () => {
    const a = await requestHash({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] });
    const b = await requestHash({ messages: [{ content: 'x', role: 'user' }], max_tokens: 1, model: 'm', temperature: undefined, stream: true });
    const c = await requestHash({ model: 'm', max_tokens: 2, messages: [{ role: 'user', content: 'x' }] });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});
