/**
 * One session at a time per repository (DESIGN.md, "A session on disk"): `.overnight/lock` holds
 * the pid of the runner that owns the repository's night.
 *
 * Implementation (chosen over proper-lockfile, whose staleness is based on mtime updates rather
 * than on whether the owner is alive): the lock file is created with `O_CREAT | O_EXCL` (`wx`), so
 * exactly one process can create it. Its content is JSON `{ pid, sessionId, acquiredAt, hostname }`.
 * A lock whose pid is no longer alive (`process.kill(pid, 0)` fails with ESRCH) is stale: it is
 * moved aside with an atomic rename to a unique name (so two recoverers cannot both remove a fresh
 * lock) and the exclusive create is retried once. EPERM from kill means the pid is alive but owned
 * by another user: the lock is held.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { OvernightError } from '../util/errors.js';
import { lockFile } from './paths.js';

export interface LockInfo {
  pid: number;
  sessionId: string;
  acquiredAt: string;
  hostname?: string;
}

/** True when a process with this pid exists and is not a zombie (signal 0 probes without sending anything). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * Whether `pid` is a zombie: it has exited and waits for its parent (or init) to reap it, so it
 * runs nothing and holds nothing, though signal 0 still reaches it. A runner killed with SIGKILL
 * whose parent was init stays one until init reaps it (promptly on most systems, not in some
 * containers). Linux only (state field of /proc/<pid>/stat, proc(5)); false elsewhere.
 */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** Reads the lock; undefined when there is none or it is unreadable. */
export function readLock(repoRoot: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockFile(repoRoot), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : { pid: -1, sessionId: String(info.sessionId ?? ''), acquiredAt: '' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Unreadable content (a crash between create and write): treat it as held by a dead pid.
    return { pid: -1, sessionId: '', acquiredAt: '' };
  }
}

/** The live holder of the lock, if any (a stale lock counts as free). */
export function liveLockHolder(repoRoot: string): LockInfo | undefined {
  const info = readLock(repoRoot);
  return info && isPidAlive(info.pid) ? info : undefined;
}

function tryCreate(file: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(info)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the repository's lock for `sessionId` on behalf of `pid` (default: this process).
 * Recovers a stale lock (dead pid). Re-taking a lock this same pid already holds succeeds.
 * Returns `{ recovered }`: the stale holder's info when one was recovered.
 * Throws OvernightError `session.locked` when a live process holds it.
 */
export function acquireLock(repoRoot: string, sessionId: string, pid: number = process.pid): { recovered?: LockInfo } {
  const file = lockFile(repoRoot);
  mkdirSync(dirname(file), { recursive: true });
  const info: LockInfo = { pid, sessionId, acquiredAt: new Date().toISOString(), hostname: hostname() };
  let recovered: LockInfo | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, info)) return { recovered };
    const holder = readLock(repoRoot);
    if (holder && holder.pid === pid) return { recovered };
    if (holder && isPidAlive(holder.pid)) {
      throw new OvernightError(
        'session.locked',
        `The runner is still running (pid ${holder.pid}) for session ${holder.sessionId || '(unknown)'}; one session at a time per repository.`,
        { file: '.overnight/lock', fix: `Wait for it to finish, follow it with \`overnight status\`, or stop it with \`overnight abandon --session ${holder.sessionId}\`.` },
      );
    }
    // Stale: move it aside atomically, then retry the exclusive create.
    recovered = holder;
    try {
      const aside = `${file}.stale-${process.pid}-${Date.now()}-${attempt}`;
      renameSync(file, aside);
      rmSync(aside, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new OvernightError('session.locked', 'Could not take the repository lock (another process keeps taking it).', {
    file: '.overnight/lock',
    fix: 'Check for another overnight runner with `overnight status`, then retry.',
  });
}

/** Releases the lock if it is held by `pid` (default: this process). Returns true when it removed it. */
export function releaseLock(repoRoot: string, pid: number = process.pid): boolean {
  const holder = readLock(repoRoot);
  if (!holder || holder.pid !== pid) return false;
  rmSync(lockFile(repoRoot), { force: true });
  return true;
}

/** Removes the lock whatever holds it (used by abandon after stopping the runner, and for a stale lock). */
export function forceReleaseLock(repoRoot: string): void {
  rmSync(lockFile(repoRoot), { force: true });
}
