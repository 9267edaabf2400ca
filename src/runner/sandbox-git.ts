/**
 * Which parts of a repository's git dir an agent's sandbox keeps read-only.
 *
 * Claude Code's sandbox makes the whole git dir of a linked worktree writable (so that `git commit`
 * works there). An agent's commit needs far less (gitrepository-layout(5)): its own worktree's
 * admin folder (`worktrees/<name>`: HEAD, index, logs/HEAD, lock files), its own branch's loose ref
 * and reflog (and the folders holding them, for `<ref>.lock`), and an object store, which the
 * runner gives it as a folder of its own (src/runner/sandbox-attempt.ts). So everything else that
 * exists in the git dir is denied, entry by entry along the paths to what the commit needs (a deny
 * on a folder would win over an allow below it). `hooks` and `config` are denied even when absent,
 * since creating them would run code in the user's own git commands.
 *
 * What stays open, and why that is acceptable, is in docs/safety-policy.md ("What git needs").
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What must stay writable, relative to the common git dir (POSIX separators). */
export interface GitWritable {
  /** `worktrees/<name>`: the item worktree's admin folder. */
  worktreeAdmin: string;
  /** The item branch, e.g. `overnight/<id>--<slug>`. */
  branch: string;
}

/** Entries that are denied even when they do not exist yet. */
const ALWAYS_DENIED = ['config', 'hooks'];

/**
 * The paths to keep read-only, in the order found. In: the common git dir (absolute) and what
 * must stay writable; `list` reads a folder's entry names (default readdirSync; [] when missing).
 * Out: absolute paths. The kept paths are `worktreeAdmin`, `refs/heads/<branch>` and
 * `logs/refs/heads/<branch>`; the folders on the way to them stay writable, their other entries
 * are denied, and nothing below a denied entry is listed.
 */
export function gitReadOnlyPaths(commonDir: string, keep: GitWritable, list: (dir: string) => string[] = listDir): string[] {
  const kept = [keep.worktreeAdmin, `refs/heads/${keep.branch}`, `logs/refs/heads/${keep.branch}`];
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of list(rel ? join(commonDir, rel) : commonDir)) {
      const child = rel ? `${rel}/${name}` : name;
      if (kept.includes(child)) continue;
      if (kept.some((k) => k.startsWith(`${child}/`))) walk(child);
      else out.push(join(commonDir, child));
    }
  };
  walk('');
  for (const name of ALWAYS_DENIED) {
    const path = join(commonDir, name);
    if (!out.includes(path)) out.push(path);
  }
  return out;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
