// The scripted answers that produced experiences/review-diff/recording/. No real API is reachable
// where oe is developed, so the recording comes from running the experience with --record against
// the fake server (test/helpers/fake-anthropic.ts) answering with these Claude-style replies for
// sample.diff. Token counts are estimated from the request and reply sizes (about 3.7 characters a
// token), deterministically, so re-recording gives the same files; cache reads and writes follow the
// documented prompt-cache accounting (fake-anthropic.ts promptCacheUsage) for the `cache_control`
// breakpoints oe sends.
import { createHash } from 'node:crypto';
import { estimateTokens, promptCacheUsage, type FakeReply, type ReceivedRequest } from '../helpers/fake-anthropic.js';

type Severity = 'low' | 'medium' | 'high';
interface Finding {
  dimension: string;
  title: string;
  severity: Severity;
  file: string;
  line: number | null;
  explanation: string;
  suggestion: string;
}
interface Verdict {
  verdict: 'confirmed' | 'rejected' | 'uncertain';
  severity: Severity;
  reason: string;
}

/** What each reviewing agent reports, by dimension. */
export const FINDINGS: Record<string, Finding[]> = {
  bugs: [
    {
      dimension: 'bugs',
      title: 'Missing await on stat() makes the 404 check dead code',
      severity: 'high',
      file: 'src/routes/files.js',
      line: 23,
      explanation:
        '`stat(file).catch(() => null)` is a Promise, which is always truthy, so `if (!info)` never fires. A request for a missing file falls through to `createReadStream(file).pipe(res)`; the stream emits an `error` event that nothing handles, which crashes the process (or leaves the response hanging) instead of answering 404.',
      suggestion: 'Await the call and check the result: `const info = await stat(file).catch(() => null); if (!info?.isFile()) return res.status(404).json({ error: \'not found\' });`, and handle the stream\'s `error` event.',
    },
    {
      dimension: 'bugs',
      title: 'Each page returns one item too many',
      severity: 'medium',
      file: 'src/routes/files.js',
      line: 17,
      explanation:
        '`all.slice(start, start + size + 1)` returns `size + 1` items, so consecutive pages overlap by one item and a client asking for 20 gets 21 (and at most 101 instead of the 100 cap).',
      suggestion: 'Use `all.slice(start, start + size)`. If the extra item was meant to detect a next page, drop it from `items` and return a `hasMore` flag instead.',
    },
    {
      dimension: 'bugs',
      title: 'Invalid page or size values produce NaN or negative offsets',
      severity: 'low',
      file: 'src/routes/files.js',
      line: 13,
      explanation:
        '`Number(req.query.page ?? 1)` is `NaN` for `?page=abc` and `0` or negative for `?page=0`; `start` then becomes `NaN` or negative, and `slice` with a negative start counts from the end of the list, returning the oldest uploads instead of an error.',
      suggestion: 'Parse with `Number.parseInt`, reject values that are not positive integers with a 400, and clamp `size` to at least 1.',
    },
    {
      dimension: 'bugs',
      title: 'requireToken calls next() after sending the 401 response',
      severity: 'medium',
      file: 'src/auth.js',
      line: 8,
      explanation:
        'When the token does not match, the middleware sends a 401 and then continues to `next()`, so the route handler also runs and tries to write a second response (ERR_HTTP_HEADERS_SENT).',
      suggestion: 'Return after sending the 401 so that `next()` is only reached for a valid token.',
    },
  ],
  security: [
    {
      dimension: 'security',
      title: 'Path traversal in GET /files/:name',
      severity: 'high',
      file: 'src/routes/files.js',
      line: 22,
      explanation:
        'Express decodes route parameters, so `/files/..%2F..%2Fetc%2Fpasswd` gives `req.params.name === "../../etc/passwd"`, and `path.join(UPLOAD_DIR, name)` resolves outside the upload directory. Any holder of a token can read any file the server process can read, including `.env` files with secrets.',
      suggestion: 'Resolve the path and check that it stays inside the directory: `const file = path.resolve(UPLOAD_DIR, name); if (!file.startsWith(UPLOAD_DIR + path.sep)) return res.status(404)...`, or look the name up in the uploads table and serve by id.',
    },
    {
      dimension: 'security',
      title: 'Token check is no longer constant-time and lets an empty token through when API_TOKEN is unset',
      severity: 'high',
      file: 'src/auth.js',
      line: 6,
      explanation:
        'The change replaces `timingSafeEqual` with `given != TOKEN`. Besides leaking the token through response timing, the loose comparison with `TOKEN = process.env.API_TOKEN ?? \'\'` means that on a deployment where API_TOKEN is missing, `?token=` (an empty string) equals `\'\'` and passes authentication.',
      suggestion: 'Keep the `timingSafeEqual` comparison on equal-length buffers, and fail closed at start-up (or in the middleware) when API_TOKEN is empty.',
    },
    {
      dimension: 'security',
      title: 'API token accepted in the query string',
      severity: 'medium',
      file: 'src/auth.js',
      line: 5,
      explanation:
        '`req.query.token` makes `?token=...` URLs valid credentials. URLs end up in access logs, proxy logs, browser history and Referer headers, so the shared API token will leak. The download links this change introduces make such URLs likely to be shared.',
      suggestion: 'Accept the token only in the `x-api-token` header; if links must be shareable, issue short-lived signed download URLs per file.',
    },
    {
      dimension: 'security',
      title: 'Content-Disposition header built from the raw file name',
      severity: 'low',
      file: 'src/routes/files.js',
      line: 25,
      explanation:
        'The file name from the URL is interpolated into `filename="..."` unescaped. A name containing a double quote breaks the header value, and control characters could be used for header injection.',
      suggestion: 'Use `res.attachment(path.basename(file))`, which encodes the name (RFC 6266 / RFC 5987), instead of building the header by hand.',
    },
  ],
  tests: [
    {
      dimension: 'tests',
      title: 'The new /files endpoints ship without tests',
      severity: 'medium',
      file: 'src/routes/files.js',
      line: null,
      explanation:
        'Neither the listing nor the download route has a test: paging boundaries, the 404 for a missing file, and the rejection of names containing `..` are all untested, which is how the missing `await` and the off-by-one above got through.',
      suggestion: 'Add supertest cases for: page 1 and page 2 of 25 uploads with size 20 (20 and 5 items, no overlap), a missing file (404), `..%2F` in the name (404), and a request without a token (401).',
    },
    {
      dimension: 'tests',
      title: 'No regression test for the rewritten token check',
      severity: 'medium',
      file: 'src/auth.js',
      line: 6,
      explanation:
        'The authentication middleware was rewritten (new query-string source, new comparison) but no test covers a wrong token, an empty token, or a missing API_TOKEN, so the empty-token bypass would not be caught.',
      suggestion: 'Add unit tests for requireToken: correct header token (next called), wrong token (401), `?token=` with API_TOKEN unset (401), and token of a different length (401, no throw).',
    },
  ],
};

/** What the verifying agent says about each finding, by title. */
export const VERDICTS: Record<string, Verdict> = {
  'Missing await on stat() makes the 404 check dead code': {
    verdict: 'confirmed',
    severity: 'high',
    reason: 'Line 23 assigns the Promise returned by `stat(file).catch(...)` without `await`, so `!info` is always false and a missing file reaches `createReadStream`, whose error event has no listener.',
  },
  'Each page returns one item too many': {
    verdict: 'confirmed',
    severity: 'medium',
    reason: '`slice(start, start + size + 1)` on line 17 yields size + 1 elements; page 2 starts at index `size`, which page 1 already returned.',
  },
  'Invalid page or size values produce NaN or negative offsets': {
    verdict: 'confirmed',
    severity: 'low',
    reason: 'Lines 13-16 use `Number()` without validation; `page=0` gives `start = -size` and `Array.prototype.slice` treats a negative start as an offset from the end.',
  },
  'requireToken calls next() after sending the 401 response': {
    verdict: 'rejected',
    severity: 'low',
    reason: 'The 401 branch is `return res.status(401).json(...)` (unchanged context in src/auth.js), so the function returns before `next()`; the handler does not run for a bad token.',
  },
  'Path traversal in GET /files/:name': {
    verdict: 'confirmed',
    severity: 'high',
    reason: 'Line 22 joins the decoded `req.params.name` onto UPLOAD_DIR with no containment check, and nothing else in the diff restricts the name; `..%2F` segments escape the directory.',
  },
  'Token check is no longer constant-time and lets an empty token through when API_TOKEN is unset': {
    verdict: 'confirmed',
    severity: 'high',
    reason: 'The diff removes `timingSafeEqual` and compares with `!=`; with API_TOKEN unset TOKEN is `\'\'`, and `req.query.token` is `\'\'` for `?token=`, so the check passes.',
  },
  'API token accepted in the query string': {
    verdict: 'confirmed',
    severity: 'medium',
    reason: 'Line 5 falls back to `req.query.token`, so the credential can travel in URLs, which are routinely logged.',
  },
  'Content-Disposition header built from the raw file name': {
    verdict: 'uncertain',
    severity: 'low',
    reason: 'Node\'s `setHeader` throws on CR/LF, so header injection is not possible, but a quote in the name does garble the header; whether such names can exist depends on the upload code, which is not in this diff.',
  },
  'The new /files endpoints ship without tests': {
    verdict: 'confirmed',
    severity: 'medium',
    reason: 'The diff adds src/routes/files.js and mounts it in src/app.js but adds or changes no test file.',
  },
  'No regression test for the rewritten token check': {
    verdict: 'confirmed',
    severity: 'medium',
    reason: 'src/auth.js is rewritten and the diff touches no test; the empty-token case in particular is untested.',
  },
};

const tokens = estimateTokens;
const msgId = (seed: string) => 'msg_01' + createHash('sha256').update(seed).digest('base64url').replace(/[-_]/g, 'x').slice(0, 22);

/**
 * The documented minimum cacheable prefix assumed for the scripted Sonnet 5.5 answers (the API does
 * not cache a shorter prefix and reports no cache tokens for it). 1024 tokens is the documented
 * minimum of the Sonnet models on the stored prompt-caching page; no figure for Sonnet 5.5 itself
 * was found.
 */
export const MIN_CACHEABLE_TOKENS = 1024;

/** Prompt-cache entries written so far in this recording session (promptCacheUsage). */
const cached = new Set<string>();

/**
 * How long each scripted answer takes, in ms. A cache entry can be read only once the request that
 * wrote it has been answered, so requests sent in parallel (one for_each wave) all write; later
 * waves read, as on the real API.
 */
const LATENCY_MS = 200;

/** Forgets the simulated prompt cache (a new recording session). */
export function resetPromptCache(): void {
  cached.clear();
}

function toolUse(req: ReceivedRequest, input: unknown, thinkingChars: number): FakeReply {
  const seed = JSON.stringify(req.body);
  const outChars = JSON.stringify(input).length;
  const view = new Set(cached);
  const cache = promptCacheUsage(req.body, view, MIN_CACHEABLE_TOKENS);
  const written = [...view].filter((p) => !cached.has(p));
  setTimeout(() => written.forEach((p) => cached.add(p)), LATENCY_MS);
  return {
    delayMs: LATENCY_MS,
    body: {
      id: msgId(seed),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [{ type: 'tool_use', id: 'toolu_01' + msgId('t' + seed).slice(6), name: 'submit_result', input }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: cache.input_tokens + 410, // + the tool-use system prompt the API adds
        output_tokens: tokens(outChars) + tokens(thinkingChars),
        cache_creation_input_tokens: cache.cache_creation_input_tokens,
        cache_read_input_tokens: cache.cache_read_input_tokens,
        cache_creation: { ephemeral_5m_input_tokens: cache.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
        output_tokens_details: { thinking_tokens: tokens(thinkingChars) },
        server_tool_use: null,
        service_tier: 'standard',
      },
    },
  };
}

/** The text of the first user message, whether one string or text blocks (prompt caching splits it). */
function promptText(body: any): string {
  const content = body?.messages?.[0]?.content;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((b: { text?: string }) => b.text ?? '').join('') : '';
}

/** Answers one request of the review-diff experience the way the script says. */
export function answer(req: ReceivedRequest): FakeReply {
  const prompt = promptText(req.body);
  const dim = /along one dimension only: \*\*([a-z]+)\*\*/.exec(prompt);
  if (dim) return toolUse(req, { findings: FINDINGS[dim[1]!] ?? [] }, 2400);
  const finding = /<finding>\n([\s\S]*?)\n<\/finding>/.exec(prompt);
  if (finding) {
    const f = JSON.parse(finding[1]!) as Finding;
    const v = VERDICTS[f.title];
    if (!v) throw new Error(`no scripted verdict for "${f.title}"`);
    return toolUse(req, { verdicts: { title: f.title, ...v } }, 900);
  }
  return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'review-diff script: unexpected request' } } };
}
