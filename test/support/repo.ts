/**
 * Real git repositories for tests, in fresh temporary folders, with a git identity set in the
 * repository's own config (so commits work in any environment, CI included).
 */
import { existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach } from 'vitest';

/** Environment that gives git (and anything it runs) a fixed identity and no user/system config. */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Overnight Test',
  GIT_AUTHOR_EMAIL: 'test@overnight.invalid',
  GIT_COMMITTER_NAME: 'Overnight Test',
  GIT_COMMITTER_EMAIL: 'test@overnight.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
} as const;

export interface TestRepo {
  /** Absolute path of the work tree. */
  root: string;
  /** Runs git in the repository and returns trimmed stdout. */
  git(...args: string[]): string;
  /** Writes files (paths relative to root), creating folders. */
  write(files: Record<string, string>): void;
  /** Stages everything and commits. */
  commit(message: string): void;
  /** Deletes the folder. */
  remove(): void;
}

/**
 * Creates a git repository on branch `main` holding `files` in one initial commit.
 * Example: `makeRepo({ 'backlog/001-a.md': '...', 'package.json': '{}' })`.
 */
export function makeRepo(files: Record<string, string> = {}, options: { prefix?: string } = {}): TestRepo {
  const root = mkdtempSync(join(tmpdir(), options.prefix ?? 'overnight-repo-'));
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: root, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
  const write = (more: Record<string, string>): void => {
    for (const [path, content] of Object.entries(more)) {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', GIT_ENV.GIT_AUTHOR_NAME);
  git('config', 'user.email', GIT_ENV.GIT_AUTHOR_EMAIL);
  git('config', 'commit.gpgsign', 'false');
  write({ 'README.md': '# sample\n', ...files });
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  return {
    root,
    git,
    write,
    commit(message: string) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * For one test file: registers a vitest afterEach hook and returns `repo(files)`, which makes a
 * repository with makeRepo and has it removed after the current test.
 */
export function tempRepos(): (files?: Record<string, string>) => TestRepo {
  return removedAfterEach((files: Record<string, string> = {}) => makeRepo(files));
}

/**
 * Wraps a repository maker (makeRepo, or a test file's own, e.g. runner-support's repoWith) so
 * that every repository it makes is removed after each test (vitest afterEach). Call it at the top
 * level of a test file.
 */
export function removedAfterEach<Args extends unknown[]>(make: (...args: Args) => TestRepo): (...args: Args) => TestRepo {
  const made: TestRepo[] = [];
  afterEach(() => {
    for (const r of made.splice(0)) r.remove();
  });
  return (...args) => {
    const r = make(...args);
    made.push(r);
    return r;
  };
}

/** A backlog item file's text from frontmatter fields and a body. */
export function backlogItem(fields: Record<string, unknown>, body = '## Goal\nDo it.\n\n## Acceptance criteria\n- It is done.\n'): string {
  const yaml = Object.entries(fields)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`)
    .join('\n');
  return `---\n${yaml}\n---\n${body}`;
}

/**
 * The ids of every backlog item file (`NNN-slug.md`) in `root/backlog` (or `dir`), comma-joined:
 * the `--approve` list of a test that approves every item, as a user answering yes to each
 * `approval.ask` item would (tests of approval itself pass their own list).
 */
export function approveAllIds(root: string, dir = 'backlog'): string {
  const folder = join(root, dir);
  if (!existsSync(folder)) return '';
  return readdirSync(folder)
    .map((f) => /^(\d+)-.*\.md$/.exec(f)?.[1])
    .filter((id): id is string => id !== undefined)
    .map((id) => String(Number(id)))
    .join(',');
}
