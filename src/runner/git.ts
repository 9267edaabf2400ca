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
import { existsSync, mkdirSync, readFileSync, appendFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

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
const repoQueues = new Map<string, Promise<unknown>>();
function exclusive<T>(repoRoot: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(repoRoot);
  const run = (repoQueues.get(key) ?? Promise.resolve()).then(fn);
  repoQueues.set(
    key,
    run.catch(() => undefined),
  );
  return run;
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

/** `git status --porcelain -- <paths>`: changed or untracked files (empty when clean). */
export async function porcelainStatus(cwd: string, paths: string[] = []): Promise<string[]> {
  const out = await git(cwd).raw(['status', '--porcelain', '--untracked-files=all', ...(paths.length ? ['--', ...paths] : [])]);
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
  return exclusive(repoRoot, async () => {
    const branches = await sessionBranches(repoRoot, sessionId);
    for (const b of branches) await backupBranchUnlocked(repoRoot, sessionId, b);
    return branches;
  });
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
 * Creates a fresh worktree at `path` on branch `branch` starting at `startPoint`
 * (`git worktree add -B <branch> <path> <startPoint>`; -B resets the branch when it exists, which
 * the caller does only for its own branches after backing them up). An existing worktree at that
 * path is removed first, so the result is always clean.
 */
export async function addItemWorktree(repoRoot: string, path: string, branch: string, startPoint: string): Promise<void> {
  await exclusive(repoRoot, async () => {
    await removeWorktreeUnlocked(repoRoot, path);
    mkdirSync(dirname(path), { recursive: true });
    await gitRaw(repoRoot, ['worktree', 'add', '--quiet', '-B', branch, path, startPoint]);
  });
}

/**
 * Makes sure the integration worktree exists at `path` with `branch` checked out
 * (`git worktree add <path> <branch>`); reuses it when it is already there and on that branch.
 */
export async function ensureBranchWorktree(repoRoot: string, path: string, branch: string): Promise<void> {
  await exclusive(repoRoot, async () => {
    const known = (await listWorktreesUnlocked(repoRoot)).find((w) => resolve(w.path) === resolve(path));
    if (known && known.branch === branch && existsSync(path)) return;
    await removeWorktreeUnlocked(repoRoot, path);
    mkdirSync(dirname(path), { recursive: true });
    await gitRaw(repoRoot, ['worktree', 'add', '--quiet', path, branch]);
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
 * with LEFTOVER_COMMIT_MESSAGE. Returns true when it made a commit.
 */
export async function commitLeftovers(worktree: string): Promise<boolean> {
  if ((await porcelainStatus(worktree)).length === 0) return false;
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
