/**
 * An error a person can act on: what went wrong, where (file, line, field) and how to fix it.
 * Every user-facing failure in overnight is an OvernightError; the CLI prints `message` (and
 * `fix`) to stderr and exits with `exitCode`. Anything else is a bug and is printed with its stack.
 */
export class OvernightError extends Error {
  /** File the problem is in, as the user would type it (relative to the repository root when possible). */
  readonly file?: string;
  /** 1-based line in `file`, when the parser reports one. */
  readonly line?: number;
  /** Dotted field path (`blocked_by`, `agent.maxTurns`), when the problem is one field. */
  readonly field?: string;
  /** One sentence saying what to do about it. */
  readonly fix?: string;
  /** Stable machine-readable code, e.g. `backlog.cycle`, `config.unknown-key`. */
  readonly code: string;
  /** Process exit code for the CLI (default 1; 2 for usage errors). */
  readonly exitCode: number;

  constructor(
    code: string,
    message: string,
    options: { file?: string; line?: number; field?: string; fix?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OvernightError';
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.field = options.field;
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? 1;
  }

  /** `file:line: message (field) Fix: ...` on one or two lines, for stderr. */
  format(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    const field = this.field ? ` [field: ${this.field}]` : '';
    const fix = this.fix ? `\n  Fix: ${this.fix}` : '';
    return `${where}${this.message}${field}${fix}`;
  }

  /** Plain-object form for JSON envelopes. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, file: this.file, line: this.line, field: this.field, fix: this.fix };
  }
}

/** Several problems found in one pass (e.g. every malformed backlog file), reported together. */
export class OvernightErrors extends OvernightError {
  readonly errors: OvernightError[];
  constructor(errors: OvernightError[]) {
    super(errors[0]?.code ?? 'multiple', `${errors.length} problem(s) found:\n${errors.map((e) => `- ${e.format()}`).join('\n')}`, {
      exitCode: errors[0]?.exitCode ?? 1,
    });
    this.errors = errors;
  }
  override format(): string {
    return this.message;
  }
  override toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, errors: this.errors.map((e) => e.toJSON()) };
  }
}
