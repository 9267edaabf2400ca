/**
 * Which parts of a repository's git dir an agent's sandbox keeps read-only.
 *
 * Claude Code's sandbox makes the whole git dir of a linked worktree writable (so that `git commit`
 * works there). An agent's commit needs far less (gitrepository-layout(5)): its own worktree's
 * admin folder (`worktrees/<name>`: HEAD, index, logs/HEAD, lock files), its own branch's loose ref
 * and reflog (and the folders holding them, for `<ref>.lock`), and an object store, which the
 * runner gives it as a folder of its own (src/runner/sandbox-attempt.ts). So everything else that
 * exists in the git dir is denied, entry by entry along the paths to what the commit needs (a deny
 * on a folder would win over an allow below it); ensureGitPlaceholders first makes the folders an
 * agent could otherwise create (hooks, refs/replace, ...), so that they exist to be denied.
 *
 * What stays open, and why that is acceptable, is in docs/safety-policy.md ("What git needs").
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What must stay writable, relative to the common git dir (POSIX separators). */
export interface GitWritable {
  /** `worktrees/<name>`: the item worktree's admin folder. */
  worktreeAdmin: string;
  /** The item branch, e.g. `overnight/<id>--<slug>`. */
  branch: string;
  /**
   * The runner's worktrees folder (`<repo>/.overnight/worktrees`): admin folders of worktrees
   * there come and go during the night (recycled, removed), so they are not listed (see below).
   */
  runnerWorktrees?: string;
}

/**
 * Entries that may vanish while the attempt runs are never listed: a denied path that disappears
 * breaks the sandbox for every later Bash call of the attempt (Claude Code binds each listed path
 * when a command starts). Those are git's lock files (`*.lock`: a ref or index update in progress,
 * by the runner, another agent or the user) and the admin folders of the runner's own worktrees,
 * which the runner recycles and removes while other items work; they hold only the night's work.
 */
function isTransient(commonDir: string, rel: string, keep: GitWritable): boolean {
  if (rel.endsWith('.lock')) return true;
  const m = /^worktrees\/([^/]+)$/.exec(rel);
  if (!m || !keep.runnerWorktrees) return false;
  try {
    const gitdir = readFileSync(join(commonDir, rel, 'gitdir'), 'utf8').trim();
    return gitdir.startsWith(`${keep.runnerWorktrees.replace(/\/+$/, '')}/`);
  } catch {
    return true; // being created or removed right now
  }
}

/**
 * Folders of the git dir an agent could otherwise create to change what the user's own git sees:
 * `refs/replace` (`git replace` swaps a commit of the user's branch for the agent's), `refs/notes`,
 * `refs/tags`, `refs/remotes`, `hooks` (code run by the user's git), `info` (`info/grafts`,
 * `info/exclude`). A denied path that does not exist becomes an empty character device inside the
 * sandbox, which git reads as a broken ref ("fatal: bad object refs/notes" from `git log --all`,
 * measured with 2.1.330), so they are made as empty folders first: an empty folder means nothing
 * to git (gitrepository-layout(5)), and an existing one is kept read-only like every entry.
 */
const PLACEHOLDER_DIRS = ['hooks', 'info', 'refs/tags', 'refs/remotes', 'refs/replace', 'refs/notes'];

/**
 * An empty `packed-refs` (git's own header line, as `git pack-refs` writes it), made when there
 * is none: a missing one could be created by an agent with refs of its choosing, and a denied
 * missing file is unreadable inside the sandbox ("couldn't read packed-refs: Permission denied").
 */
const EMPTY_PACKED_REFS = '# pack-refs with: peeled fully-peeled sorted \n';

/**
 * Makes PLACEHOLDER_DIRS and an empty `packed-refs` in the common git dir where they are missing,
 * so that gitReadOnlyPaths can keep them read-only. Changes nothing git reads as content. Throws
 * when the git dir cannot be written (the runner could not commit there either).
 */
export function ensureGitPlaceholders(commonDir: string): void {
  for (const dir of PLACEHOLDER_DIRS) mkdirSync(join(commonDir, dir), { recursive: true });
  const packed = join(commonDir, 'packed-refs');
  if (existsSync(packed)) return;
  try {
    // `wx`: never over a packed-refs that git (or another item starting at the same moment) made.
    writeFileSync(packed, EMPTY_PACKED_REFS, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * The paths to keep read-only, in the order found. In: the common git dir (absolute) and what
 * must stay writable; `list` reads a folder's entry names (default readdirSync; [] when missing).
 * Out: absolute paths. The kept paths are `worktreeAdmin`, `refs/heads/<branch>` and
 * `logs/refs/heads/<branch>`; the folders on the way to them stay writable, their other entries
 * are denied, and nothing below a denied entry is listed. Only existing entries are listed (run
 * ensureGitPlaceholders first).
 */
export function gitReadOnlyPaths(commonDir: string, keep: GitWritable, list: (dir: string) => string[] = listDir): string[] {
  const kept = [keep.worktreeAdmin, `refs/heads/${keep.branch}`, `logs/refs/heads/${keep.branch}`];
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of list(rel ? join(commonDir, rel) : commonDir)) {
      const child = rel ? `${rel}/${name}` : name;
      if (kept.includes(child) || isTransient(commonDir, child, keep)) continue;
      if (kept.some((k) => k.startsWith(`${child}/`))) walk(child);
      else out.push(join(commonDir, child));
    }
  };
  walk('');
  return out;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * Removes what Claude Code's sandbox leaves in the repository's git dir after its agents (measured
 * with 2.1.330): an empty `objects/info/alternates` (the mount point of its own write denial; an
 * empty alternates file names no object store), and empty `.claude-sandbox-noreplace` folders in
 * `info/`, `objects/info/` and `objects/info/commit-graphs/` (then `commit-graphs` itself when it is
 * left empty), and the mount points of its denials of `config.worktree`, `glab-cli` and `remotes`
 * when they are empty. Only empty files and folders go, so nothing git reads changes. In: the common git
 * dir. Never throws (what it cannot remove is left).
 */
export function removeSandboxPlaceholders(commonDir: string): void {
  const quietly = (fn: () => void) => {
    try {
      fn();
    } catch {
      // absent, not empty, or not ours to remove
    }
  };
  const alternates = join(commonDir, 'objects', 'info', 'alternates');
  quietly(() => statSync(alternates).size === 0 && rmSync(alternates));
  for (const dir of ['info', 'objects/info', 'objects/info/commit-graphs']) quietly(() => rmdirSync(join(commonDir, dir, '.claude-sandbox-noreplace')));
  quietly(() => rmdirSync(join(commonDir, 'objects', 'info', 'commit-graphs')));
  // Mount points of its write denials: an empty `config.worktree` (git reads it only with
  // extensions.worktreeConfig, and an empty one sets nothing), empty `glab-cli` and `remotes` folders.
  const worktreeConfig = join(commonDir, 'config.worktree');
  quietly(() => statSync(worktreeConfig).size === 0 && rmSync(worktreeConfig));
  for (const dir of ['glab-cli', 'remotes']) quietly(() => rmdirSync(join(commonDir, dir)));
}
