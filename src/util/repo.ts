/** Finding the repository a command runs in. */
import { simpleGit } from 'simple-git';
import { OvernightError } from './errors.js';

/**
 * Returns the absolute path of the top of the git work tree containing `cwd`
 * (`git rev-parse --show-toplevel`). Throws OvernightError `repo.not-git` when `cwd` is not in one.
 */
export async function findRepoRoot(cwd: string = process.cwd()): Promise<string> {
  try {
    const top = await simpleGit({ baseDir: cwd }).revparse(['--show-toplevel']);
    return top.trim();
  } catch (error) {
    throw new OvernightError('repo.not-git', `Not inside a git repository: ${cwd}`, {
      fix: 'Run overnight from the root of a git repository (git init, or cd into your project).',
      cause: error,
    });
  }
}
