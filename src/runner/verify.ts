/**
 * Running a success condition or the project checks: each command through a shell
 * (`execa(cmd, { shell: true, cwd })`), one after another, stopping at the first failure, with a
 * timeout per command. All output goes to a log file; the verdict carries its last lines.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { sendSignal } from '../agent/process-group.js';
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

/** One check command's run: its combined output, and how it ended. */
export interface CheckCommandRun {
  output: string;
  exitCode?: number;
  timedOut: boolean;
  aborted: boolean;
  /** The log line that ends its output: `[exit N]`, with `, timed out` or `, aborted`. */
  footer: string;
}

/** SIGTERM to a process group, then SIGKILL after `graceMs` (kill(2) with a negative pid). */
function stopGroup(pgid: number, graceMs: number): void {
  if (!sendSignal(-pgid, 'SIGTERM')) return;
  setTimeout(() => sendSignal(-pgid, 'SIGKILL'), graceMs).unref();
}

/**
 * Runs one check command through the shell in `cwd` (stdin closed, output combined, 32 MiB at
 * most), stopped after `timeoutMs` or when `signal` fires: SIGTERM, then SIGKILL after 5 s, to its
 * whole process group (the shell leads one of its own), so that what the check started (a server,
 * a `sleep` in a pipeline) cannot hold its output open past the timeout. Never throws for the
 * command's own failure.
 */
export async function runCheckCommand(command: string, opts: { cwd: string; timeoutMs?: number; signal?: AbortSignal; env?: Record<string, string> }): Promise<CheckCommandRun> {
  const child = execa(command, {
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
    detached: true,
  });
  const pgid = child.pid;
  const stop = () => pgid !== undefined && stopGroup(pgid, 5000);
  const timer = opts.timeoutMs ? setTimeout(stop, opts.timeoutMs) : undefined;
  opts.signal?.addEventListener('abort', stop, { once: true });
  const proc = await child.finally(() => {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', stop);
  });
  const footer = `[exit ${proc.exitCode ?? 'none'}${proc.timedOut ? ', timed out' : ''}${proc.isCanceled ? ', aborted' : ''}]\n`;
  return { output: String(proc.all ?? ''), exitCode: proc.exitCode, timedOut: proc.timedOut, aborted: proc.isCanceled, footer };
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
    const run = await runCheckCommand(command, opts);
    const text = `${run.output}\n${run.footer}`;
    appendFileSync(opts.logFile, text);
    all += text;
    if (run.exitCode !== 0 || run.timedOut || run.aborted) {
      return { passed: false, command, tail: lastLines(all), timedOut: run.timedOut, aborted: run.aborted };
    }
  }
  return { passed: true, command: opts.commands.at(-1), tail: lastLines(all) };
}
