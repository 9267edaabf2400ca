// Recycling runner worktrees (src/runner/git.ts): reset in place, move, merge without a work tree,
// batch removal. Real git repositories.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addItemWorktree,
  backupRefName,
  backupSessionBranches,
  cleanWorktree,
  createBranch,
  ensureExcluded,
  linkedWorktreeGitDir,
  listWorktrees,
  mergeNoFfByTree,
  moveWorktree,
  removeWorktrees,
  resetItemWorktree,
} from '../../src/runner/git.js';
import { makeRepo, removedAfterEach } from '../support/repo.js';
import { commitIn, git } from './runner-support.js';

const repo = removedAfterEach((files: Record<string, string> = {}) => makeRepo({ '.gitignore': 'build/\n', ...files }));

describe('recycled worktrees', () => {
  it('resets a used worktree in place to a new branch: nothing of the previous item leaks, its branch is kept', async () => {
    const r = repo({ 'a.txt': 'base\n', 'keep/b.txt': 'b\n' });
    await ensureExcluded(r.root, '/.overnight/');
    r.write({ 'user-untracked.txt': 'user work in progress\n', 'build/user.o': 'ignored user file\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const start = git(r.root, 'rev-parse', 'overnight/s');
    const wt = join(r.root, '.overnight/worktrees/s/one');
    await addItemWorktree(r.root, wt, 'overnight/s--one', start);
    // The previous item: a commit, a modified tracked file, a staged file, untracked and ignored files, a nested repo.
    commitIn(wt, { 'one.txt': 'one\n' });
    const oneTip = git(wt, 'rev-parse', 'HEAD');
    writeFileSync(join(wt, 'a.txt'), 'changed\n');
    writeFileSync(join(wt, 'staged.txt'), 'staged\n');
    git(wt, 'add', 'staged.txt');
    writeFileSync(join(wt, 'untracked.txt'), 'x\n');
    mkdirSync(join(wt, 'build'), { recursive: true });
    writeFileSync(join(wt, 'build/out.o'), 'ignored\n');
    mkdirSync(join(wt, 'nested'));
    git(join(wt, 'nested'), 'init', '-q');

    const two = join(r.root, '.overnight/worktrees/s/two');
    expect(await moveWorktree(r.root, wt, two)).toBe(true);
    expect(existsSync(wt)).toBe(false);
    expect(await resetItemWorktree(r.root, two, 'overnight/s--two', start)).toBe(true);

    expect(git(two, 'symbolic-ref', '--short', 'HEAD')).toBe('overnight/s--two');
    expect(git(two, 'rev-parse', 'HEAD')).toBe(start);
    expect(git(two, 'status', '--porcelain', '--ignored', '--untracked-files=all')).toBe('');
    expect(readFileSync(join(two, 'a.txt'), 'utf8')).toBe('base\n');
    for (const f of ['one.txt', 'staged.txt', 'untracked.txt', 'build', 'nested']) expect(existsSync(join(two, f))).toBe(false);
    // The earlier item's branch keeps its work; the user's checkout is untouched.
    expect(git(r.root, 'rev-parse', 'overnight/s--one')).toBe(oneTip);
    expect(git(r.root, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(readFileSync(join(r.root, 'user-untracked.txt'), 'utf8')).toBe('user work in progress\n');
    expect(readFileSync(join(r.root, 'build/user.o'), 'utf8')).toBe('ignored user file\n');
    expect((await listWorktrees(r.root)).map((w) => w.path)).toContain(two);
  });

  it('a spare cleaned before it is moved and checked out ends as clean as one cleaned after', async () => {
    const r = repo({ 'a.txt': 'base\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const start = git(r.root, 'rev-parse', 'overnight/s');
    const wt = join(r.root, '.overnight/worktrees/s/one');
    await addItemWorktree(r.root, wt, 'overnight/s--one', start);
    commitIn(wt, { 'one.txt': 'one\n' });
    mkdirSync(join(wt, 'build'));
    writeFileSync(join(wt, 'build/out.o'), 'ignored\n');
    writeFileSync(join(wt, 'untracked.txt'), 'x\n');
    expect(await cleanWorktree(r.root, wt)).toBe(true);
    const two = join(r.root, '.overnight/worktrees/s/two');
    expect(await moveWorktree(r.root, wt, two)).toBe(true);
    expect(await resetItemWorktree(r.root, two, 'overnight/s--two', start, { cleaned: true })).toBe(true);
    expect(git(two, 'status', '--porcelain', '--ignored', '--untracked-files=all')).toBe('');
    expect(existsSync(join(two, 'one.txt'))).toBe(false);
    expect(await cleanWorktree(r.root, join(r.root, 'nowhere'))).toBe(false);
  });

  it('resets the same branch for a retry (the failed attempt stays in the backup ref)', async () => {
    const r = repo({ 'a.txt': 'base\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const start = git(r.root, 'rev-parse', 'overnight/s');
    const wt = join(r.root, '.overnight/worktrees/s/one');
    await addItemWorktree(r.root, wt, 'overnight/s--one', start);
    commitIn(wt, { 'half.txt': 'half\n' });
    const failed = git(wt, 'rev-parse', 'HEAD');
    await backupSessionBranches(r.root, 's');
    expect(await resetItemWorktree(r.root, wt, 'overnight/s--one', start)).toBe(true);
    expect(git(wt, 'rev-parse', 'HEAD')).toBe(start);
    expect(existsSync(join(wt, 'half.txt'))).toBe(false);
    expect(git(r.root, 'rev-parse', backupRefName('s', 'overnight/s--one'))).toBe(failed);
  });

  it('refuses (changing nothing) a worktree it cannot reset soundly; never reaches the user checkout', async () => {
    const r = repo({ 'a.txt': 'base\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const start = git(r.root, 'rev-parse', 'overnight/s');
    const wt = join(r.root, '.overnight/worktrees/s/one');
    // assume-unchanged hides a change from reset --hard.
    await addItemWorktree(r.root, wt, 'overnight/s--one', start);
    git(wt, 'update-index', '--assume-unchanged', 'a.txt');
    expect(await resetItemWorktree(r.root, wt, 'overnight/s--one', start)).toBe(false);
    // An operation in progress.
    await addItemWorktree(r.root, wt, 'overnight/s--one', start);
    const admin = await linkedWorktreeGitDir(r.root, wt);
    expect(admin).toBeDefined();
    writeFileSync(join(admin!, 'MERGE_HEAD'), `${start}\n`);
    expect(await resetItemWorktree(r.root, wt, 'overnight/s--one', start)).toBe(false);
    // A worktree whose .git file is gone: git run there would find the user's repository.
    await addItemWorktree(r.root, wt, 'overnight/s--one', start);
    r.write({ 'dirty.txt': 'user work in progress\n' });
    rmSync(join(wt, '.git'));
    expect(await linkedWorktreeGitDir(r.root, wt)).toBeUndefined();
    expect(await resetItemWorktree(r.root, wt, 'overnight/s--one', start)).toBe(false);
    expect(await moveWorktree(r.root, wt, join(r.root, '.overnight/worktrees/s/two'))).toBe(false);
    expect(readFileSync(join(r.root, 'dirty.txt'), 'utf8')).toBe('user work in progress\n');
    expect(git(r.root, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    // A plain folder is not a worktree.
    expect(await linkedWorktreeGitDir(r.root, r.root)).toBeUndefined();
  });

  it('merges --no-ff without a work tree; a conflict changes nothing and names the files', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const before = git(r.root, 'rev-parse', 'overnight/s');
    const wt1 = join(r.root, '.overnight/worktrees/s/one');
    const wt2 = join(r.root, '.overnight/worktrees/s/two');
    await addItemWorktree(r.root, wt1, 'overnight/s--one', before);
    await addItemWorktree(r.root, wt2, 'overnight/s--two', before);
    commitIn(wt1, { 'a.txt': 'one\n', 'new.txt': 'n\n' });
    commitIn(wt2, { 'a.txt': 'two\n' });
    const res = await mergeNoFfByTree(r.root, 'overnight/s', 'overnight/s--one', 'overnight: merge 001-one: One', { backupRef: backupRefName('s', 'overnight/s') });
    if (!res.ok) throw new Error(res.message);
    expect(res.before).toBe(before);
    expect(git(r.root, 'rev-parse', backupRefName('s', 'overnight/s'))).toBe(before);
    expect(git(r.root, 'rev-parse', 'overnight/s')).toBe(res.mergeCommit);
    expect(git(r.root, 'rev-list', '--parents', '-n', '1', 'overnight/s').split(' ')).toEqual([res.mergeCommit, before, git(r.root, 'rev-parse', 'overnight/s--one')]);
    expect(git(r.root, 'log', '-1', '--format=%s', 'overnight/s')).toBe('overnight: merge 001-one: One');
    expect(git(r.root, 'show', 'overnight/s:new.txt')).toBe('n');
    const conflict = await mergeNoFfByTree(r.root, 'overnight/s', 'overnight/s--two', 'm2');
    expect(conflict.ok).toBe(false);
    if (!conflict.ok) expect(conflict.conflicts).toEqual(['a.txt']);
    expect(git(r.root, 'rev-parse', 'overnight/s')).toBe(res.mergeCommit);
    expect(git(r.root, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
  });

  it('removes several worktrees at once and keeps their branches', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    await createBranch(r.root, 'overnight/s', 'main');
    const paths = ['one', 'two', 'three'].map((n) => join(r.root, '.overnight/worktrees/s', n));
    for (const [i, p] of paths.entries()) await addItemWorktree(r.root, p, `overnight/s--${i}`, 'overnight/s');
    await removeWorktrees(r.root, [...paths, join(r.root, '.overnight/worktrees/s/missing')]);
    for (const p of paths) expect(existsSync(p)).toBe(false);
    expect((await listWorktrees(r.root)).map((w) => w.path)).toEqual([r.root]);
    expect(git(r.root, 'branch', '--list', 'overnight/s--*')).toContain('overnight/s--2');
  });
});
