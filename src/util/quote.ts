// Quoting a value someone else wrote (a run id, a log line) inside an error message: printable and
// short, whatever it holds.

/**
 * `s` as a JSON string literal (so control characters and quotes are escaped), cut to its first
 * `max` characters with `…` and the full length when longer — a 10 kB argument is never echoed whole.
 * @param max characters of `s` kept (default 60).
 */
export function quote(s: string, max = 60): string {
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max)).slice(0, -1)}…" (${s.length} characters)`;
}

/** `s` with control characters, DEL and U+FFFD escaped (`\u0000`), cut to `max` characters. */
export function printable(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length <= max ? clean : `${clean.slice(0, max)}…`;
}
