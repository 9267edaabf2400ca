/**
 * File activity in an agent's worktree, for the idle watchdog ("no output and no file change").
 *
 * Not `fs.watch(dir, { recursive: true })`: on Linux, Node 20 implements it in JavaScript by
 * reading the whole tree synchronously and opening one inotify watch per FILE (lib/internal/fs/
 * recursive_watch.js), which after an `npm install` means tens of thousands of watches. Instead
 * this opens one non-recursive watch per DIRECTORY (inotify reports changes to a directory's
 * entries and to the files in it), skips dependency and build folders, adds directories as they
 * appear, and stops adding at `maxDirs`. `.git` is skipped, but the worktree's own git dir (where
 * `index` and `HEAD` change on `git add` and `git commit`) is watched, so a commit counts as
 * activity. When a watch cannot be opened (ENOSPC: the inotify limit), the watchdog falls back to
 * stdout alone; that is logged nowhere and harmless (the idle timeout then means "no output").
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readGitDirFile } from '../util/git-dir.js';

/** Folder names never watched: dependencies, build output, caches, VCS internals. */
export const IGNORED_DIRS = new Set([
  '.git',
  'node_modules',
  'dist',
  'build',
  'target',
  'out',
  'coverage',
  '.next',
  '.nuxt',
  '.cache',
  '.turbo',
  '.venv',
  'venv',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.gradle',
  'vendor',
  '.overnight',
]);

export interface WorktreeWatch {
  /** Directories being watched. */
  readonly dirs: number;
  close(): void;
}

/**
 * Watches `root` (a worktree) and calls `onChange` (at most once per 200 ms) whenever something
 * changes in it or in its git dir. Returns at once; directories are added in the background.
 */
export function watchWorktree(root: string, onChange: () => void, maxDirs = 2000): WorktreeWatch {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  let full = false;
  let last = 0;
  const fire = () => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    onChange();
  };

  const add = (dir: string, recurse: boolean): void => {
    if (closed || full || watchers.has(dir)) return;
    if (watchers.size >= maxDirs) {
      full = true;
      return;
    }
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: false }, (_event, name) => {
        fire();
        // A new directory: watch it (and what is inside) too.
        if (recurse && name && !IGNORED_DIRS.has(String(name))) {
          const child = join(dir, String(name));
          stat(child)
            .then((s) => {
              if (s.isDirectory()) void walk(child);
            })
            .catch(() => {});
        }
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') full = true;
      return;
    }
    w.on('error', () => {
      w.close();
      watchers.delete(dir);
    });
    watchers.set(dir, w);
  };

  const walk = async (dir: string): Promise<void> => {
    add(dir, true);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (closed || full) return;
      if (e.isDirectory() && !IGNORED_DIRS.has(e.name)) await walk(join(dir, e.name));
    }
  };

  // The worktree's git dir: `.git` is a file "gitdir: <path>" in a linked worktree, a folder otherwise.
  const watchGitDir = async (): Promise<void> => {
    const dotGit = join(root, '.git');
    try {
      const s = await stat(dotGit);
      if (s.isDirectory()) return add(dotGit, false);
      const gitDir = readGitDirFile(root);
      if (gitDir) add(gitDir, false);
    } catch {
      /* not a git worktree: nothing to add */
    }
  };

  void walk(root).then(watchGitDir);

  return {
    get dirs() {
      return watchers.size;
    },
    close() {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
