/**
 * The folder the night's worktrees live in (`.overnight/worktrees/<session-id>/`), made so that
 * new worktrees are quick to check out.
 *
 * On ext2/3/4 the folder above the session folders (`.overnight/worktrees/`) gets the `T`
 * attribute (chattr(1): "A directory with the 'T' attribute will be deemed to be the top of
 * directory hierarchies for the purposes of the Orlov block allocator"; the session folders are
 * unrelated hierarchies, which is what the hint is for). Each session's folder is then placed in
 * a block group of its own choosing instead of next to the repository.
 *
 * Why it matters: ext4 without a journal skips inodes freed in the last 1 to 6 minutes when it
 * allocates new ones (fs/ext4/ialloc.c, `recently_deleted()`, used only when `s_journal` is
 * NULL), scanning the whole block group each time. After a few thousand files were deleted near
 * the repository (an earlier night's worktrees, a test suite, a build), a `git worktree add` of
 * 5,000 files measured 5.8 s next to the repository and 0.25 s in a session folder under a
 * `T` folder. On other file systems the hint is not supported and nothing changes.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { worktreesDir } from '../session/paths.js';

/** How the session's worktrees folder was prepared. */
export interface WorktreesFolder {
  /** `.overnight/worktrees/<session-id>`, absolute when `repoRoot` is. */
  path: string;
  /** True when this call created the session's folder (false on resume: it was there). */
  created: boolean;
  /** True when `.overnight/worktrees/` carries the Orlov top-directory hint (`chattr +T` succeeded). */
  topDirHint: boolean;
}

/** Runs `chattr +T <dir>`; resolves true when it succeeded. Replaceable in tests. */
export type SetTopDirHint = (dir: string) => Promise<boolean>;

/**
 * `chattr +T <dir>` (e2fsprogs), Linux only; never throws. False when chattr is missing, the file
 * system does not support the attribute (tmpfs, xfs, btrfs...: "Operation not supported"), or the
 * caller does not own the folder. Times out after 5 s.
 */
export const chattrTopDir: SetTopDirHint = async (dir) => {
  if (process.platform !== 'linux') return false;
  try {
    const result = await execa('chattr', ['+T', dir], { reject: false, timeout: 5_000, stdin: 'ignore' });
    return result.exitCode === 0;
  } catch {
    return false;
  }
};

/**
 * Makes `.overnight/worktrees/<session-id>/` for the night's worktrees: the parent folder first,
 * with the Orlov top-directory hint asked for (see the module comment), then the session's folder,
 * which the hint only places well when it is created after it. Idempotent: on resume the session
 * folder is kept as it is. Throws only when a folder cannot be made (fs errors from mkdirSync).
 */
export async function prepareWorktreesFolder(repoRoot: string, sessionId: string, setHint: SetTopDirHint = chattrTopDir): Promise<WorktreesFolder> {
  const path = worktreesDir(repoRoot, sessionId);
  const parent = dirname(path);
  mkdirSync(parent, { recursive: true });
  const topDirHint = await setHint(parent);
  const created = !existsSync(path);
  mkdirSync(path, { recursive: true });
  return { path, created, topDirHint };
}
