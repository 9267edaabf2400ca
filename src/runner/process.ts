/**
 * The runner as a process: the repository lock, signal handling, and the detached re-spawn.
 * `overnight start` / `resume` (in the foreground, or as the detached child) call runSession;
 * `--detach` and `overnight schedule` call spawnDetached.
 */
import { readSessionView } from '../session/added.js';
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OvernightError } from '../util/errors.js';
import { pluginRoot } from '../util/plugin-root.js';
import { acquireLock, isPidAlive, readLock, releaseLock } from '../session/lock.js';
import { sessionFiles } from '../session/paths.js';
import { appendEvent, readState, updateState } from '../session/store.js';
import { assertRetryPhase, chooseRetryItems } from './retry.js';
import type { NightDeps } from './context.js';
import { runNight, type NightSummary } from './night.js';
import { prepareSessionResume } from './resume.js';
import { recordRun, RUN_TOKEN_ENV, stopEarlierRuns } from './orphans.js';
import { claimProcessWakeUp, clearSessionWakeUp, isOwnProcessWakeUp } from '../wake/session.js';

export interface RunSessionOptions {
  repoRoot: string;
  sessionId: string;
  /** `start`: a launched or scheduled session; `resume`: a stopped, crashed or finished-with-leftovers one; `retry`: failed items of a session that ran (src/runner/retry.ts). */
  mode: 'start' | 'resume' | 'retry';
  /** With mode `retry`: the items named (ids, slugs or `NNN-slug`); empty: every failed or blocked item. */
  items?: string[];
  deps: NightDeps;
  /** Install SIGTERM/SIGINT/SIGHUP handlers that stop the night cleanly (the CLI does; tests may not). */
  handleSignals?: boolean;
  /** Extra stop signal (tests). */
  signal?: AbortSignal;
}

/**
 * Throws OvernightError `runner.running` when another live process holds the repository lock;
 * `fix` says what to do instead, given the session the runner works on.
 */
function assertNoLiveRunner(repoRoot: string, fix: (lockedSessionId: string) => string): void {
  const lock = readLock(repoRoot);
  if (lock && isPidAlive(lock.pid) && lock.pid !== process.pid) {
    throw new OvernightError('runner.running', `The runner is still running (pid ${lock.pid}) for session ${lock.sessionId}.`, {
      file: '.overnight/lock',
      fix: fix(lock.sessionId),
    });
  }
}

/**
 * Checks that `start` may run this session now. Throws OvernightError: `runner.running` (a live
 * runner holds the lock), `start.over` (complete or abandoned), `start.use-resume` (it already
 * ran: resume it).
 */
export function assertStartable(repoRoot: string, sessionId: string): void {
  const state = readState(repoRoot, sessionId);
  assertNoLiveRunner(repoRoot, (locked) => `Follow it with \`overnight status\`, or stop it with \`overnight abandon --session ${locked}\`.`);
  if (state.phase === 'launched' || state.phase === 'scheduled') return;
  if (state.phase === 'complete' || state.phase === 'abandoned') {
    throw new OvernightError('start.over', `Session ${sessionId} is ${state.phase}; there is nothing to start.`, {
      fix: state.phase === 'complete' ? `Continue its interrupted or deferred items with \`overnight resume --session ${sessionId}\`, run its failed items again with \`overnight retry --session ${sessionId}\`, or launch a new night.` : 'Launch a new night with `overnight launch`.',
    });
  }
  throw new OvernightError('start.use-resume', `Session ${sessionId} already ran (phase ${state.phase}) and its runner is not alive.`, {
    fix: `Continue it with \`overnight resume --session ${sessionId}\`, or end it with \`overnight abandon --session ${sessionId}\`.`,
  });
}

/** Checks that `resume` may run: no live runner, not abandoned. */
export function assertResumable(repoRoot: string, sessionId: string): void {
  const state = readState(repoRoot, sessionId);
  assertNoLiveRunner(repoRoot, () => 'Nothing to resume while it runs; follow it with `overnight status`.');
  if (state.runnerPid && state.runnerPid !== process.pid && isPidAlive(state.runnerPid) && ['running', 'paused', 'scheduled'].includes(state.phase)) {
    throw new OvernightError('runner.running', `The runner is still running (pid ${state.runnerPid}).`, {
      fix: 'Nothing to resume while it runs; follow it with `overnight status`.',
    });
  }
  if (state.phase === 'abandoned') {
    throw new OvernightError('resume.abandoned', `Session ${sessionId} was abandoned; it cannot be resumed.`, {
      fix: 'Plan a new night with `overnight prepare` and `overnight launch`.',
    });
  }
}

/**
 * Checks that `retry` may run now with these item references: no live runner, the night ran and
 * was not abandoned, and the items name failed or blocked items (src/runner/retry.ts). Throws the
 * OvernightError of the first problem; checks only (writes nothing).
 */
export function assertRetryable(repoRoot: string, sessionId: string, items: readonly string[]): void {
  assertResumable(repoRoot, sessionId);
  const state = readState(repoRoot, sessionId);
  assertRetryPhase(state);
  chooseRetryItems(readSessionView(repoRoot, sessionId), state, items);
}

/**
 * Runs a session in this process: takes the lock (recovering a stale one), stops every process
 * left by an earlier run of the session (src/runner/orphans.ts), records this run's token (given to
 * every agent as OVERNIGHT_RUN_TOKEN), records the runner pid, prepares a resume or retry when
 * asked, runs the night, and releases the lock whatever happens.
 * SIGTERM/SIGINT/SIGHUP abort running agents; the items become interrupted, the state is written,
 * the lock released, and the process exits by returning.
 */
export async function runSession(opts: RunSessionOptions): Promise<NightSummary> {
  const { repoRoot, sessionId } = opts;
  if (opts.mode === 'start') assertStartable(repoRoot, sessionId);
  else assertResumable(repoRoot, sessionId);
  if (opts.mode === 'retry') assertRetryable(repoRoot, sessionId, opts.items ?? []);
  const { recovered } = acquireLock(repoRoot, sessionId);
  // Before anything else: no process of an earlier run (agents orphaned by a killed runner) may
  // work on beside the new one. Then this run's token marks every agent it starts.
  let deps: NightDeps;
  try {
    const orphans = await stopEarlierRuns(repoRoot, sessionId);
    if (orphans.stopped.length > 0) {
      appendEvent(repoRoot, sessionId, 'orphans_stopped', { pids: orphans.stopped, killed: orphans.killed });
      opts.deps.log(`stopped ${orphans.stopped.length} process(es) left by an earlier runner of this session`);
    }
    const token = recordRun(repoRoot, sessionId);
    deps = { ...opts.deps, agentEnv: { ...(opts.deps.agentEnv ?? {}), [RUN_TOKEN_ENV]: token } };
  } catch (error) {
    releaseLock(repoRoot);
    throw error;
  }
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    deps.log(`received ${sig}`);
    controller.abort(sig);
  };
  if (opts.handleSignals) for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, onSignal);
  if (opts.signal) opts.signal.addEventListener('abort', () => controller.abort(opts.signal!.reason), { once: true });
  try {
    if (recovered) appendEvent(repoRoot, sessionId, 'stale_lock_recovered', { pid: recovered.pid, sessionId: recovered.sessionId });
    // This runner is the wake-up now: the scheduler's timer (or crontab line...) is removed, so it
    // cannot start the night a second time. A scheduled start still waits for its time (runNight).
    // A `process` wake-up is this runner itself (`overnight schedule` left it pending for it to claim).
    const wake = readState(repoRoot, sessionId).wakeUp;
    if (wake && !isOwnProcessWakeUp(wake, process.pid)) await clearSessionWakeUp(repoRoot, sessionId, `the runner (pid ${process.pid}) is awake`);
    await updateState(repoRoot, sessionId, (s) => {
      s.runnerPid = process.pid;
      if (s.wakeUp) s.wakeUp = claimProcessWakeUp(s.wakeUp, process.pid);
    });
    let deadline: string | undefined;
    if (opts.mode !== 'start') deadline = (await prepareSessionResume(repoRoot, sessionId, new Date(), opts.mode === 'retry' ? { retry: opts.items ?? [] } : {})).deadline;
    return await runNight({ repoRoot, sessionId, deps, signal: controller.signal, deadline });
  } finally {
    if (opts.handleSignals) for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(sig, onSignal);
    releaseLock(repoRoot);
  }
}

/** The compiled CLI the detached runner runs (`<plugin root>/dist/cli.js`). */
export function cliEntry(): string {
  const path = join(pluginRoot(), 'dist', 'cli.js');
  if (!existsSync(path)) {
    throw new OvernightError('runner.not-built', `The compiled CLI is missing: ${path}`, { fix: 'Run `npm run build` in the plugin folder.' });
  }
  return path;
}

/**
 * Starts a detached runner: `process.execPath <dist/cli.js> <command> [args] --session <id>` with
 * `detached: true` (its own process group and session, so closing the terminal does not end it),
 * stdin ignored, stdout and stderr appended to the session's runner.log, `unref()`ed.
 * Waits up to `waitMs` for the child to take the repository lock (or to exit early, which is an
 * error that quotes the log). Returns the child's pid and the log path.
 */
export async function spawnDetached(
  repoRoot: string,
  sessionId: string,
  command: 'start' | 'resume' | 'retry',
  opts: { waitMs?: number; env?: NodeJS.ProcessEnv; args?: string[] } = {},
): Promise<{ pid: number; log: string }> {
  const log = sessionFiles(repoRoot, sessionId).runnerLog;
  const fd = openSync(log, 'a');
  let child;
  try {
    child = spawn(process.execPath, [cliEntry(), command, ...(opts.args ?? []), '--session', sessionId], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (!pid) throw new OvernightError('runner.spawn', 'Could not start the detached runner.', { fix: `See ${log}.` });
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  child.unref();
  const end = Date.now() + (opts.waitMs ?? 5000);
  while (Date.now() < end) {
    const lock = readLock(repoRoot);
    if (lock?.pid === pid) break;
    if (exited !== undefined) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '';
      throw new OvernightError('runner.exited', `The detached runner exited at once (code ${exited}).\n${tail}`, { file: log, fix: 'Read the log above, fix the problem and try again.' });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { pid, log };
}
