/**
 * Running the project checks for the test ratchet: every command (not stopping at the first
 * failure, so that a check failing at baseline does not hide the ones after it), each through a
 * shell in `cwd` with a timeout, its output appended to one log file; then each run is read as TAP
 * (its output), as JUnit XML (the report file it declares) or, failing both, by its exit code.
 */
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lastLines, runCheckCommand } from '../runner/verify.js';
import { parseJunitNames } from './parse-junit.js';
import { parseTapNames, type TestNames } from './parse-tap.js';
import type { CheckRun } from './types.js';

/** One project check to run: its shell command, and the JUnit XML file it writes (relative to `cwd`), if it declares one. */
export interface CheckSpec {
  run: string;
  junit?: string;
}

export interface RunCheckSetOptions {
  checks: readonly CheckSpec[];
  cwd: string;
  /** Every command's output goes here (created or overwritten). */
  logFile: string;
  /** Per-command timeout, ms. */
  timeoutMs: number;
  /** Aborting kills the running command; the remaining ones do not run. */
  signal?: AbortSignal;
  env?: Record<string, string>;
}

export interface CheckSetResult {
  runs: CheckRun[];
  /** The signal stopped the run: `runs` is incomplete and must not be compared. */
  aborted: boolean;
  /** The last lines of the log. */
  tail: string;
}

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Test names with the worktree's own path taken out (`/…/_baseline/test/a.test.js` -> `test/a.test.js`):
 * some runners name a test file by its absolute path, and the baseline, an item's worktree and the
 * integration worktree are different folders. Pure.
 */
export function withoutCwd(names: TestNames, cwd: string): TestNames {
  const prefix = cwd.endsWith('/') ? cwd : `${cwd}/`;
  const strip = (list: string[]) => [...new Set(list.map((n) => n.split(prefix).join('')))].sort();
  const failing = strip(names.failing);
  const failed = new Set(failing);
  return { failing, passing: strip(names.passing).filter((n) => !failed.has(n)) };
}

/**
 * The test names of one finished command: from its JUnit XML file when it declares one (it must
 * have been written during this run: an older file would describe another run), else from its
 * output when that is TAP; without `cwd` in the names (withoutCwd). `note` says why a declared
 * report could not be used.
 */
export function readTestNames(check: CheckSpec, output: string, cwd: string, startedMs: number): { names?: TestNames; format: CheckRun['format']; note?: string } {
  if (check.junit) {
    const file = join(cwd, check.junit);
    const mtime = mtimeMs(file);
    // File systems with a coarse clock: a second of slack.
    if (mtime === undefined || mtime < startedMs - 1000) return { format: 'exit', note: `the check did not write its JUnit XML report ${check.junit}` };
    try {
      return { names: withoutCwd(parseJunitNames(readFileSync(file, 'utf8')), cwd), format: 'junit' };
    } catch (error) {
      return { format: 'exit', note: `${check.junit} could not be read as JUnit XML: ${(error as Error).message}` };
    }
  }
  const names = parseTapNames(output);
  return names ? { names: withoutCwd(names, cwd), format: 'tap' } : { format: 'exit' };
}

/** Runs every check of `opts.checks` in order (see the module comment). Never throws for a failing command. */
export async function runCheckSet(opts: RunCheckSetOptions): Promise<CheckSetResult> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  writeFileSync(opts.logFile, '');
  const runs: CheckRun[] = [];
  let all = '';
  const log = (text: string) => {
    appendFileSync(opts.logFile, text);
    all += text;
  };
  for (const check of opts.checks) {
    if (opts.signal?.aborted) return { runs, aborted: true, tail: lastLines(all) };
    log(`$ ${check.run}\n`);
    const startedMs = Date.now();
    const proc = await runCheckCommand(check.run, opts);
    const output = proc.output;
    log(`${output}\n${proc.footer}`);
    if (proc.aborted) return { runs, aborted: true, tail: lastLines(all) };
    const read = readTestNames(check, output, opts.cwd, startedMs);
    const run: CheckRun = {
      command: check.run,
      exitCode: proc.exitCode ?? null,
      timedOut: Boolean(proc.timedOut),
      format: read.format,
      failing: read.names?.failing ?? [],
      passing: read.names?.passing ?? [],
      ...(read.note ? { note: read.note } : {}),
      durationMs: Date.now() - startedMs,
    };
    log(`[compared by ${run.format === 'exit' ? 'exit code' : `${run.format} test names: ${run.failing.length} failing, ${run.passing.length} passing`}${run.note ? `; ${run.note}` : ''}]\n`);
    runs.push(run);
  }
  return { runs, aborted: false, tail: lastLines(all) };
}
