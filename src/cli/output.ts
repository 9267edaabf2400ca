/**
 * How every command talks to people and to the skill: human text on stdout, one JSON envelope on
 * stdout with `--format json`, errors on stderr with a non-zero exit code (DESIGN.md, "The CLI").
 */
import pc from 'picocolors';
import { OvernightError } from '../util/errors.js';
import { EXIT_INTERNAL } from './exit-codes.js';

export type OutputFormat = 'text' | 'json';

/** The JSON envelope the skill reads: `{ ok, command, data }` or `{ ok: false, command, error }`. */
export interface Envelope<T = unknown> {
  ok: boolean;
  command: string;
  data?: T;
  error?: Record<string, unknown>;
}

/** Prints one envelope line on stdout. */
export function printEnvelope<T>(command: string, data: T): void {
  const envelope: Envelope<T> = { ok: true, command, data };
  process.stdout.write(`${JSON.stringify(envelope)}\n`);
}

/**
 * Runs a command action and turns failures into the CLI contract: an OvernightError prints its
 * formatted message (and a `{ ok: false }` envelope on stdout in json mode) and sets its exit code;
 * any other error is a bug and prints its stack with exit code 70.
 */
export async function runAction(command: string, format: OutputFormat, action: () => Promise<void> | void): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof OvernightError) {
      process.stderr.write(`${pc.red('overnight:')} ${error.format()}\n`);
      if (format === 'json') process.stdout.write(`${JSON.stringify({ ok: false, command, error: error.toJSON() })}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${pc.red('overnight: internal error:')} ${message}\n`);
    if (format === 'json') process.stdout.write(`${JSON.stringify({ ok: false, command, error: { code: 'internal', message: String(error) } })}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}

/** Validates a `--format` option value. */
export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new OvernightError('cli.format', `Unknown --format '${value}'.`, { fix: 'Use --format text or --format json.', exitCode: 2 });
}
