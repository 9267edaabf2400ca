/**
 * Conflict repair in the night loop (issue 9, mechanism 1), with a fake agent and real git: a
 * merge that git's own ort merge can join needs no re-run; a conflicted one re-runs the item from
 * the integration branch as it stands now, without using up a task retry (`agent.retries`), at
 * most `agent.conflict_retries` times. The real-CLI proof is test/e2e/conflict.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSession } from '../../src/runner/process.js';
import { readEvents, readState } from '../../src/session/store.js';
import { removedAfterEach } from '../support/repo.js';
import { commitIn, fakeAgent, git, item, launch, ok, repoWith, testDeps, type Behaviour } from './runner-support.js';

const repo = removedAfterEach(repoWith);

/** Resolves once `count` callers have arrived: agents that must all start before any merges. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((r) => (open = r));
  return () => {
    arrived++;
    if (arrived >= count) open();
    return all;
  };
}

/** Waits until `cond()` holds (polling every 25 ms), at most `ms`; throws after that. */
async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const LINES = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
const appendLine = (cwd: string, text: string) => commitIn(cwd, { 'CHANGELOG.md': `${readFileSync(join(cwd, 'CHANGELOG.md'), 'utf8')}${text}\n` });

describe('conflict repair (fake agent, real git)', () => {
  it("merges without any re-run when git's own merge joins the two items' changes to one file", async () => {
    const r = repo({ ...item(1, 'upper'), ...item(2, 'lower'), 'shared.txt': `${LINES.join('\n')}\n` }, 'concurrency: 2\n');
    const id = await launch(r);
    const arrive = barrier(2);
    const edit = (from: string, to: string): Behaviour => async (opts) => {
      await arrive();
      commitIn(opts.cwd, { 'shared.txt': readFileSync(join(opts.cwd, 'shared.txt'), 'utf8').replace(from, to) });
      return ok();
    };
    const agent = fakeAgent({ upper: edit('line 1\n', 'line 1 (upper)\n'), lower: edit('line 12\n', 'line 12 (lower)\n') });
    const { deps } = testDeps(agent.run);
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    const s = readState(r.root, id);
    expect(s.items.upper!.status).toBe('merged');
    expect(s.items.lower!.status).toBe('merged');
    // Both started from the same integration tip, so the second merge was a real three-way merge.
    expect(s.items.upper!.attempts[0]!.startCommit).toBe(s.items.lower!.attempts[0]!.startCommit);
    expect(agent.calls).toHaveLength(2);
    expect(readEvents(r.root, id).filter((e) => e.type === 'merge_conflict' || e.type === 'merge_failed')).toEqual([]);
    const merged = git(r.root, 'show', `overnight/${id}:shared.txt`).split('\n');
    expect(merged[0]).toBe('line 1 (upper)');
    expect(merged[11]).toBe('line 12 (lower)');
  });

  it('re-runs a conflicted item from the new integration tip without using up its task retry', async () => {
    const r = repo({ ...item(1, 'early'), ...item(2, 'late'), 'CHANGELOG.md': '# Changelog\n' }, 'concurrency: 2\n');
    const id = await launch(r);
    const arrive = barrier(2);
    const mergedEarly = () => git(r.root, 'log', '--format=%s', `overnight/${id}`).includes('merge 001-early');
    const agent = fakeAgent({
      early: async (opts) => {
        await arrive();
        appendLine(opts.cwd, '- early');
        return ok();
      },
      late: async (opts, n) => {
        if (n === 1) {
          await arrive();
          appendLine(opts.cwd, '- late');
          // Finish after early merged, so this merge is the one that conflicts.
          await waitFor(mergedEarly);
          return ok();
        }
        // The conflict re-run fails as a task (no commits); the task retry still comes.
        if (n === 2) return ok({ lastText: 'nothing done. TASK_COMPLETE' });
        appendLine(opts.cwd, '- late');
        return ok();
      },
    });
    // One task retry (testDeps); conflict re-runs: the default agent.conflict_retries, 1.
    const { deps, briefs } = testDeps(agent.run);
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    const s = readState(r.root, id);
    expect(s.items.early!.status).toBe('merged');
    expect(s.items.late!.status).toBe('merged');
    const attempts = s.items.late!.attempts;
    expect(attempts.map((a) => [a.outcome, a.failureKind])).toEqual([
      ['conflict', 'merge'],
      ['failed', 'task'],
      ['complete', undefined],
    ]);
    expect(attempts[0]!.conflict).toMatchObject({ files: ['CHANGELOG.md'], with: [{ id: 1, slug: 'early', title: 'Do early', mergeCommit: s.items.early!.mergeCommit }], rerun: true });
    expect(attempts[0]!.failure).toBe('merge conflict with the integration branch in: CHANGELOG.md (#1 early merged first and changed it)');
    // The re-run started from the integration branch holding early's merge.
    expect(attempts[1]!.startCommit).toBe(s.items.early!.mergeCommit);
    const lateBriefs = briefs.filter((b) => b.item.slug === 'late');
    expect(lateBriefs[1].previousAttempt).toMatchObject({ n: 1, kind: 'merge', conflict: { files: ['CHANGELOG.md'], with: [{ id: 1, slug: 'early' }], startCommit: attempts[0]!.startCommit, tip: attempts[0]!.conflict!.tip } });
    expect(lateBriefs[2].previousAttempt).toMatchObject({ n: 2, kind: 'task' });
    expect(lateBriefs[2].previousAttempt.conflict).toBeUndefined();
    // Both lines shipped; the conflicting attempt's work is kept.
    expect(git(r.root, 'show', `overnight/${id}:CHANGELOG.md`)).toBe('# Changelog\n- early\n- late');
    expect(git(r.root, 'rev-parse', `refs/overnight-backup/${id}/conflicts/late/attempt-1`)).toBe(attempts[0]!.conflict!.tip);
  });

  it('fails the item with a clear reason once agent.conflict_retries re-runs are used up', async () => {
    const r = repo({ ...item(1, 'first'), ...item(2, 'second'), 'shared.txt': 'base\n' }, 'concurrency: 1\nagent:\n  conflict_retries: 2\n');
    const id = await launch(r);
    const agent = fakeAgent({
      first: (opts) => {
        commitIn(opts.cwd, { 'shared.txt': 'first\n' });
        return ok();
      },
      second: (opts) => {
        // Every attempt rewrites shared.txt from the base version, as if first had not merged.
        git(opts.cwd, 'reset', '-q', '--hard', `overnight/${id}~1`);
        commitIn(opts.cwd, { 'shared.txt': 'second\n' });
        return ok();
      },
    });
    const { deps } = testDeps(agent.run, { retry: { taskRetries: 0, transientRetries: 0, transientBackoffMs: [0] } });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    const s = readState(r.root, id);
    expect(s.items.second).toMatchObject({
      status: 'failed',
      failureKind: 'merge',
      reason: 'merge conflict with the integration branch in: shared.txt (#1 first merged first and changed it); still conflicting after 2 conflict re-runs (agent.conflict_retries: 2)',
    });
    expect(s.items.second!.attempts.map((a) => a.conflict?.rerun)).toEqual([true, true, false]);
    expect(git(r.root, 'show', `overnight/${id}:shared.txt`)).toBe('first');
    const conflicts = readEvents(r.root, id).filter((e) => e.type === 'merge_conflict');
    expect(conflicts.map((e) => e.next)).toEqual(['rerun', 'rerun', 'give-up']);
    expect(readEvents(r.root, id).filter((e) => e.type === 'item_failed' && e.slug === 'second')).toHaveLength(1);
  });
});
