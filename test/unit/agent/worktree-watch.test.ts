/** File activity in a worktree (real files and a real linked git worktree). */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchWorktree, type WorktreeWatch } from '../../../src/agent/worktree-watch.js';
import { makeRepo, type TestRepo } from '../../support/repo.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const repos: TestRepo[] = [];
let watch: WorktreeWatch | undefined;
afterEach(() => {
  watch?.close();
  watch = undefined;
  for (const r of repos.splice(0)) r.remove();
});

/** Counts onChange calls; waits past the 200 ms throttle between steps. */
async function watched(root: string) {
  let changes = 0;
  watch = watchWorktree(root, () => changes++);
  await sleep(300); // the initial walk is asynchronous
  return {
    get changes() {
      return changes;
    },
    async step(fn: () => void): Promise<number> {
      await sleep(250);
      const before = changes;
      fn();
      await sleep(400);
      return changes - before;
    },
  };
}

describe('watchWorktree', () => {
  it('sees file changes at the root and in nested folders, and in folders created later', async () => {
    const repo = makeRepo({ 'src/deep/a.ts': 'x' });
    repos.push(repo);
    const w = await watched(repo.root);
    expect(await w.step(() => writeFileSync(join(repo.root, 'README.md'), 'changed'))).toBeGreaterThan(0);
    expect(await w.step(() => writeFileSync(join(repo.root, 'src/deep/a.ts'), 'y'))).toBeGreaterThan(0);
    await w.step(() => mkdirSync(join(repo.root, 'src/new/inner'), { recursive: true }));
    await sleep(300);
    expect(await w.step(() => writeFileSync(join(repo.root, 'src/new/inner/b.ts'), 'z'))).toBeGreaterThan(0);
  });

  it('ignores dependency folders', async () => {
    const repo = makeRepo({ 'node_modules/pkg/index.js': 'x' });
    repos.push(repo);
    const w = await watched(repo.root);
    expect(await w.step(() => writeFileSync(join(repo.root, 'node_modules/pkg/index.js'), 'y'))).toBe(0);
  });

  it('counts a commit in a linked worktree (its git dir) as activity', async () => {
    const repo = makeRepo();
    repos.push(repo);
    const wt = join(repo.root, '..', `${repo.root.split('/').pop()}-wt`);
    repo.git('worktree', 'add', '-q', '-b', 'item', wt);
    repos.push({ ...repo, root: wt, remove: () => rmSync(wt, { recursive: true, force: true }) });
    const w = await watched(wt);
    const gitIn = (...args: string[]) => repo.git('-C', wt, ...args);
    expect(await w.step(() => gitIn('commit', '-q', '--allow-empty', '-m', 'empty'))).toBeGreaterThan(0);
    expect(watch!.dirs).toBeGreaterThanOrEqual(2); // the worktree root and its git dir
  });

  it('stops adding folders at the limit', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`d${i}/f.txt`] = 'x';
    const repo = makeRepo(files);
    repos.push(repo);
    watch = watchWorktree(repo.root, () => {}, 5);
    await sleep(300);
    expect(watch.dirs).toBe(5);
  });
});
