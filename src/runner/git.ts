/**
 * The git operations of the night (simple-git wrappers). DESIGN.md, "Git model": the user's
 * checkout is never touched. Everything here works either through plumbing that does not touch a
 * work tree (`git branch`, `git update-ref`, `git worktree add`, `git rev-list`) or inside a
 * runner-owned worktree under `.overnight/worktrees/`.
 *
 * Commits the runner makes itself (leftover changes, merge commits) pass `--no-verify`: the
 * project's own commit hooks are not the runner's business; the success condition and the project
 * checks are the verification.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { execa } from 'execa';
import { simpleGit, type SimpleGit } from 'simple-git';
import { readGitDirFile } from '../util/git-dir.js';
import { keyedSerialQueue } from '../util/serial-queue.js';

/**
 * simple-git's default error detection only fails a command that exits non-zero AND writes to
 * stderr; `git merge` reports a conflict on stdout and `merge-base --is-ancestor` says "no" with a
 * bare exit code 1. So every non-zero exit is an error here (simple-git "errors" plugin option).
 */
function git(cwd: string): SimpleGit {
  return simpleGit({
    baseDir: cwd,
    maxConcurrentProcesses: 4,
    trimmed: false,
    errors(error, result) {
      if (error) return error;
      if (result.exitCode === 0) return;
      return Buffer.concat([...result.stdOut, ...result.stdErr]);
    },
  });
}

/** Runs `git <args>` in `cwd` and returns stdout trimmed. Throws the git error (message has stderr). */
export async function gitRaw(cwd: string, args: string[]): Promise<string> {
  return (await git(cwd).raw(args)).trim();
}

/**
 * Git's worktree bookkeeping (`.git/worktrees/<name>/`) is not safe against concurrent changes:
 * `git worktree add` in one item while another item's `git worktree remove/prune` or
 * `git branch -D` scans the worktree list fails with "failed to read .git/worktrees/<x>/commondir".
 * Every operation that creates, removes or scans worktrees, or creates/deletes/moves branches,
 * therefore runs alone (per repository, inside this process: only the lock holder runs them).
 */
const repoQueue = keyedSerialQueue();
function exclusive<T>(repoRoot: string, fn: () => Promise<T>): Promise<T> {
  return repoQueue(resolve(repoRoot), fn);
}

/**
 * The commit shas of several refs in one `git rev-parse` (undefined for a ref that does not
 * exist). The trailing `--` keeps git from reading a ref as a path; rev-parse echoes it as a last
 * output line (git-rev-parse(1)), which is dropped.
 */
export async function resolveCommits(cwd: string, refs: string[]): Promise<Array<string | undefined>> {
  try {
    const out = (await gitRaw(cwd, ['rev-parse', ...refs.map((r) => `${r}^{commit}`), '--'])).split('\n').filter((l) => l.trim() !== '--');
    if (out.length === refs.length && out.every((l) => /^[0-9a-f]{40,64}$/.test(l.trim()))) return out.map((l) => l.trim());
  } catch {
    /* one of them does not exist: ask one by one */
  }
  return Promise.all(refs.map((r) => resolveCommit(cwd, r)));
}

/**
 * Full checkouts of new worktrees run one at a time per repository (apart from the `exclusive`
 * queue, so moves and backups are not held up): they compete for the same disk and CPU, and one
 * after the other the first item's agent starts after one checkout instead of after all of them
 * (measured: three at once took 3-4x as long as one, each).
 */
const checkoutQueue = keyedSerialQueue();
function oneCheckoutAtATime<T>(repoRoot: string, fn: () => Promise<T>): Promise<T> {
  return checkoutQueue(resolve(repoRoot), fn);
}

/** `git rev-parse --verify <ref>^{commit}`: the commit sha, or undefined when the ref does not exist. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  try {
    const sha = await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return sha || undefined;
  } catch {
    return undefined;
  }
}

/** The branch checked out in `cwd` (`git symbolic-ref --short HEAD`), undefined when detached. */
export async function currentBranch(cwd: string): Promise<string | undefined> {
  try {
    return (await gitRaw(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'])) || undefined;
  } catch {
    return undefined;
  }
}

/** The repository's common git dir (shared by all worktrees), absolute (`git rev-parse --git-common-dir`). */
export async function commonGitDir(repoRoot: string): Promise<string> {
  const dir = await gitRaw(repoRoot, ['rev-parse', '--git-common-dir']);
  return isAbsolute(dir) ? dir : resolve(repoRoot, dir);
}

/**
 * Appends `line` to `<common git dir>/info/exclude` unless a line equal to it is already there
 * (gitignore(5): info/exclude holds per-repository ignore patterns that are not committed).
 * Returns true when it appended.
 */
export async function ensureExcluded(repoRoot: string, line: string): Promise<boolean> {
  const file = join(await commonGitDir(repoRoot), 'info', 'exclude');
  mkdirSync(dirname(file), { recursive: true });
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (text.split('\n').some((l) => l.trim() === line)) return false;
  appendFileSync(file, `${text.length > 0 && !text.endsWith('\n') ? '\n' : ''}${line}\n`);
  return true;
}

/**
 * `git status --porcelain -- <paths>`: changed or untracked files (empty when clean).
 * `untracked`: 'all' lists every untracked file; 'normal' lists an untracked folder once (cheaper
 * in a large tree; enough to know whether anything is there).
 */
export async function porcelainStatus(cwd: string, paths: string[] = [], untracked: 'all' | 'normal' = 'all'): Promise<string[]> {
  const out = await git(cwd).raw(['status', '--porcelain', `--untracked-files=${untracked}`, ...(paths.length ? ['--', ...paths] : [])]);
  return out.split('\n').filter((l) => l.trim().length > 0);
}

/** `git branch <name> <startPoint>`: creates a branch without checking anything out. */
export async function createBranch(repoRoot: string, name: string, startPoint: string): Promise<void> {
  await exclusive(repoRoot, () => gitRaw(repoRoot, ['branch', '--no-track', name, startPoint]));
}

/** True when `refs/heads/<name>` exists. */
export async function branchExists(repoRoot: string, name: string): Promise<boolean> {
  return (await resolveCommit(repoRoot, `refs/heads/${name}`)) !== undefined;
}

/** Deletes one of the runner's own branches (`git branch -D`); no error when it does not exist. */
export async function deleteBranch(repoRoot: string, name: string): Promise<void> {
  await exclusive(repoRoot, async () => {
    if (await branchExists(repoRoot, name)) await gitRaw(repoRoot, ['branch', '-D', name]);
  });
}

/** Backup ref name of a branch: `refs/overnight-backup/<session-id>/<branch>`. */
export function backupRefName(sessionId: string, branch: string): string {
  return `refs/overnight-backup/${sessionId}/${branch}`;
}

/** Points the branch's backup ref at its current tip (`git update-ref`). Returns the sha, or undefined when the branch does not exist. */
export async function backupBranch(repoRoot: string, sessionId: string, branch: string): Promise<string | undefined> {
  return exclusive(repoRoot, () => backupBranchUnlocked(repoRoot, sessionId, branch));
}

async function backupBranchUnlocked(repoRoot: string, sessionId: string, branch: string): Promise<string | undefined> {
  const sha = await resolveCommit(repoRoot, `refs/heads/${branch}`);
  if (!sha) return undefined;
  await gitRaw(repoRoot, ['update-ref', '-m', 'overnight: backup before an item starts', backupRefName(sessionId, branch), sha]);
  return sha;
}

/** Branches the runner owns for a session: the integration branch and every item branch. */
export async function sessionBranches(repoRoot: string, sessionId: string): Promise<string[]> {
  const out = await gitRaw(repoRoot, ['for-each-ref', '--format=%(refname:short)', `refs/heads/overnight/`]);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((b) => b === `overnight/${sessionId}` || b.startsWith(`overnight/${sessionId}--`));
}

/** Backs up every branch the runner owns for the session (DESIGN.md: "keeps a backup ref of every branch it owns before each item"). */
export async function backupSessionBranches(repoRoot: string, sessionId: string): Promise<string[]> {
  return [...(await backupSessionBranchTips(repoRoot, sessionId)).keys()];
}

/**
 * Like backupSessionBranches, and resolves to each backed-up branch's tip (branch name -> commit
 * sha), read in the same `git for-each-ref` (so the integration branch's tip comes for free).
 */
export async function backupSessionBranchTips(repoRoot: string, sessionId: string): Promise<Map<string, string>> {
  return exclusive(repoRoot, async () => {
    // One `git for-each-ref` reads every branch and backup ref, one `git update-ref --stdin`
    // moves the backups that are behind (git-update-ref(1), --stdin: all updates in one transaction).
    const out = await gitRaw(repoRoot, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/overnight/', `refs/overnight-backup/${sessionId}/`]);
    const tips = new Map<string, string>();
    const backups = new Map<string, string>();
    for (const line of out.split('\n')) {
      const sp = line.indexOf(' ');
      if (sp < 0) continue;
      const sha = line.slice(0, sp);
      const ref = line.slice(sp + 1);
      if (ref.startsWith('refs/heads/')) {
        const b = ref.slice('refs/heads/'.length);
        if (b === `overnight/${sessionId}` || b.startsWith(`overnight/${sessionId}--`)) tips.set(b, sha);
      } else backups.set(ref, sha);
    }
    const behind = [...tips].filter(([b, sha]) => backups.get(backupRefName(sessionId, b)) !== sha);
    // A running agent's commits stay in its own object folder until its attempt ends
    // (src/runner/git-objects.ts), so its branch may name a commit this store lacks yet; git cannot
    // point a ref at it, and that branch's backup from before the agent started stands.
    const present = await presentObjects(repoRoot, behind.map(([, sha]) => sha));
    const stale = behind.filter(([, sha]) => present.has(sha));
    if (stale.length > 0) {
      const input = stale.map(([b, sha]) => `update ${backupRefName(sessionId, b)} ${sha}\n`).join('');
      await execa('git', ['update-ref', '-m', 'overnight: backup before an item starts', '--stdin'], { cwd: repoRoot, input, stdout: 'ignore' });
    }
    return tips;
  });
}

/** Which of `shas` the repository's object store has (one `git cat-file --batch-check`). */
async function presentObjects(repoRoot: string, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const out = await execa('git', ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: repoRoot, input: `${shas.join('\n')}\n`, reject: false });
  return new Set(
    String(out.stdout)
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([, type]) => type && type !== 'missing')
      .map(([sha]) => sha!),
  );
}

/** Registered worktrees (`git worktree list --porcelain`): path and branch. */
export async function listWorktrees(repoRoot: string): Promise<Array<{ path: string; branch?: string; head?: string }>> {
  return exclusive(repoRoot, () => listWorktreesUnlocked(repoRoot));
}

async function listWorktreesUnlocked(repoRoot: string): Promise<Array<{ path: string; branch?: string; head?: string }>> {
  const out = await gitRaw(repoRoot, ['worktree', 'list', '--porcelain']);
  const list: Array<{ path: string; branch?: string; head?: string }> = [];
  for (const block of out.split('\n\n')) {
    const entry: { path: string; branch?: string; head?: string } = { path: '' };
    for (const line of block.split('\n')) {
      if (line.startsWith('worktree ')) entry.path = line.slice(9);
      else if (line.startsWith('branch ')) entry.branch = line.slice(7).replace(/^refs\/heads\//, '');
      else if (line.startsWith('HEAD ')) entry.head = line.slice(5);
    }
    if (entry.path) list.push(entry);
  }
  return list;
}

/**
 * Removes a runner-owned worktree (`git worktree remove --force`, then `git worktree prune`);
 * a folder git does not know is deleted. No error when nothing is there. The branch is kept.
 */
export async function removeWorktree(repoRoot: string, path: string): Promise<void> {
  await exclusive(repoRoot, () => removeWorktreeUnlocked(repoRoot, path));
}

async function removeWorktreeUnlocked(repoRoot: string, path: string): Promise<void> {
  try {
    await gitRaw(repoRoot, ['worktree', 'remove', '--force', '--force', path]);
  } catch {
    /* not registered (or already gone): fall through */
  }
  rmSync(path, { recursive: true, force: true });
  await gitRaw(repoRoot, ['worktree', 'prune']);
}

/**
 * Removes several runner-owned worktrees at once: their folders are deleted in parallel, then one
 * `git worktree prune` drops git's records of them (git-worktree(1): prune removes the records of
 * worktrees whose folder is gone). Branches are kept. No error for paths that do not exist.
 */
export async function removeWorktrees(repoRoot: string, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await Promise.all(paths.map((p) => rm(p, { recursive: true, force: true, maxRetries: 3 })));
  await exclusive(repoRoot, () => gitRaw(repoRoot, ['worktree', 'prune']));
}

/**
 * Creates a fresh worktree at `path` on branch `branch` starting at `startPoint`
 * (`git worktree add --no-checkout -B <branch> <path> <startPoint>`; -B resets the branch when it
 * exists, which the caller does only for its own branches after backing them up), then fills it
 * with `git reset --hard` inside it, with parallel checkout workers. An existing worktree at that
 * path is removed first, so the result is always clean; a stale record of one whose folder is
 * gone is pruned when git refuses because of it. Only the registration runs alone (see
 * `exclusive`): the checkout of the files, the slow part in a large repository, runs alongside
 * other items' git work (one full checkout at a time). Throws the git error when a step fails.
 */
export async function addItemWorktree(repoRoot: string, path: string, branch: string, startPoint: string): Promise<void> {
  await exclusive(repoRoot, async () => {
    if (existsSync(path)) await removeWorktreeUnlocked(repoRoot, path);
    mkdirSync(dirname(path), { recursive: true });
    const add = () => gitRaw(repoRoot, ['worktree', 'add', '--quiet', '--no-checkout', '-B', branch, path, startPoint]);
    try {
      await add();
    } catch (error) {
      // A record left by a worktree whose folder is gone ("missing but already registered", or
      // the branch "already checked out" there) is what `git worktree prune` clears; anything
      // else fails the same way again and is thrown.
      if (existsSync(path)) throw error;
      await gitRaw(repoRoot, ['worktree', 'prune']);
      await add();
    }
  });
  // checkout.workers=0: as many parallel checkout workers as there are cores (git-config(1)).
  await oneCheckoutAtATime(repoRoot, () => gitRaw(path, ['-c', 'checkout.workers=0', 'reset', '--hard', '--quiet']));
}

/** Files git leaves in a worktree's admin dir while an operation is in progress (git-merge(1), git-rebase(1), git-cherry-pick(1), git-revert(1), git-bisect(1); `index.lock` from a killed git). */
const IN_PROGRESS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply', 'BISECT_LOG', 'sequencer', 'index.lock'];

const commonDirs = new Map<string, string>();
async function cachedCommonGitDir(repoRoot: string): Promise<string> {
  const key = resolve(repoRoot);
  let dir = commonDirs.get(key);
  if (!dir) {
    dir = realpathSync(await commonGitDir(repoRoot));
    commonDirs.set(key, dir);
  }
  return dir;
}

/**
 * The admin dir (`<common git dir>/worktrees/<name>`) of the linked worktree at `path`, read from
 * its `.git` file (gitrepository-layout(5): a linked worktree's `.git` is a file "gitdir: <admin
 * dir>", and `<admin dir>/gitdir` points back at that file). Undefined unless both agree and the
 * admin dir belongs to `repoRoot`'s repository: then `path` is not a sound worktree of ours.
 */
export async function linkedWorktreeGitDir(repoRoot: string, path: string): Promise<string | undefined> {
  try {
    const dotGit = join(path, '.git');
    if (!lstatSync(dotGit).isFile()) return undefined;
    const named = readGitDirFile(path);
    if (!named) return undefined;
    const admin = realpathSync(named);
    const worktrees = join(await cachedCommonGitDir(repoRoot), 'worktrees');
    if (dirname(admin) !== worktrees) return undefined;
    const back = readFileSync(join(admin, 'gitdir'), 'utf8').trim();
    if (realpathSync(resolve(admin, back)) !== realpathSync(dotGit)) return undefined;
    return admin;
  } catch {
    return undefined;
  }
}

/**
 * Makes the runner's existing worktree at `path` a clean checkout of `startPoint` on `branch`
 * (created or reset to `startPoint`), as `git worktree add -B <branch> <path> <startPoint>` would,
 * but touching only the files that differ: `git checkout --force -B <branch> <startPoint>`
 * (git-checkout(1): -f throws away local changes in the index and the files; -B creates or resets
 * the branch; the previous branch keeps its commits), then `git clean -ffdx` (untracked AND
 * ignored files, nested repositories). Every command runs with
 * explicit `--git-dir`/`--work-tree`, so a worktree whose `.git` was damaged can never send git to
 * the user's checkout. Returns false, having changed nothing, when the worktree is not sound for
 * this: not a linked worktree of this repository, an operation in progress (merge, rebase,
 * cherry-pick, bisect, a stale `index.lock`), or index entries flagged assume-unchanged or
 * skip-worktree (sparse checkout), which `reset --hard` would not restore. The caller then
 * recreates the worktree. Throws the git error when a command fails half-way. `checked`: the
 * caller already made sure the index is plain (worktreeIndexIsPlain); `cleaned`: the caller ran
 * cleanWorktree on it since anything last ran there.
 */
export async function resetItemWorktree(repoRoot: string, path: string, branch: string, startPoint: string, opts: { checked?: boolean; cleaned?: boolean } = {}): Promise<boolean> {
  const admin = await linkedWorktreeGitDir(repoRoot, path);
  if (!admin) return false;
  if (!opts.checked && !(await worktreeIndexIsPlain(repoRoot, admin))) return false;
  if (IN_PROGRESS.some((f) => existsSync(join(admin, f)))) return false;
  const g = (args: string[]) => gitRaw(path, ['--git-dir', admin, '--work-tree', path, ...args]);
  // -B checks that no other worktree has the branch checked out (it reads the worktree list): alone, like worktree add.
  await exclusive(repoRoot, () => g(['checkout', '--quiet', '--force', '--no-recurse-submodules', '-B', branch, startPoint]));
  // A forced checkout creates no untracked file, so a clean before it (cleanWorktree) is as good as one after.
  if (!opts.cleaned) await g(['clean', '-ffdxq']);
  return true;
}

/**
 * `git clean -ffdx` (untracked and ignored files, nested repositories) in the runner's worktree at
 * `path`, with explicit `--git-dir`/`--work-tree`; false, having done nothing, when `path` is not a
 * sound linked worktree of this repository (see linkedWorktreeGitDir). Used on a merged item's
 * worktree while it waits to be recycled.
 */
export async function cleanWorktree(repoRoot: string, path: string): Promise<boolean> {
  const admin = await linkedWorktreeGitDir(repoRoot, path);
  if (!admin) return false;
  await gitRaw(path, ['--git-dir', admin, '--work-tree', path, 'clean', '-ffdxq']);
  return true;
}

/**
 * True when every entry of the worktree's index is a plain tracked file (`git ls-files -v` tag
 * `H`): no assume-unchanged (lower-case tags), skip-worktree (`S`, sparse checkout) or unmerged
 * (`M`) entries, which a forced checkout would not restore. `admin`: the worktree's admin dir.
 */
export async function worktreeIndexIsPlain(repoRoot: string, admin: string): Promise<boolean> {
  try {
    const tags = await gitRaw(repoRoot, ['--git-dir', admin, 'ls-files', '-v']);
    return !tags || tags.split('\n').every((l) => l.startsWith('H '));
  } catch {
    return false;
  }
}

/**
 * Moves a runner-owned worktree to `to` (like `git worktree move`; the branch and files go with
 * it). Returns false when git refuses (locked, submodules), `to` exists, or `from` is not a sound
 * worktree of this repository.
 */
export async function moveWorktree(repoRoot: string, from: string, to: string): Promise<boolean> {
  const admin = await linkedWorktreeGitDir(repoRoot, from);
  if (existsSync(to) || !admin) return false;
  return exclusive(repoRoot, async () => {
    try {
      mkdirSync(dirname(to), { recursive: true });
      // What `git worktree move` does, without a git process: rename the folder and point the
      // admin dir's `gitdir` file at the new `.git` (gitrepository-layout(5): "worktrees/<id>/gitdir:
      // a text file containing the absolute path back to the .git file that points to here"; the
      // `.git` file keeps pointing at the admin dir). Git itself is asked when the worktree is
      // locked or has submodules (it refuses those), or when the rename crosses file systems.
      if (existsSync(join(admin, 'locked')) || existsSync(join(admin, 'modules'))) {
        await gitRaw(repoRoot, ['worktree', 'move', from, to]);
        return true;
      }
      try {
        renameSync(from, to);
      } catch {
        await gitRaw(repoRoot, ['worktree', 'move', from, to]);
        return true;
      }
      writeFileSync(join(admin, 'gitdir'), `${join(realpathSync(to), '.git')}\n`);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Makes sure the integration worktree exists at `path` with `branch` checked out
 * (`git worktree add <path> <branch>`); reuses it when it is already there and on that branch.
 */
export async function ensureBranchWorktree(repoRoot: string, path: string, branch: string): Promise<void> {
  await exclusive(repoRoot, async (): Promise<boolean> => {
    const known = (await listWorktreesUnlocked(repoRoot)).find((w) => resolve(w.path) === resolve(path));
    if (known && known.branch === branch && existsSync(path)) return false;
    await removeWorktreeUnlocked(repoRoot, path);
    mkdirSync(dirname(path), { recursive: true });
    await gitRaw(repoRoot, ['worktree', 'add', '--quiet', '--no-checkout', path, branch]);
    return true;
  }).then(async (created) => {
    if (created) await oneCheckoutAtATime(repoRoot, () => gitRaw(path, ['reset', '--hard', '--quiet']));
  });
}

/** Commits `from..to`, oldest first (`git rev-list --reverse`). */
export async function commitsBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const out = await gitRaw(cwd, ['rev-list', '--reverse', `${from}..${to}`]);
  return out ? out.split('\n').map((l) => l.trim()).filter(Boolean) : [];
}

/** Message of the runner's commit of changes an agent left uncommitted. */
export const LEFTOVER_COMMIT_MESSAGE = 'overnight: commit uncommitted changes left by the agent';

/**
 * Commits whatever the agent left uncommitted in its worktree (`git add -A` respects .gitignore),
 * with LEFTOVER_COMMIT_MESSAGE. Returns true when it made a commit. `status`: the worktree's
 * `git status --porcelain` lines when the caller already has them.
 */
export async function commitLeftovers(worktree: string, status?: string[]): Promise<boolean> {
  if ((status ?? (await porcelainStatus(worktree))).length === 0) return false;
  await gitRaw(worktree, ['add', '-A']);
  // Staged nothing (e.g. only ignored files changed)? Then there is nothing to commit.
  const staged = await gitRaw(worktree, ['diff', '--cached', '--name-only']);
  if (!staged) return false;
  await gitRaw(worktree, ['commit', '--no-verify', '--quiet', '-m', LEFTOVER_COMMIT_MESSAGE]);
  return true;
}

export type MergeResult =
  | { ok: true; mergeCommit: string; before: string }
  | { ok: false; conflicts: string[]; message: string };

/**
 * Merges `branch` into the branch checked out in the runner's integration worktree with
 * `git merge --no-ff --no-edit -m <message>`. On a conflict the merge is aborted
 * (`git merge --abort`) and the conflicting files are returned.
 */
export async function mergeNoFf(integrationWorktree: string, branch: string, message: string): Promise<MergeResult> {
  const before = await gitRaw(integrationWorktree, ['rev-parse', 'HEAD']);
  try {
    await gitRaw(integrationWorktree, ['merge', '--no-ff', '--no-edit', '--no-verify', '-m', message, branch]);
  } catch (error) {
    let conflicts: string[] = [];
    try {
      conflicts = (await gitRaw(integrationWorktree, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
    } catch {
      /* ignore */
    }
    try {
      await gitRaw(integrationWorktree, ['merge', '--abort']);
    } catch {
      /* no merge in progress */
    }
    // Make sure the runner's worktree is back where it was.
    const now = await gitRaw(integrationWorktree, ['rev-parse', 'HEAD']);
    if (now !== before) await resetHard(integrationWorktree, before);
    return { ok: false, conflicts, message: error instanceof Error ? error.message : String(error) };
  }
  const mergeCommit = await gitRaw(integrationWorktree, ['rev-parse', 'HEAD']);
  return { ok: true, mergeCommit, before };
}

/**
 * `git reset --hard <commit>` inside the runner's OWN integration worktree (never the user's
 * checkout): undoes a merge whose project checks failed.
 */
export async function resetHard(integrationWorktree: string, commit: string): Promise<void> {
  await gitRaw(integrationWorktree, ['reset', '--hard', '--quiet', commit]);
}

/** `git merge-base --is-ancestor a b`: true when commit `a` is reachable from `b`. */
export async function isAncestor(cwd: string, a: string, b: string): Promise<boolean> {
  try {
    await gitRaw(cwd, ['merge-base', '--is-ancestor', a, b]);
    return true;
  } catch {
    return false;
  }
}

/** First merge commit on `integration` (first-parent history) whose message starts with `prefix`, if any. */
export async function findMergeCommit(cwd: string, integration: string, prefix: string): Promise<string | undefined> {
  const out = await gitRaw(cwd, ['log', '--first-parent', '--merges', '--format=%H %s', integration]);
  for (const line of out.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && line.slice(sp + 1).startsWith(prefix)) return line.slice(0, sp);
  }
  return undefined;
}

/**
 * Merges `branch` into the branch `into` without any work tree, as `git merge --no-ff` would:
 * `git merge-tree --write-tree` (the same "ort" merge as `git merge`, git 2.38+) computes the
 * merged tree, `git commit-tree -p <into> -p <branch>` makes the merge commit (no hooks, like
 * `--no-verify`), and `git update-ref` moves `into` only if it is still where it was (`before`/`tip`:
 * the shas when the caller already resolved them; `backupRef`: a ref set to `before` in the same
 * transaction; `editTree`: a change to the merged tree before the commit is made, such as the
 * backlog file's `status: done`, so the merge commit carries it). On a
 * conflict nothing changes and the conflicting files are returned. A worktree with `into` checked
 * out is NOT updated (its files then lag behind its HEAD): the caller resets it when it needs it.
 */
export async function mergeNoFfByTree(
  repoRoot: string,
  into: string,
  branch: string,
  message: string,
  opts: { before?: string; tip?: string; backupRef?: string; editTree?: (tree: string) => Promise<string> } = {},
): Promise<MergeResult> {
  const before = opts.before ?? (await resolveCommit(repoRoot, `refs/heads/${into}`));
  const tip = opts.tip ?? (await resolveCommit(repoRoot, `refs/heads/${branch}`));
  if (!before || !tip) return { ok: false, conflicts: [], message: `branch ${before ? branch : into} does not exist` };
  let out: string;
  try {
    out = await gitRaw(repoRoot, ['merge-tree', '--write-tree', '--name-only', '--no-messages', before, tip]);
  } catch (error) {
    // Exit 1 = conflicts: the tree id, then the conflicting files one a line (git-merge-tree(1), OUTPUT).
    const text = error instanceof Error ? error.message : String(error);
    const lines = text.split('\n').map((l) => l.trim());
    if (/^[0-9a-f]{40,64}$/.test(lines[0] ?? '')) {
      const conflicts = [...new Set(lines.slice(1).filter(Boolean))];
      return { ok: false, conflicts, message: `merge conflict in ${conflicts.join(', ')}` };
    }
    return { ok: false, conflicts: [], message: text };
  }
  const merged = out.split('\n')[0]!.trim();
  const tree = opts.editTree ? await opts.editTree(merged) : merged;
  const mergeCommit = await gitRaw(repoRoot, ['commit-tree', tree, '-p', before, '-p', tip, '-m', message]);
  // One transaction (git-update-ref(1) --stdin): `into` moves only if still at `before`; with
  // `backupRef`, the backup of `into` is set to `before` at the same moment.
  const input = `update refs/heads/${into} ${mergeCommit} ${before}\n${opts.backupRef ? `update ${opts.backupRef} ${before}\n` : ''}`;
  await execa('git', ['update-ref', '-m', `merge ${branch}: Merge made by overnight (no-ff)`, '--stdin'], { cwd: repoRoot, input, stdout: 'ignore' });
  return { ok: true, mergeCommit, before };
}

/** One entry of a tree object: mode as git writes it (`100644`, `40000`...), name, object id (hex). */
interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** Parses a raw tree object (git's format: `<mode> <name>\0<binary id>` repeated; the id is 20 bytes for SHA-1, 32 for SHA-256). Pure. */
function parseTreeObject(raw: Buffer, idBytes: number): TreeEntry[] {
  const out: TreeEntry[] = [];
  let at = 0;
  while (at < raw.length) {
    const sp = raw.indexOf(32, at);
    const nul = raw.indexOf(0, sp);
    out.push({ mode: raw.subarray(at, sp).toString('latin1'), name: raw.subarray(sp + 1, nul).toString('utf8'), oid: raw.subarray(nul + 1, nul + 1 + idBytes).toString('hex') });
    at = nul + 1 + idBytes;
  }
  return out;
}

/**
 * Reads objects in one `git cat-file --batch` (git-cat-file(1), BATCH OUTPUT: `<oid> <type>
 * <size>\n<contents>\n`, or `<object> missing\n`): each found object's type and raw content,
 * undefined for a missing one, in the order asked.
 */
export async function readObjects(cwd: string, specs: string[]): Promise<Array<{ oid: string; type: string; raw: Buffer } | undefined>> {
  if (specs.length === 0) return [];
  const { stdout } = await execa('git', ['cat-file', '--batch'], { cwd, input: `${specs.join('\n')}\n`, encoding: 'buffer', stripFinalNewline: false });
  const buf = Buffer.from(stdout);
  const out: Array<{ oid: string; type: string; raw: Buffer } | undefined> = [];
  let at = 0;
  for (let i = 0; i < specs.length; i++) {
    const nl = buf.indexOf(10, at);
    const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(buf.subarray(at, nl).toString('utf8'));
    at = nl + 1;
    if (!m) {
      out.push(undefined); // `<spec> missing` (or `ambiguous`)
      continue;
    }
    const size = Number(m[3]);
    out.push({ oid: m[1]!, type: m[2]!, raw: buf.subarray(at, at + size) });
    at += size + 1;
  }
  return out;
}

/** A file of a tree and the trees on its path, read in one `git cat-file --batch`. */
export interface TreeFile {
  /** The file's text and mode (`100644` or `100755`). */
  text: string;
  mode: string;
  /** The trees from the root down to the file's folder: their ids and entries. */
  trees: Array<{ oid: string; entries: TreeEntry[] }>;
}

/**
 * Reads the regular file at `path` (`/`-separated, relative to the repository root) in `tree`,
 * with the trees on its path, in one `git cat-file --batch`. Undefined when the tree has no
 * regular file there (an untracked backlog file, a symlink, a folder). Read-only.
 */
export async function readTreeFile(repoRoot: string, tree: string, path: string): Promise<TreeFile | undefined> {
  const parts = path.split('/');
  const dirs = parts.slice(0, -1).map((_, i) => `${tree}:${parts.slice(0, i + 1).join('/')}`);
  const objects = await readObjects(repoRoot, [tree, ...dirs, `${tree}:${path}`]);
  const idBytes = tree.length / 2;
  const trees: TreeFile['trees'] = [];
  for (const o of objects.slice(0, -1)) {
    if (!o || o.type !== 'tree') return undefined;
    trees.push({ oid: o.oid, entries: parseTreeObject(o.raw, idBytes) });
  }
  const blob = objects.at(-1);
  const entry = trees.at(-1)?.entries.find((e) => e.name === parts.at(-1));
  if (!blob || blob.type !== 'blob' || !entry || !/^100(644|755)$/.test(entry.mode)) return undefined;
  return { text: blob.raw.toString('utf8'), mode: entry.mode, trees };
}

/** `<mode> <type> <oid>\t<name>`, the line git-mktree(1) reads, for a tree entry. */
function mktreeLine(e: TreeEntry): string {
  const mode = e.mode.padStart(6, '0');
  const type = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
  return `${mode} ${type} ${e.oid}\t${e.name}`;
}

/**
 * A new tree: the tree `file` was read from (readTreeFile) with the file at `path` replaced by
 * `text`, written without any work tree or index: the blob with `git hash-object -w --stdin`, then
 * only the trees on the file's path, innermost first, with `git mktree -z` (git-mktree(1)). The
 * cost depends on the size of those folders, not of the repository; the repository's index and
 * every checkout are untouched. Returns the new root tree's id; throws the git error of a failed step.
 */
export async function treeWithFile(repoRoot: string, file: TreeFile, path: string, text: string): Promise<string> {
  const { stdout: blob } = await execa('git', ['hash-object', '-w', '--stdin'], { cwd: repoRoot, input: text });
  const parts = path.split('/');
  let child: TreeEntry = { mode: file.mode, name: parts.at(-1)!, oid: blob.trim() };
  for (let depth = file.trees.length - 1; depth >= 0; depth--) {
    const entries = file.trees[depth]!.entries.map((e) => (e.name === child.name ? child : e));
    const { stdout } = await execa('git', ['mktree', '-z'], { cwd: repoRoot, input: `${entries.map(mktreeLine).join('\0')}\0` });
    child = { mode: '40000', name: parts[depth - 1] ?? '', oid: stdout.trim() };
  }
  return child.oid;
}
