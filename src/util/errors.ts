// Typed errors that carry their exit code (SPEC §3.3, STYLE §3.8). Only cli/main.ts turns them into
// a process exit.

/** Base of every error oe raises on purpose. `exitCode` is what the process exits with. */
export class OeError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command-line usage: an unknown flag value, `--args` that is not a JSON object. Exit 2. */
export class UsageError extends OeError {
  override readonly exitCode = 2;
}

/** One problem found in an experience or in run args, with where it is (1-based line and column). */
export interface Problem {
  /** The file the problem is in, as given by the user (or `<args>` for run args). */
  file: string;
  /** 1-based line, when the problem has a location in a file. */
  line?: number;
  /** 1-based column, when the problem has a location in a file. */
  col?: number;
  /** What is wrong, in one sentence. */
  message: string;
}

/** Formats a problem as `file:line:col: message` (the compiler convention editors understand). */
export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
  return `${where}: ${p.message}`;
}

/** An experience or its args failed validation (SPEC §2.4). Carries every problem at once. Exit 2. */
export class ValidationError extends OeError {
  override readonly exitCode = 2;
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** A run, log or experience that does not exist. Exit 1. */
export class NotFoundError extends OeError {
  override readonly exitCode = 1;
}

/** A run log that cannot be read: a malformed line, a newer format version. Exit 1. */
export class LogFormatError extends OeError {
  override readonly exitCode = 1;
}

/** The run was cancelled by SIGINT or `oe cancel`. Exit 130. */
export class CancelledError extends OeError {
  override readonly exitCode = 130;
}

/** A bug in oe itself. main.ts prints it with a request to report it. Exit 1. */
export class InternalError extends OeError {
  override readonly exitCode = 1;
}
