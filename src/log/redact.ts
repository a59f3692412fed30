// Keeps secrets out of everything oe writes (SPEC §3: API keys and the values of env vars named
// `*_KEY`, `*_TOKEN`, `*_SECRET` never reach a log): log lines, and the diagnostics on stderr. Pure.

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Shortest secret value worth redacting; shorter values would corrupt ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/**
 * The secrets worth redacting: at least MIN_SECRET_LENGTH characters, without repeats, longest first
 * (so a secret that contains another is replaced whole).
 */
export function redactable(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every occurrence of every secret replaced by [REDACTED]; the same string when none
 * occurs. For plain text: a stderr message, a stack.
 * @param secrets as `redactable` returns them (shorter ones are skipped here too).
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * A JSON line (as JSON.stringify writes it) with every secret redacted inside its strings — keys and
 * values — and inside numbers whose digits contain it (those become strings). A secret holding `"`
 * or `\` appears escaped in the line (`a\"b`), so the escaped form is looked for as well as the raw
 * one (issue #12: such a secret used to be written as is). When either occurs, the line is parsed,
 * redacted value by value and serialized again, so it stays valid JSON; otherwise `line` itself is
 * returned (callers may compare with `===`).
 * Text that only looks like a secret across JSON punctuation (the end of one string and the start of
 * the next) is not a value holding the secret and is left alone.
 */
export function redactJsonLine(line: string, secrets: readonly string[]): string {
  const present = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH && (line.includes(s) || line.includes(JSON.stringify(s).slice(1, -1))));
  if (present.length === 0) return line;
  const redacted = JSON.stringify(redactValue(JSON.parse(line) as unknown, present));
  return redacted === line ? line : redacted;
}

/**
 * A copy of `value` with secrets redacted in every string, object key, number, and Error (message,
 * stack, own fields); values that hold no secret are returned as they are. Cycles are kept.
 * For the arguments of a log call, and for parsed JSON.
 */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  const copies = new Map<object, unknown>();
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, secrets);
    if (typeof v === 'number') {
      const text = String(v);
      const r = redactText(text, secrets);
      return r === text ? v : r;
    }
    if (v === null || typeof v !== 'object') return v;
    const seen = copies.get(v);
    if (seen !== undefined) return seen;
    if (v instanceof Error) {
      const e = new Error(redactText(v.message, secrets));
      copies.set(v, e);
      e.name = redactText(v.name, secrets);
      e.stack = v.stack === undefined ? undefined : redactText(v.stack, secrets);
      for (const [k, x] of Object.entries(v)) (e as unknown as Record<string, unknown>)[redactText(k, secrets)] = visit(x);
      return e;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      for (const x of v) out.push(visit(x));
      return out;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v; // a Date, a Map: printed by its own rules
    const out: Record<string, unknown> = {};
    copies.set(v, out);
    for (const [k, x] of Object.entries(v)) out[redactText(k, secrets)] = visit(x);
    return out;
  };
  return visit(value);
}

/** The leveled methods of a logger (pino's, or a NodeLogger). */
type Leveled = Record<'debug' | 'info' | 'warn' | 'error', (...args: never[]) => void>;

/**
 * A logger that redacts every argument (objects, messages, printf-style values) before passing it to
 * `logger`: what a node's code logs through `ctx.log` goes to stderr, which is a log too (issue #12).
 */
export function redactingLogger<L extends Leveled>(logger: L, secrets: readonly string[]): Pick<L, keyof Leveled> {
  const level =
    (name: keyof Leveled) =>
    (...args: unknown[]): void =>
      (logger[name] as (...a: unknown[]) => void).apply(logger, secrets.length === 0 ? args : args.map((a) => redactValue(a, secrets)));
  return { debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') } as Pick<L, keyof Leveled>;
}
