/**
 * The backlog on the integration branch (issue 12, item 1), with real git: the merge commit sets
 * the item's file to `status: done` without touching the user's checkout or index, and `prepare`'s
 * reading of the night branches (shippedAwaitingReview) sees it until the base branch does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeNoFfByTree } from '../../src/runner/git.js';
import { markDoneInTree } from '../../src/runner/mark-done.js';
import { shippedAwaitingReview } from '../../src/plan/shipped.js';
import { preparePlan } from '../../src/plan/prepare.js';
import { removedAfterEach, makeRepo } from '../support/repo.js';

const repo = removedAfterEach(makeRepo);
const ITEM = `---\ntitle: Add CSV export  # the title\nstatus: ready\ntype: feature\nverify: 'true'\n---\n## Goal\nDo it.\n\n## Acceptance criteria\n- It is done.\n`;

describe('the merge marks the item done on the integration branch', () => {
  it('in the merge commit, byte-identical but for the status, with the checkout and index untouched', async () => {
    const r = repo({ 'backlog/001-csv.md': `${ITEM.replace('status: ready', 'status: ready # by hand')}`, 'backlog/002-docs.md': ITEM });
    r.git('branch', 'overnight/s1');
    r.git('switch', '-q', '-c', 'overnight/s1--csv');
    r.write({ 'csv.js': 'x\n' });
    r.commit('csv');
    r.git('switch', '-q', 'main');
    r.write({ 'README.md': '# edited by the user, not staged\n' });
    const index = readFileSync(join(r.root, '.git/index'));
    const status = r.git('status', '--porcelain');

    let outcome: Awaited<ReturnType<typeof markDoneInTree>> | undefined;
    const merged = await mergeNoFfByTree(r.root, 'overnight/s1', 'overnight/s1--csv', 'overnight: merge 001-csv: Add CSV export', {
      editTree: async (tree) => (outcome = await markDoneInTree(r.root, tree, 'backlog/001-csv.md')).tree,
    });
    expect(merged.ok).toBe(true);
    expect(outcome).toMatchObject({ marked: true });
    const onBranch = r.git('show', 'overnight/s1:backlog/001-csv.md');
    expect(onBranch).toBe(r.git('show', 'main:backlog/001-csv.md').replace('status: ready # by hand', 'status: done # by hand'));
    expect(r.git('show', 'overnight/s1:csv.js')).toBe('x');
    expect(r.git('log', '-1', '--format=%P', 'overnight/s1').split(' ')).toHaveLength(2);
    // The user's checkout: same file, same index, same status.
    expect(readFileSync(join(r.root, 'backlog/001-csv.md'), 'utf8')).toContain('status: ready # by hand');
    expect(readFileSync(join(r.root, '.git/index')).equals(index)).toBe(true);
    expect(r.git('status', '--porcelain')).toBe(status);

    // prepare: the item is shipped, awaiting review; the other one runs.
    expect(await shippedAwaitingReview(r.root, 'main', [{ id: 1, status: 'ready', file: 'backlog/001-csv.md' }, { id: 2, status: 'ready', file: 'backlog/002-docs.md' }] as never)).toEqual(
      new Map([[1, 'overnight/s1']]),
    );
    const { plan } = await preparePlan(r.root);
    expect(plan.ineligible).toEqual([expect.objectContaining({ slug: 'csv', reason: 'shipped in overnight/s1, awaiting review' })]);
    expect(plan.rounds.flatMap((x) => x.items.map((i) => i.item.slug))).toEqual(['docs']);

    // The docs' other way out: deleting the night branch makes the item plannable again.
    r.git('branch', '-c', 'overnight/s1', 'keep');
    r.git('branch', '-q', '-D', 'overnight/s1');
    expect((await preparePlan(r.root)).plan.ineligible).toEqual([]);
    r.git('branch', '-m', 'keep', 'overnight/s1');

    // After the pull request is merged into main, the branch no longer counts; the item is done.
    r.git('merge', '-q', '--no-ff', '-m', 'PR', 'overnight/s1');
    expect(await shippedAwaitingReview(r.root, 'main', [{ id: 1, status: 'ready', file: 'backlog/001-csv.md' }] as never)).toEqual(new Map());
    const after = await preparePlan(r.root);
    expect(after.plan.ineligible).toEqual([]);
    expect(after.plan.notCandidates).toEqual({ done: 1, dropped: 0 });
  });

  it('leaves the tree as it is for a file git does not track, or one already done', async () => {
    const r = repo({ 'backlog/002-done.md': ITEM.replace('status: ready', 'status: done') });
    const tree = r.git('rev-parse', 'HEAD^{tree}');
    expect(await markDoneInTree(r.root, tree, 'backlog/001-untracked.md')).toEqual({ tree, marked: false, why: 'not-tracked' });
    expect(await markDoneInTree(r.root, tree, 'backlog/002-done.md')).toEqual({ tree, marked: false, why: 'already-done' });
  });

  it('an item branch (overnight/<id>--<slug>) is not an integration branch', async () => {
    const r = repo({ 'backlog/001-csv.md': ITEM });
    r.git('switch', '-q', '-c', 'overnight/s1--csv');
    r.write({ 'backlog/001-csv.md': ITEM.replace('status: ready', 'status: done') });
    r.commit('the agent marked it');
    r.git('switch', '-q', 'main');
    expect(await shippedAwaitingReview(r.root, 'main', [{ id: 1, status: 'ready', file: 'backlog/001-csv.md' }] as never)).toEqual(new Map());
  });
});
