import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addItemWorktree,
  backupRefName,
  backupSessionBranches,
  commitLeftovers,
  commitsBetween,
  createBranch,
  ensureBranchWorktree,
  ensureExcluded,
  findMergeCommit,
  isAncestor,
  LEFTOVER_COMMIT_MESSAGE,
  mergeNoFf,
  removeWorktree,
  resetHard,
  resolveCommits,
} from '../../src/runner/git.js';
import { tempRepos } from '../support/repo.js';
import { commitIn, git } from './runner-support.js';

const repo = tempRepos();

describe('runner git operations', () => {
  it('creates an item worktree from the integration branch without touching the user checkout', async () => {
    const r = repo({ 'a.txt': 'base\n' });
    r.write({ 'dirty.txt': 'user work in progress\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const wt = join(r.root, '.overnight/worktrees/s/item');
    await addItemWorktree(r.root, wt, 'overnight/s--item', 'overnight/s');
    expect(readFileSync(join(wt, 'a.txt'), 'utf8')).toBe('base\n');
    expect(git(wt, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('overnight/s--item');
    expect(git(r.root, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(readFileSync(join(r.root, 'dirty.txt'), 'utf8')).toBe('user work in progress\n');

    // Recreating gives a CLEAN worktree on a branch reset to the start point.
    commitIn(wt, { 'b.txt': 'x' });
    writeFileSync(join(wt, 'junk.txt'), 'junk');
    await addItemWorktree(r.root, wt, 'overnight/s--item', 'overnight/s');
    expect(existsSync(join(wt, 'b.txt'))).toBe(false);
    expect(existsSync(join(wt, 'junk.txt'))).toBe(false);
    expect(git(r.root, 'rev-parse', 'overnight/s--item')).toBe(git(r.root, 'rev-parse', 'main'));

    await removeWorktree(r.root, wt);
    expect(existsSync(wt)).toBe(false);
    expect(git(r.root, 'worktree', 'list')).not.toContain('item');
  });

  it('creates an item worktree where a worktree record outlived its folder (git worktree prune)', async () => {
    const r = repo({ 'a.txt': 'base\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const wt = join(r.root, '.overnight/worktrees/s/item');
    await addItemWorktree(r.root, wt, 'overnight/s--item', 'overnight/s');
    // The folder goes, git's record of it stays ("missing but already registered"; the branch is "checked out" there).
    rmSync(wt, { recursive: true, force: true });
    expect(git(r.root, 'worktree', 'list', '--porcelain')).toContain('item');
    await addItemWorktree(r.root, wt, 'overnight/s--item', 'overnight/s');
    expect(readFileSync(join(wt, 'a.txt'), 'utf8')).toBe('base\n');
    expect(git(wt, 'status', '--porcelain')).toBe('');
  });

  it('resolves several refs in one git rev-parse, undefined for one that does not exist', async () => {
    const r = repo({ 'a.txt': 'base\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const main = git(r.root, 'rev-parse', 'main');
    expect(await resolveCommits(r.root, ['refs/heads/main', 'refs/heads/overnight/s'])).toEqual([main, main]);
    expect(await resolveCommits(r.root, ['refs/heads/main', 'refs/heads/nope'])).toEqual([main, undefined]);
    // One process when every ref exists (git's trace of the processes it starts).
    const trace = join(mkdtempSync(join(tmpdir(), 'overnight-trace-')), 'trace.json');
    process.env.GIT_TRACE2_EVENT = trace;
    try {
      await resolveCommits(r.root, ['refs/heads/main', 'refs/heads/overnight/s']);
    } finally {
      delete process.env.GIT_TRACE2_EVENT;
    }
    const starts = readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes('"event":"start"'));
    expect(starts).toHaveLength(1);
  });

  it('commits leftovers with the runner message and counts commits ahead', async () => {
    const r = repo();
    await createBranch(r.root, 'overnight/s', 'main');
    const wt = join(r.root, '.overnight/worktrees/s/item');
    await addItemWorktree(r.root, wt, 'overnight/s--item', 'overnight/s');
    const start = git(wt, 'rev-parse', 'HEAD');
    expect(await commitLeftovers(wt)).toBe(false);
    commitIn(wt, { 'one.txt': '1' });
    writeFileSync(join(wt, 'left.txt'), 'left over');
    expect(await commitLeftovers(wt)).toBe(true);
    expect(git(wt, 'log', '-1', '--format=%s')).toBe(LEFTOVER_COMMIT_MESSAGE);
    expect(await commitsBetween(wt, start, 'HEAD')).toHaveLength(2);
  });

  it('backs up every branch the runner owns', async () => {
    const r = repo();
    await createBranch(r.root, 'overnight/s', 'main');
    await createBranch(r.root, 'overnight/s--a', 'main');
    await createBranch(r.root, 'overnight/other', 'main');
    const branches = await backupSessionBranches(r.root, 's');
    expect(branches.sort()).toEqual(['overnight/s', 'overnight/s--a']);
    expect(git(r.root, 'rev-parse', backupRefName('s', 'overnight/s--a'))).toBe(git(r.root, 'rev-parse', 'main'));
    expect(git(r.root, 'for-each-ref', '--format=%(refname)', 'refs/overnight-backup/')).not.toContain('other');
  });

  it('merges --no-ff in the integration worktree, and undoes it with reset --hard there', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const integ = join(r.root, '.overnight/worktrees/s/_integration');
    await ensureBranchWorktree(r.root, integ, 'overnight/s');
    await ensureBranchWorktree(r.root, integ, 'overnight/s'); // idempotent
    const wt = join(r.root, '.overnight/worktrees/s/item');
    await addItemWorktree(r.root, wt, 'overnight/s--item', 'overnight/s');
    commitIn(wt, { 'b.txt': 'b\n' });
    const res = await mergeNoFf(integ, 'overnight/s--item', 'overnight: merge 001-item: Item');
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(git(integ, 'rev-list', '--parents', '-n1', 'HEAD').split(' ')).toHaveLength(3); // a merge commit, even though a fast-forward was possible
    expect(await findMergeCommit(r.root, 'overnight/s', 'overnight: merge 001-item:')).toBe(res.mergeCommit);
    expect(await isAncestor(r.root, git(r.root, 'rev-parse', 'overnight/s--item'), 'overnight/s')).toBe(true);
    await resetHard(integ, res.before);
    expect(git(r.root, 'rev-parse', 'overnight/s')).toBe(res.before);
    expect(git(r.root, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
  });

  it('aborts a conflicting merge and names the conflicting files', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const integ = join(r.root, '.overnight/worktrees/s/_integration');
    await ensureBranchWorktree(r.root, integ, 'overnight/s');
    const wt1 = join(r.root, '.overnight/worktrees/s/one');
    const wt2 = join(r.root, '.overnight/worktrees/s/two');
    await addItemWorktree(r.root, wt1, 'overnight/s--one', 'overnight/s');
    await addItemWorktree(r.root, wt2, 'overnight/s--two', 'overnight/s');
    commitIn(wt1, { 'a.txt': 'one\n' });
    commitIn(wt2, { 'a.txt': 'two\n' });
    expect((await mergeNoFf(integ, 'overnight/s--one', 'm1')).ok).toBe(true);
    const before = git(integ, 'rev-parse', 'HEAD');
    const res = await mergeNoFf(integ, 'overnight/s--two', 'm2');
    expect(res).toMatchObject({ ok: false, conflicts: ['a.txt'] });
    expect(git(integ, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(integ, 'status', '--porcelain')).toBe('');
  });

  it('writes the exclude line to the common git dir, once, even from a linked worktree', async () => {
    const r = repo();
    const linked = join(mkdtempSync(join(tmpdir(), 'overnight-linked-')), 'wt');
    git(r.root, 'worktree', 'add', '-q', '-b', 'side', linked);
    expect(await ensureExcluded(linked, '/.overnight/')).toBe(true);
    expect(await ensureExcluded(r.root, '/.overnight/')).toBe(false);
    const text = readFileSync(join(r.root, '.git/info/exclude'), 'utf8');
    expect(text.split('\n').filter((l) => l === '/.overnight/')).toHaveLength(1);
  });
});
