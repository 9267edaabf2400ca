/**
 * Where a session lives on disk and what its branches are called (DESIGN.md, "A session on disk"
 * and "Git model"). Pure functions of the repository root and the session id.
 *
 * Branch names: the integration branch is `overnight/<session-id>`. Item branches cannot be
 * `overnight/<session-id>/<slug>` as DESIGN.md first proposed, because git stores refs as files:
 * `refs/heads/overnight/<id>` (a file) and `refs/heads/overnight/<id>/<slug>` (needing a folder of
 * the same name) cannot both exist (git-check-ref-format / "cannot lock ref"). Item branches are
 * therefore `overnight/<session-id>--<slug>`, which sorts next to the integration branch.
 */
import { join } from 'node:path';

export const OVERNIGHT_DIR = '.overnight';

export function overnightDir(repoRoot: string): string {
  return join(repoRoot, OVERNIGHT_DIR);
}
export function sessionsDir(repoRoot: string): string {
  return join(repoRoot, OVERNIGHT_DIR, 'sessions');
}
export function sessionDir(repoRoot: string, sessionId: string): string {
  return join(sessionsDir(repoRoot), sessionId);
}
/** `.overnight/latest`, a symlink to `sessions/<session-id>`. */
export function latestLink(repoRoot: string): string {
  return join(repoRoot, OVERNIGHT_DIR, 'latest');
}
/** `.overnight/lock`: the runner's pid; one session at a time per repository. */
export function lockFile(repoRoot: string): string {
  return join(repoRoot, OVERNIGHT_DIR, 'lock');
}
export function worktreesDir(repoRoot: string, sessionId: string): string {
  return join(repoRoot, OVERNIGHT_DIR, 'worktrees', sessionId);
}
export function worktreePath(repoRoot: string, sessionId: string, slug: string): string {
  return join(worktreesDir(repoRoot, sessionId), slug);
}
/** Name of the folder of the agents' scratch folders inside the session's worktrees folder. */
export const SCRATCH_FOLDER = '_scratch';
/**
 * An item's scratch folder, `.overnight/worktrees/<id>/_scratch/<slug>`: outside its worktree (so
 * nothing there is ever committed), writable by its agent (an allowed path of its gates and of its
 * OS sandbox), named by OVERNIGHT_SCRATCH. Slugs are `[a-z0-9-]`, so `_scratch` never collides with an item's worktree.
 */
export function scratchPath(repoRoot: string, sessionId: string, slug: string): string {
  return join(worktreesDir(repoRoot, sessionId), SCRATCH_FOLDER, slug);
}

/** Name of the folder of the agents' own git object folders inside the session's worktrees folder. */
export const OBJECTS_FOLDER = '_objects';
/**
 * An item's git object folder, `.overnight/worktrees/<id>/_objects/<slug>`: where its agent's git
 * writes new objects while the repository's object store is read-only to it (OS sandbox on; see
 * src/runner/git-objects.ts). Emptied before each attempt and after the runner imports it.
 */
export function objectsPath(repoRoot: string, sessionId: string, slug: string): string {
  return join(worktreesDir(repoRoot, sessionId), OBJECTS_FOLDER, slug);
}

/** The files of one session folder. */
export function sessionFiles(repoRoot: string, sessionId: string) {
  const dir = sessionDir(repoRoot, sessionId);
  return {
    dir,
    plan: join(dir, 'plan.md'),
    manifest: join(dir, 'session.json'),
    state: join(dir, 'state.json'),
    events: join(dir, 'events.jsonl'),
    audit: join(dir, 'audit.jsonl'),
    deferred: join(dir, 'deferred'),
    features: join(dir, 'features'),
    runnerLog: join(dir, 'runner.log'),
    /** The --settings file given to every agent (permission deny rules: the second safety layer). */
    settings: join(dir, 'settings.json'),
    /** The session's safety policy context (protected branches, extra rules) that the hooks read. */
    policy: join(dir, 'policy.json'),
    /** The test ratchet: the project checks on the base commit, what is tolerated now, what items fixed (src/ratchet/). */
    checksBaseline: join(dir, 'checks-baseline.json'),
    reportMd: join(dir, 'morning-report.md'),
    reportJson: join(dir, 'report.json'),
  };
}

/** Per-item folder: transcripts, verify output, attempts. */
export function featureDir(repoRoot: string, sessionId: string, slug: string): string {
  return join(sessionDir(repoRoot, sessionId), 'features', slug);
}

export function integrationBranch(sessionId: string): string {
  return `overnight/${sessionId}`;
}
export function itemBranch(sessionId: string, slug: string): string {
  return `overnight/${sessionId}--${slug}`;
}

/**
 * Environment variables the runner sets for each agent, which the hooks read to find their session.
 * Outside an overnight session none are set and the hooks act in interactive mode.
 */
export const ENV = {
  sessionDir: 'OVERNIGHT_SESSION_DIR',
  worktree: 'OVERNIGHT_WORKTREE',
  itemSlug: 'OVERNIGHT_ITEM',
  ownBranch: 'OVERNIGHT_BRANCH',
  repoRoot: 'OVERNIGHT_REPO_ROOT',
  scratch: 'OVERNIGHT_SCRATCH',
} as const;
