/**
 * integration-guard.ts on real git repositories: the check (every runner merge still reachable
 * from the integration branch's tip), the automatic restore when nothing can be lost, and, for a
 * branch that now holds someone else's commits, the printed commands, followed here to the letter.
 * Also the report's git facts: a merge the tip no longer holds is not shipped.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { checkIntegrationBranch, recoverIntegrationBranch } from '../../src/runner/integration-guard.js';
import { collectGitFacts } from '../../src/report/git-facts.js';
import type { SessionManifest, SessionState } from '../../src/session/state.js';
import { GIT_ENV, tempRepos, type TestRepo } from '../support/repo.js';

const tempRepo = tempRepos();
const ID = '20260101-000000-abcd';
const BRANCH = `overnight/${ID}`;
const BACKUP = `refs/overnight-backup/${ID}/${BRANCH}`;

/** A repository with an integration branch holding two no-ff merges, its backup at the second. */
function night(): { repo: TestRepo; base: string; merges: string[] } {
  const repo = tempRepo({ 'a.txt': 'a\n' });
  const base = repo.git('rev-parse', 'HEAD');
  repo.git('branch', BRANCH, base);
  const merges: string[] = [];
  for (const name of ['one', 'two']) {
    repo.git('checkout', '-q', '-b', `${BRANCH}--${name}`, BRANCH);
    repo.write({ [`${name}.txt`]: `${name}\n` });
    repo.commit(`add ${name}`);
    repo.git('checkout', '-q', BRANCH);
    repo.git('merge', '-q', '--no-ff', '-m', `overnight: merge ${name}`, `${BRANCH}--${name}`);
    merges.push(repo.git('rev-parse', 'HEAD'));
  }
  repo.git('checkout', '-q', 'main');
  repo.git('update-ref', BACKUP, merges[1]!);
  return { repo, base, merges };
}

describe('checkIntegrationBranch', () => {
  test('holds while every merge is reachable, and names what a rewind or deletion lost', async () => {
    const { repo, base, merges } = night();
    expect(await checkIntegrationBranch(repo.root, BRANCH, [base, ...merges])).toEqual({ ok: true, tip: merges[1] });
    repo.git('update-ref', `refs/heads/${BRANCH}`, merges[0]!);
    expect(await checkIntegrationBranch(repo.root, BRANCH, [base, ...merges])).toEqual({ ok: false, cause: 'rewound', tip: merges[0], missing: [merges[1]] });
    repo.git('update-ref', '-d', `refs/heads/${BRANCH}`);
    expect(await checkIntegrationBranch(repo.root, BRANCH, [base, ...merges])).toEqual({ ok: false, cause: 'deleted', missing: [base, ...merges] });
  });
});

describe('recoverIntegrationBranch', () => {
  test('a rewind loses nothing: the branch goes back to its backup', async () => {
    const { repo, base, merges } = night();
    repo.git('update-ref', `refs/heads/${BRANCH}`, base);
    const hold = await checkIntegrationBranch(repo.root, BRANCH, [base, ...merges]);
    if (hold.ok) throw new Error('expected a moved branch');
    const recovery = await recoverIntegrationBranch(repo.root, ID, BRANCH, hold, [base, ...merges], new Map([[merges[0]!, '001-one'], [merges[1]!, '002-two']]));
    expect(recovery).toMatchObject({ restored: true, restoredTo: merges[1], commands: [] });
    expect(recovery.reason).toContain('it no longer holds the merges of 001-one, 002-two');
    expect(repo.git('rev-parse', BRANCH)).toBe(merges[1]);
  });

  test('a branch with commits the runner did not make is left alone; the printed commands keep them and restore', async () => {
    const { repo, base, merges } = night();
    // Someone reset the branch to the base and committed their own work on it.
    repo.git('checkout', '-q', BRANCH);
    repo.git('reset', '-q', '--hard', base);
    repo.write({ 'theirs.txt': 'theirs\n' });
    repo.commit('their own work');
    const theirs = repo.git('rev-parse', 'HEAD');
    repo.git('checkout', '-q', 'main');
    const hold = await checkIntegrationBranch(repo.root, BRANCH, [base, ...merges]);
    if (hold.ok) throw new Error('expected a moved branch');
    const recovery = await recoverIntegrationBranch(repo.root, ID, BRANCH, hold, [base, ...merges]);
    expect(recovery.restored).toBe(false);
    expect(repo.git('rev-parse', BRANCH)).toBe(theirs);
    expect(recovery.commands.at(-1)).toBe('overnight resume');
    for (const command of recovery.commands.slice(0, -1)) {
      expect(recovery.reason).toContain(`\`${command}\``);
      execFileSync('sh', ['-c', command], { cwd: repo.root, env: { ...process.env, ...GIT_ENV } });
    }
    expect(repo.git('rev-parse', BRANCH)).toBe(merges[1]);
    expect(repo.git('rev-parse', `${BRANCH}-moved-${theirs.slice(0, 7)}`)).toBe(theirs);
    expect(await checkIntegrationBranch(repo.root, BRANCH, [base, ...merges])).toEqual({ ok: true, tip: merges[1] });
  });

  test('a deleted branch whose backup is gone comes back at the newest merge that holds the others', async () => {
    const { repo, base, merges } = night();
    repo.git('update-ref', '-d', `refs/heads/${BRANCH}`);
    repo.git('update-ref', '-d', BACKUP);
    const hold = await checkIntegrationBranch(repo.root, BRANCH, [base, ...merges]);
    if (hold.ok) throw new Error('expected a moved branch');
    const recovery = await recoverIntegrationBranch(repo.root, ID, BRANCH, hold, [base, ...merges]);
    expect(recovery).toMatchObject({ restored: true, restoredTo: merges[1] });
    expect(repo.git('rev-parse', BRANCH)).toBe(merges[1]);
  });
});

describe('the report claims only what git holds', () => {
  test('a merged item whose merge the integration tip no longer reaches is a lost merge', async () => {
    const { repo, base, merges } = night();
    repo.git('update-ref', `refs/heads/${BRANCH}`, merges[0]!);
    const item = (slug: string, mergeCommit: string) => ({ slug, status: 'merged', mergeCommit, commits: [], attempts: [] });
    const manifest = { integrationBranch: BRANCH, baseCommit: base } as unknown as SessionManifest;
    const state = { items: { one: item('one', merges[0]!), two: item('two', merges[1]!) } } as unknown as SessionState;
    const facts = await collectGitFacts(repo.root, manifest, state);
    expect(facts.lostMerges).toEqual({ two: merges[1] });
    repo.git('update-ref', '-d', `refs/heads/${BRANCH}`);
    expect((await collectGitFacts(repo.root, manifest, state)).lostMerges).toEqual({ one: merges[0], two: merges[1] });
  });
});
