/**
 * The `.git` file of a linked worktree (gitrepository-layout(5), "gitdir: <path>": a text file
 * naming the real git dir; a relative path is relative to the folder holding the `.git` file).
 * Only node:fs and node:path: the hooks bundle imports this, and must stay small.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The git dir named by the text of a `.git` file, as an absolute path resolved against `worktree`
 * (the folder holding that file), or undefined when the text has no `gitdir:` line. Pure.
 */
export function parseGitDirFile(text: string, worktree: string): string | undefined {
  const m = /^gitdir:[ \t]*(.+)$/m.exec(text);
  const path = m?.[1]!.trim();
  return path ? resolve(worktree, path) : undefined;
}

/**
 * Reads `<worktree>/.git` when it is a file and returns the git dir it names (absolute, see
 * parseGitDirFile). Undefined when `.git` is missing, is a folder (a main checkout), has no
 * `gitdir:` line, or cannot be read. Never throws. The named folder is not checked to exist.
 */
export function readGitDirFile(worktree: string): string | undefined {
  try {
    const dotGit = join(worktree, '.git');
    if (!statSync(dotGit, { throwIfNoEntry: false })?.isFile()) return undefined;
    return parseGitDirFile(readFileSync(dotGit, 'utf8'), worktree);
  } catch {
    return undefined;
  }
}
