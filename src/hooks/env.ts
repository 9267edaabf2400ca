/**
 * The environment a hook runs in. The runner sets OVERNIGHT_* (src/session/paths.ts ENV) on each
 * agent's claude process, and Claude Code passes its environment on to hook commands; it also sets
 * CLAUDE_PROJECT_DIR (the folder claude was started in) for hooks.
 */
import { ENV } from '../session/paths.js';

export interface HookEnv {
  /** OVERNIGHT_SESSION_DIR: the session folder; absent outside an overnight session. */
  sessionDir?: string;
  /** OVERNIGHT_WORKTREE: the item's worktree, the agent's boundary. */
  worktree?: string;
  /** OVERNIGHT_ITEM: the backlog item's slug. */
  item?: string;
  /** OVERNIGHT_BRANCH: the item branch, the only branch the agent may push. */
  ownBranch?: string;
  /** OVERNIGHT_REPO_ROOT: the main checkout of the repository. */
  repoRoot?: string;
  /** OVERNIGHT_SCRATCH: the item's scratch folder (outside the worktree, writable; its TMPDIR). */
  scratch?: string;
  /** CLAUDE_PROJECT_DIR: where Claude Code was started. */
  projectDir?: string;
  /** The user's home folder ($HOME). */
  home: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Reads a HookEnv from an environment object (default: process.env). Never throws. */
export function readHookEnv(env: NodeJS.ProcessEnv = process.env): HookEnv {
  return {
    sessionDir: nonEmpty(env[ENV.sessionDir]),
    worktree: nonEmpty(env[ENV.worktree]),
    item: nonEmpty(env[ENV.itemSlug]),
    ownBranch: nonEmpty(env[ENV.ownBranch]),
    repoRoot: nonEmpty(env[ENV.repoRoot]),
    scratch: nonEmpty(env[ENV.scratch]),
    projectDir: nonEmpty(env.CLAUDE_PROJECT_DIR),
    // HOME, not os.homedir(): loading the os module costs start-up time on every call.
    home: nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? '/',
  };
}
