// Keeps the API key out of every message oe writes (SPEC §3: secrets never reach a log).

/** `text` with every occurrence of `secret` replaced by `[redacted]`; unchanged when no secret. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
