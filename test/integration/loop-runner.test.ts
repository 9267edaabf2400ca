/**
 * Loop mode in the night loop (fake agents, real git): a base-branch commit that conflicts with
 * the night's merged work is not merged into the integration branch, and the items it holds are
 * skipped with the conflicting files named, once; polling stops when less than loop.stop_before is
 * left and the night then ends.
 */
import { describe, expect, it } from 'vitest';
import { runSession } from '../../src/runner/process.js';
import { turnOnLoop } from '../../src/runner/loop-setting.js';
import { readEvents, readState } from '../../src/session/store.js';
import { removedAfterEach } from '../support/repo.js';
import { commitIn, fakeAgent, git, item, launch, ok, repoWith, testDeps, writesAndCommits } from './runner-support.js';

const repo = removedAfterEach(repoWith);
const CONFIG = 'concurrency: 1\nloop:\n  poll_interval: 1s\n  stop_before: 30s\nagent:\n  estimate: 1s\n';

describe('loop mode in the night loop', () => {
  it('skips the items of a base commit that conflicts with the night, naming the files, once', async () => {
    const r = repo({ ...item(1, 'alpha', { type: 'chore' }), ...item(2, 'gamma', { type: 'chore', blocked_by: [1] }), 'shared.txt': 'base\n' }, CONFIG);
    const id = await launch(r, { timeLimit: '1m' });
    await turnOnLoop(r.root, id);
    let userCommit = '';
    const agent = fakeAgent({
      alpha: writesAndCommits({ 'shared.txt': 'night\n' }),
      gamma: async (opts) => {
        // Meanwhile the user commits on the base branch: a change to the same line, and two new ready items.
        commitIn(r.root, { 'shared.txt': 'day\n', ...item(3, 'beta', { type: 'chore' }), ...item(4, 'delta', { type: 'bug', blocked_by: [3] }) }, 'day work');
        userCommit = git(r.root, 'rev-parse', 'HEAD');
        // Loop mode reads that commit while gamma works (it polls every second).
        for (let i = 0; i < 150 && readState(r.root, id).loop?.lastCommit !== userCommit; i++) await new Promise((done) => setTimeout(done, 100));
        commitIn(opts.cwd, { 'gamma.txt': 'g\n' });
        return ok();
      },
    });
    const { deps } = testDeps(agent.run);
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });

    expect(summary).toMatchObject({ phase: 'complete', counts: { merged: 2 } });
    const state = readState(r.root, id);
    expect(state.added ?? []).toEqual([]);
    expect(Object.keys(state.items).sort()).toEqual(['alpha', 'gamma']);
    expect(state.loop!.lastCommit).toBe(userCommit);
    const skipped = state.loop!.skipped.map((s) => [s.slug, s.reason]);
    expect(skipped).toEqual([
      ['beta', expect.stringMatching(/^main at [0-9a-f]{12} does not merge cleanly into the integration branch \(conflicts in shared\.txt\)$/)],
      ['delta', expect.stringMatching(/conflicts in shared\.txt/)],
    ]);
    expect(agent.calls.map((c) => c.slug)).toEqual(['alpha', 'gamma']);
    // Nothing of the user's commit reached the integration branch.
    expect(() => git(r.root, 'merge-base', '--is-ancestor', userCommit, `overnight/${id}`)).toThrow();
    const events = readEvents(r.root, id);
    expect(events.filter((e) => e.type === 'loop_merge_failed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'loop_item_skipped').map((e) => e.slug)).toEqual(['beta', 'delta']);
    // Polling stopped once less than 30 s of the 1 m were left, and the night ended then.
    const stopped = events.find((e) => e.type === 'loop_stopped')!;
    expect(String(stopped.reason)).toMatch(/loop\.stop_before/);
    const end = events.find((e) => e.type === 'session_end')!;
    expect(Date.parse(end.ts)).toBeLessThan(Date.parse(state.deadline!) - 10_000);
  }, 90_000);
});
