/**
 * The runner holds the repository's `config.lock` while sandboxed agents run.
 *
 * Why (measured with Claude Code 2.1.330 on Linux): the sandbox of a session whose working
 * directory is a linked worktree denies writes to `<common git dir>/config.lock`. When that file
 * does not exist, bubblewrap creates it as an empty mount point for the length of each Bash
 * command, and Claude Code removes it afterwards. A second session of the same repository that
 * builds its sandbox while the file is there lists it as an existing path; when the first command
 * ends and the file goes, the second session's command fails before it starts ("bwrap: Can't get
 * type of source .../.git/config.lock: No such file or directory"). Two agents of one night share
 * the common git dir, so each could break the other's commands at random. A lock file that exists
 * for the whole night is bound as it stands by every session, and nobody creates or removes it.
 *
 * What it costs: git cannot change the repository's own config while the night runs (`git config`,
 * `git remote add`, `git branch -m` fail with "could not lock config file"), as it already could
 * not during every sandboxed command. The file's text says whose it is; git never reads a lock
 * file's content (git-config(1), gitrepository-layout(5)). Only a file with that text is ever
 * taken over or removed, so a lock of git's own is never touched.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTextIfExists } from '../util/read-optional.js';

/** The first line of a lock file the runner holds. */
export const CONFIG_HOLD_MARKER = '# overnight: held while the agents of a night run';

/** `config.lock` in a common git dir. */
export function configLockPath(commonDir: string): string {
  return join(commonDir, 'config.lock');
}

/** The text of the runner's lock file for a session. */
export function configHoldText(sessionId: string): string {
  return `${CONFIG_HOLD_MARKER}\n# session ${sessionId}\n# Safe to delete when no overnight runner is running in this repository (overnight status).\n`;
}

/** The session id held in `text` when it is the runner's lock file; undefined for anything else. */
export function heldBy(text: string): string | undefined {
  if (!text.startsWith(CONFIG_HOLD_MARKER)) return undefined;
  return /^# session (\S+)$/m.exec(text)?.[1] ?? '';
}

function readLock(commonDir: string): string | undefined {
  try {
    return readTextIfExists(configLockPath(commonDir));
  } catch {
    return undefined; // unreadable: not one the runner can tell as its own
  }
}

/** The session holding `<commonDir>/config.lock` when it is the runner's lock ('' when unnamed); undefined otherwise. Never throws. */
export function configHolder(commonDir: string): string | undefined {
  const text = readLock(commonDir);
  return text === undefined ? undefined : heldBy(text);
}

/** How holdGitConfig ended: held by this session, or left to its owner (git's own lock, or the user's). */
export type HoldResult = { held: true; takenOver?: string } | { held: false; reason: string };

/**
 * Makes `<commonDir>/config.lock` exist, with the runner's text, for the session. An existing lock
 * of the runner's (a night that was stopped or crashed) is taken over. A lock of git's own is
 * waited for, `attempts` times `waitMs` apart (git holds it for milliseconds); one still there
 * after that is left alone, and the result says so (it then exists for the sessions to bind, as
 * long as its owner keeps it). Throws only when the git dir cannot be written.
 */
export async function holdGitConfig(commonDir: string, sessionId: string, opts: { attempts?: number; waitMs?: number } = {}): Promise<HoldResult> {
  const attempts = opts.attempts ?? 20;
  const file = configLockPath(commonDir);
  for (let i = 0; i < attempts; i++) {
    try {
      writeFileSync(file, configHoldText(sessionId), { flag: 'wx' });
      return { held: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = readLock(commonDir);
    const owner = text === undefined ? undefined : heldBy(text);
    if (owner !== undefined) {
      writeFileSync(file, configHoldText(sessionId));
      return owner === sessionId ? { held: true } : { held: true, takenOver: owner };
    }
    if (text !== undefined) await new Promise((r) => setTimeout(r, opts.waitMs ?? 100));
  }
  return { held: false, reason: `${file} is held by another program (git itself, or one that crashed): left as it is` };
}

/**
 * Removes `<commonDir>/config.lock` when it is the runner's (any session's). Out: true when it
 * removed one. A lock of git's own is never touched. Never throws.
 */
export function releaseGitConfig(commonDir: string): boolean {
  if (configHolder(commonDir) === undefined) return false;
  try {
    rmSync(configLockPath(commonDir));
    return true;
  } catch {
    return false;
  }
}
