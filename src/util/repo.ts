/** Finding the repository a command runs in. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OvernightError } from './errors.js';

const execFileAsync = promisify(execFile);

/**
 * Returns the absolute path of the top of the git work tree containing `cwd`
 * (`git rev-parse --show-toplevel`, git-rev-parse(1)). Throws OvernightError `repo.not-git` when
 * `cwd` is not in one. Runs git directly (node:child_process), so the light commands (status,
 * gate, skill-context) do not load a git library at start-up.
 */
export async function findRepoRoot(cwd: string = process.cwd()): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' });
    const top = stdout.trim();
    if (top === '') throw new Error('git rev-parse printed no work tree (a bare repository?)');
    return top;
  } catch (error) {
    throw new OvernightError('repo.not-git', `Not inside a git repository: ${cwd}`, {
      fix: 'Run overnight from the root of a git repository (git init, or cd into your project).',
      cause: error,
    });
  }
}
