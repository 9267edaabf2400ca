/**
 * Running a success condition or the project checks: each command through a shell
 * (`execa(cmd, { shell: true, cwd })`), one after another, stopping at the first failure, with a
 * timeout per command. All output goes to a log file; the verdict carries its last lines.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import type { VerifyEvidence } from './judge.js';

export interface RunChecksOptions {
  commands: string[];
  cwd: string;
  /** Output of every command is written here (created or overwritten). */
  logFile: string;
  /** Per-command timeout, ms. */
  timeoutMs: number;
  /** Aborting kills the running command. */
  signal?: AbortSignal;
  /** Extra environment for the commands. */
  env?: Record<string, string>;
}

/** Last `n` lines of a text. */
export function lastLines(text: string, n = 30): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/**
 * Runs `commands` in order; resolves to `{ passed, command, tail, timedOut }` (command = the one
 * that failed, or the last one run). No commands: passes, with a note in the log.
 */
export async function runChecks(opts: RunChecksOptions): Promise<VerifyEvidence & { aborted?: boolean }> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  writeFileSync(opts.logFile, '');
  if (opts.commands.length === 0) {
    appendFileSync(opts.logFile, '(no commands: nothing to check)\n');
    return { passed: true, tail: '(no commands)' };
  }
  let all = '';
  for (const command of opts.commands) {
    const header = `$ ${command}\n`;
    appendFileSync(opts.logFile, header);
    all += header;
    const proc = await execa(command, {
      shell: true,
      cwd: opts.cwd,
      all: true,
      reject: false,
      stdin: 'ignore',
      timeout: opts.timeoutMs,
      cancelSignal: opts.signal,
      forceKillAfterDelay: 5000,
      env: opts.env,
      maxBuffer: 32 * 1024 * 1024,
    });
    const out = `${String(proc.all ?? '')}\n`;
    const footer = `[exit ${proc.exitCode ?? 'none'}${proc.timedOut ? ', timed out' : ''}${proc.isCanceled ? ', aborted' : ''}]\n`;
    appendFileSync(opts.logFile, out + footer);
    all += out + footer;
    if (proc.exitCode !== 0 || proc.timedOut || proc.isCanceled) {
      return { passed: false, command, tail: lastLines(all), timedOut: proc.timedOut, aborted: proc.isCanceled };
    }
  }
  return { passed: true, command: opts.commands.at(-1), tail: lastLines(all) };
}
