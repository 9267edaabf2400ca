/**
 * `overnight abandon`: ends a session for good (phase abandoned). A live runner of the session is
 * stopped with SIGTERM (it aborts its agents, which kills their process groups, and writes its
 * state); after a grace period SIGKILL. Then every process an earlier runner left behind (agents
 * orphaned by a kill -9: src/runner/orphans.ts) is stopped, before the worktrees are removed. Worktrees of the session are removed; ALL branches are
 * kept (the integration branch, every item branch and the backup refs). The lock is released, and
 * the repository's config.lock when a killed runner left it held (src/runner/git-config-hold.ts).
 */
import { clearSessionWakeUp } from '../wake/session.js';
import { existsSync, rmSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { forceReleaseLock, isPidAlive, readLock } from '../session/lock.js';
import { worktreesDir } from '../session/paths.js';
import { appendEvent, readState, updateState } from '../session/store.js';
import type { SessionState } from '../session/state.js';
import { commonGitDir, listWorktrees, removeWorktree, sessionBranches } from './git.js';
import { releaseGitConfig } from './git-config-hold.js';
import { stopEarlierRuns } from './orphans.js';

export interface AbandonResult {
  /** True when the repository's config.lock, held by a runner that was killed, was removed. */
  releasedConfigLock?: boolean;
  sessionId: string;
  alreadyAbandoned: boolean;
  /** Pid of the runner that was stopped, if one was alive. */
  stoppedPid?: number;
  /** True when the runner did not exit after SIGTERM and was killed. */
  killed?: boolean;
  removedWorktrees: string[];
  /** Branches kept for inspection. */
  branches: string[];
  /** Pids of processes left by an earlier runner (orphaned agents) that were stopped. */
  orphansStopped?: number[];
  /** The phase the session had before it was abandoned. */
  previousPhase?: string;
  /** The wake-up removed from its scheduler (its description), if one was recorded. */
  removedWakeUp?: string;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isPidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isPidAlive(pid);
}

/** What runs at the end of an abandon (the CLI passes src/runner/deps.ts stoppedNightStep). */
export type AbandonFinish = (repoRoot: string, sessionId: string, before: SessionState) => Promise<unknown>;

/**
 * Abandons a session (see the module comment). `graceMs`: how long the runner gets after SIGTERM,
 * ms. `finish`: the end-of-night step (report, pull request, notification), run once the session
 * is abandoned, unless it already was; its failure is recorded as an event, never thrown.
 */
export async function abandonSession(repoRoot: string, sessionId: string, opts: { graceMs?: number; finish?: AbandonFinish } = {}): Promise<AbandonResult> {
  const before = readState(repoRoot, sessionId);
  const result: AbandonResult = { sessionId, alreadyAbandoned: before.phase === 'abandoned', removedWorktrees: [], branches: [], previousPhase: before.phase };

  // Stop a live runner of this session (the lock holder, or the pid in state).
  const lock = readLock(repoRoot);
  const candidates = new Set<number>();
  if (lock && lock.sessionId === sessionId && isPidAlive(lock.pid)) candidates.add(lock.pid);
  if (before.runnerPid && before.runnerPid !== process.pid && isPidAlive(before.runnerPid) && !['complete', 'abandoned'].includes(before.phase)) candidates.add(before.runnerPid);
  for (const pid of candidates) {
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    result.stoppedPid = pid;
    if (!(await waitForExit(pid, opts.graceMs ?? 30_000))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      result.killed = true;
      await waitForExit(pid, 5000);
    }
  }

  // Every process an earlier runner left behind (its agents, after a kill -9), before the worktrees go.
  const orphans = await stopEarlierRuns(repoRoot, sessionId, { graceMs: Math.min(opts.graceMs ?? 5000, 5000) });
  if (orphans.stopped.length > 0) result.orphansStopped = orphans.stopped;

  // Remove the session's worktrees (git's registry and the folders); keep every branch.
  const root = resolve(worktreesDir(repoRoot, sessionId));
  for (const wt of await listWorktrees(repoRoot)) {
    const p = resolve(wt.path);
    if (p.startsWith(root + sep)) {
      await removeWorktree(repoRoot, p);
      result.removedWorktrees.push(p);
    }
  }
  if (existsSync(root)) rmSync(root, { recursive: true, force: true });
  // The repository's config.lock, when a runner killed outright left it held (git-config-hold.ts).
  if (releaseGitConfig(await commonGitDir(repoRoot))) result.releasedConfigLock = true;
  result.branches = await sessionBranches(repoRoot, sessionId);

  // The scheduler's timer (systemd, launchd, at, cron) goes too, or it would start the night later.
  result.removedWakeUp = (await clearSessionWakeUp(repoRoot, sessionId, 'the session was abandoned'))?.description;
  const now = new Date().toISOString();
  await updateState(repoRoot, sessionId, (s) => {
    if (s.phase !== 'abandoned') {
      s.phase = 'abandoned';
      s.endedAt = now;
    }
    for (const item of Object.values(s.items)) {
      if (item.status === 'running' || item.status === 'verifying' || item.status === 'merging') {
        item.status = 'interrupted';
        item.reason = 'the session was abandoned';
        item.endedAt = now;
      }
    }
    delete s.pausedUntil;
    delete s.pausedReason;
  });
  const after = readLock(repoRoot);
  if (after && (after.sessionId === sessionId || !isPidAlive(after.pid))) forceReleaseLock(repoRoot);
  if (!result.alreadyAbandoned) appendEvent(repoRoot, sessionId, 'session_abandoned', { stoppedPid: result.stoppedPid, killed: result.killed, removedWorktrees: result.removedWorktrees.length, orphansStopped: result.orphansStopped ?? [] });
  // The end of an abandoned night: the morning report, the pull request for what shipped, the notification.
  if (!result.alreadyAbandoned && opts.finish) {
    try {
      await opts.finish(repoRoot, sessionId, before);
    } catch (error) {
      appendEvent(repoRoot, sessionId, 'abandon_finish_failed', { error: (error as Error).message });
    }
  }
  return result;
}
