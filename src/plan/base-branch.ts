/** The branch a night starts from (DESIGN.md, "Git model"), found with read-only git calls. */
import { simpleGit } from 'simple-git';
import { CONFIG_FILE, type OvernightConfig } from '../config/schema.js';
import { OvernightError } from '../util/errors.js';

/**
 * The base branch: config `base_branch` when set (it must name a commit: `git rev-parse --verify`),
 * else the branch checked out in `repoRoot` (`git symbolic-ref --short HEAD`; an unborn branch counts).
 * Throws OvernightError `config.base-branch` when the configured branch does not exist, and
 * `git.detached-head` when HEAD is detached and no base_branch is configured. Read-only.
 */
export async function resolveBaseBranch(repoRoot: string, config: Pick<OvernightConfig, 'base_branch'>): Promise<string> {
  const git = simpleGit({ baseDir: repoRoot });
  if (config.base_branch) {
    // simple-git only rejects when git also wrote to stderr, so the answer itself is checked too.
    let sha = '';
    let cause: unknown;
    try {
      sha = (await git.raw(['rev-parse', '--verify', '--end-of-options', `${config.base_branch}^{commit}`])).trim();
    } catch (error) {
      cause = error;
    }
    if (/^[0-9a-f]{40,64}$/.test(sha)) return config.base_branch;
    throw new OvernightError('config.base-branch', `base_branch '${config.base_branch}' is not a branch or commit in this repository`, {
      file: CONFIG_FILE,
      field: 'base_branch',
      fix: 'Set base_branch to an existing branch (see `git branch`), or remove it to start from the checked-out branch.',
      cause,
    });
  }
  try {
    const branch = (await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim();
    if (branch !== '') return branch;
  } catch {
    // detached HEAD: handled below
  }
  throw new OvernightError('git.detached-head', 'HEAD is detached, so there is no checked-out branch to start the night from', {
    field: 'base_branch',
    fix: `Check out a branch (git switch <branch>), or set base_branch in ${CONFIG_FILE}.`,
  });
}
