/**
 * Reading and committing one file on a branch with git plumbing only (no checkout, no work tree,
 * and never the repository's own index): the learnings file is read from the commit an item starts
 * from, and written onto the integration branch at the end of the night, while the user's checkout
 * stays untouched (DESIGN.md, "A session on disk": no checkout, stash, reset or commit there).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { readObjects, resolveCommit } from '../runner/git.js';

/**
 * The text of the regular file `path` (`/`-separated, relative to the repository root) in
 * `commit` (any commit-ish), read with `git cat-file --batch` (git-cat-file(1)); undefined when
 * the commit has no file there. Throws only when git cannot run.
 */
export async function readCommittedFile(repoRoot: string, commit: string, path: string): Promise<string | undefined> {
  const [blob] = await readObjects(repoRoot, [`${commit}:${path}`]);
  return blob?.type === 'blob' ? blob.raw.toString('utf8') : undefined;
}

/** A commit made by commitFileOnBranch. */
export interface FileCommit {
  /** The new commit (the branch's tip now). */
  commit: string;
  /** The branch's tip before it. */
  before: string;
}

/**
 * Commits `text` as the file `path` on `branch` (created with its folders when missing; its mode
 * kept when it exists), with the commit message `message`, on top of the branch's tip. The tree is
 * built in a private temporary index (GIT_INDEX_FILE; git-read-tree(1), git-update-index(1)
 * `--cacheinfo`, git-write-tree(1)), the commit with git-commit-tree(1), and the branch moved with
 * `git update-ref <ref> <new> <old>` (git-update-ref(1)), which fails if the branch moved in the
 * meantime. No work tree and no other index is touched. Undefined when the file already holds
 * `text` (no commit). Throws when the branch does not exist, or the git error of a failed step.
 */
export async function commitFileOnBranch(repoRoot: string, branch: string, path: string, text: string, message: string): Promise<FileCommit | undefined> {
  const before = await resolveCommit(repoRoot, `refs/heads/${branch}`);
  if (!before) throw new Error(`branch ${branch} does not exist`);
  const dir = await mkdtemp(join(tmpdir(), 'overnight-memory-'));
  try {
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    const git = async (args: string[], input?: string) =>
      (await execa('git', args, { cwd: repoRoot, env, ...(input !== undefined ? { input } : { stdin: 'ignore' as const }) })).stdout.trim();
    await git(['read-tree', before]);
    const staged = await git(['ls-files', '--stage', '--', path]);
    const mode = /^(100755) /.test(staged) ? '100755' : '100644';
    const blob = await git(['hash-object', '-w', '--stdin'], text);
    if (staged.split(/\s+/)[1] === blob) return undefined;
    await git(['update-index', '--add', '--cacheinfo', `${mode},${blob},${path}`]);
    const tree = await git(['write-tree']);
    const commit = await git(['commit-tree', tree, '-p', before, '-m', message]);
    await git(['update-ref', '-m', `overnight: ${message.split('\n')[0]}`, `refs/heads/${branch}`, commit, before]);
    return { commit, before };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
