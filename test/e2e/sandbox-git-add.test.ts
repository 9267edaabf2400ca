/**
 * `git add -A` inside the OS sandbox, end to end (real CLI, real claude and its sandbox, real git,
 * scripted model). Claude Code's sandbox covers `<worktree>/.env` with an empty device for every
 * Bash command (the session denies reading `.env` anywhere): without a `.env` in the worktree git
 * met a character device it cannot add, and with a tracked `.env` it saw the file emptied. Both
 * made the most common commit of an agent, `git add -A && git commit`, fail. The agent's excludes
 * file and the skip-worktree bit (src/runner/sandbox-attempt.ts) make it work, and the user's
 * tracked `.env` reaches the integration branch unchanged.
 */
import { describe, expect, it } from 'vitest';
import { startStandinModel } from '../../src/standin/server.js';
import { demoMarker } from '../../src/demo/sample.js';
import { doneFileItem, launch, makeNightRepo, nightEnv, nightFixture, startNight } from '../support/night.js';

const SUBJECT = 'added with git add -A';

/** One item whose agent writes done/<slug>.txt and commits with `git add -A`, then reports. */
async function nightWithGitAddAll(fixture: ReturnType<typeof nightFixture>, extraFiles: Record<string, string>) {
  fixture.model = await startStandinModel({
    scripts: [
      {
        marker: demoMarker('add-all'),
        turns: [
          { tool: 'Bash', input: { command: `mkdir -p done && echo ok > done/add-all.txt && git add -A && git commit -q -m "${SUBJECT}" && git status --porcelain`, description: 'Write and commit everything' } },
          { text: 'Committed done/add-all.txt.\n\nTASK_COMPLETE' },
        ],
      },
    ],
  });
  const repo = (fixture.repo = await makeNightRepo({ items: [doneFileItem(1, 'add-all')], concurrency: 1, retries: 0, checks: [], extraFiles }));
  const env = nightEnv(fixture.model.url);
  const { s, output } = await startNight(repo.root, env, await launch(repo.root, env));
  const branch = s.manifest.integrationBranch;
  return { repo, s, output, branch, subjects: repo.git('log', '--format=%s', `${s.manifest.baseCommit}..${branch}`).split('\n') };
}

describe('git add -A inside the OS sandbox', () => {
  const fixture = nightFixture();

  it('works in a worktree without a .env: the sandbox placeholder is not added', async () => {
    const { s, output, branch, subjects, repo } = await nightWithGitAddAll(fixture, {});
    expect(s.state.items['add-all']!.status, output).toBe('merged');
    expect(subjects, output).toContain(SUBJECT);
    expect(repo.git('ls-tree', '-r', '--name-only', branch).split('\n')).not.toContain('.env');
  }, 300_000);

  it('works with a tracked .env, which reaches the integration branch unchanged', async () => {
    const { s, output, branch, subjects, repo } = await nightWithGitAddAll(fixture, { '.env': 'TRACKED_DEFAULT=1\n' });
    expect(s.state.items['add-all']!.status, output).toBe('merged');
    expect(subjects, output).toContain(SUBJECT);
    expect(repo.git('show', `${branch}:.env`)).toBe('TRACKED_DEFAULT=1');
    expect(repo.git('diff', '--name-only', s.manifest.baseCommit, branch).split('\n')).not.toContain('.env');
  }, 300_000);
});
