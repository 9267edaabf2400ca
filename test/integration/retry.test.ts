/**
 * `overnight retry` through runSession with a fake agent and real git: failed items (and the items
 * they blocked) run again as fresh attempts in a new run, merged into the same integration branch;
 * the retry limits start again; the brief carries the last failure; refusals are clear.
 */
import { describe, expect, it } from 'vitest';
import { runSession } from '../../src/runner/process.js';
import { integrationBranch } from '../../src/session/paths.js';
import { readEvents, readState } from '../../src/session/store.js';
import { removedAfterEach } from '../support/repo.js';
import { commitIn, fakeAgent, git, item, launch, ok, repoWith, testDeps, writesAndCommits } from './runner-support.js';

const repo = removedAfterEach(repoWith);
/** An attempt that commits but whose success condition (`test -f <slug>.ok`) fails. */
const failsCheck = (slug: string) => (opts: { cwd: string }) => {
  commitIn(opts.cwd, { [`${slug}.txt`]: 'wrong' });
  return ok();
};

describe('overnight retry', () => {
  it('re-runs the failed item and the one it blocked, on the same integration branch, with a fresh retry budget', async () => {
    const r = repo({
      ...item(1, 'alpha', { verify: 'test -f alpha.ok' }),
      ...item(2, 'beta', { blocked_by: [1] }),
      ...item(3, 'gamma'),
    });
    const id = await launch(r);
    const night = fakeAgent({ alpha: failsCheck('alpha'), gamma: writesAndCommits({ 'gamma.txt': 'g' }) });
    const run1 = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(night.run).deps });
    expect(run1).toMatchObject({ phase: 'complete' });
    let s = readState(r.root, id);
    expect([s.items.alpha!.status, s.items.beta!.status, s.items.gamma!.status]).toEqual(['failed', 'blocked', 'merged']);
    expect(s.items.alpha!.attempts).toHaveLength(2); // taskRetries: 1
    const gammaMerge = s.items.gamma!.mergeCommit!;

    // A retry whose first attempt fails again still gets its retry: the limit counts this run only.
    const retry = fakeAgent({
      alpha: (opts, n) => {
        if (n === 1) return failsCheck('alpha')(opts);
        commitIn(opts.cwd, { 'alpha.ok': 'yes' });
        return ok();
      },
      beta: writesAndCommits({ 'beta.txt': 'b' }),
    });
    const { deps, briefs } = testDeps(retry.run);
    const run2 = await runSession({ repoRoot: r.root, sessionId: id, mode: 'retry', items: ['alpha'], deps });
    expect(run2).toMatchObject({ phase: 'complete', counts: { merged: 3 } });
    s = readState(r.root, id);
    expect(s.run).toBe(2);
    expect(s.retries).toEqual([expect.objectContaining({ run: 2, items: ['alpha', 'beta'] })]);
    expect(s.items.alpha!.attempts.map((a) => [a.n, a.run ?? 1, a.outcome])).toEqual([
      [1, 1, 'failed'],
      [2, 1, 'failed'],
      [3, 2, 'failed'],
      [4, 2, 'complete'],
    ]);
    // The first retried attempt was told why the last one failed.
    const alphaBriefs = briefs.filter((b) => b.item.slug === 'alpha');
    expect(alphaBriefs[0].previousAttempt).toMatchObject({ n: 2, failure: expect.stringContaining('success condition') });
    // One integration branch: gamma's merge from the night is still there, alpha and beta on top of it.
    const integ = integrationBranch(id);
    expect(git(r.root, 'merge-base', '--is-ancestor', gammaMerge, integ)).toBe('');
    const merges = git(r.root, 'log', '--merges', '--format=%s', integ).split('\n');
    expect(merges.filter((m) => m.startsWith('overnight: merge'))).toHaveLength(3);
    expect(git(r.root, 'show', `${integ}:alpha.ok`)).toBe('yes');
    expect(readEvents(r.root, id).find((e) => e.type === 'session_retried')).toMatchObject({ retry: ['alpha', 'beta'], run: 2, previousPhase: 'complete' });

    // Nothing left to retry, and a merged item is refused by name.
    await expect(runSession({ repoRoot: r.root, sessionId: id, mode: 'retry', items: [], deps })).rejects.toMatchObject({ code: 'retry.nothing' });
    await expect(runSession({ repoRoot: r.root, sessionId: id, mode: 'retry', items: ['gamma'], deps })).rejects.toMatchObject({ code: 'retry.not-failed' });
  });

  it('refuses a session that has not run yet, and resume on a finished night points at retry', async () => {
    const r = repo({ ...item(1, 'alpha', { verify: 'test -f alpha.ok' }) });
    const id = await launch(r);
    const { deps } = testDeps(fakeAgent({}).run);
    await expect(runSession({ repoRoot: r.root, sessionId: id, mode: 'retry', items: [], deps })).rejects.toMatchObject({ code: 'retry.not-run', fix: expect.stringContaining(`overnight start --session ${id}`) });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(fakeAgent({ alpha: failsCheck('alpha') }).run).deps });
    await expect(runSession({ repoRoot: r.root, sessionId: id, mode: 'resume', deps })).rejects.toMatchObject({
      code: 'resume.nothing',
      fix: expect.stringContaining(`overnight retry --session ${id}`),
    });
  });
});
