import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSession } from '../../src/runner/process.js';
import { readLock } from '../../src/session/lock.js';
import { featureDir, itemBranch, objectsPath, scratchPath, sessionFiles, worktreePath, worktreesDir } from '../../src/session/paths.js';
import { readEvents, readState } from '../../src/session/store.js';
import { notifyNightEnd } from '../../src/report/notify.js';
import { configSchema } from '../../src/config/schema.js';
import { removedAfterEach } from '../support/repo.js';
import { commitIn, fakeAgent, git, item, launch, ok, repoWith, testDeps, writesAndCommits } from './runner-support.js';

const repo = removedAfterEach(repoWith);

describe('the night loop (fake agent, real git)', () => {
  it('runs dependent items in order, merges them --no-ff, passes learnings on, and cleans up', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta', { blocked_by: [1], verify: 'test -f alpha.txt && test -f beta.txt' }) }, 'concurrency: 2\n');
    const id = await launch(r);
    const seen: Record<string, boolean> = {};
    const agent = fakeAgent({
      alpha: writesAndCommits({ 'alpha.txt': 'a\n' }, { learnings: 'The tests live in test/.' }),
      beta: (opts) => {
        seen.alphaVisible = existsSync(join(opts.cwd, 'alpha.txt')); // started from the integration branch AFTER alpha merged
        commitIn(opts.cwd, { 'beta.txt': 'b\n' });
        return ok();
      },
    });
    const { deps, briefs } = testDeps(agent.run);
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });

    expect(summary).toMatchObject({ phase: 'complete', counts: { merged: 2 } });
    expect(seen.alphaVisible).toBe(true);
    const state = readState(r.root, id);
    expect(state.items.alpha).toMatchObject({ status: 'merged', learnings: 'The tests live in test/.' });
    expect(state.items.beta!.status).toBe('merged');
    expect(state.items.alpha!.commits).toHaveLength(1);
    expect(state.deadline).toBeDefined();
    expect(state.endedAt).toBeDefined();

    const log = git(r.root, 'log', '--first-parent', '--format=%s', `overnight/${id}`).split('\n');
    // The merges, then alpha's learnings written to the learnings file on top (memory across nights).
    expect(log.slice(0, 3)).toEqual([`overnight: learnings of ${id} in docs/overnight-learnings.md`, 'overnight: merge 002-beta: Do beta', 'overnight: merge 001-alpha: Do alpha']);
    expect(briefs.find((b) => b.item.slug === 'beta').learnings).toEqual([{ slug: 'alpha', title: 'Do alpha', text: 'The tests live in test/.' }]);

    // Agent env and transcript.
    const call = agent.calls.find((c) => c.slug === 'alpha')!;
    expect(call.opts.env).toMatchObject({ OVERNIGHT_ITEM: 'alpha', OVERNIGHT_BRANCH: itemBranch(id, 'alpha'), OVERNIGHT_WORKTREE: worktreePath(r.root, id, 'alpha'), OVERNIGHT_REPO_ROOT: r.root, OVERNIGHT_SESSION_DIR: sessionFiles(r.root, id).dir });
    // Its --settings: the session's deny rules plus its own OS sandbox (worktree, scratch, object folder).
    expect(call.opts.settingsFile).toBe(join(featureDir(r.root, id, 'alpha'), 'attempt-1.settings.json'));
    const settings = JSON.parse(readFileSync(call.opts.settingsFile, 'utf8'));
    const session = JSON.parse(readFileSync(sessionFiles(r.root, id).settings, 'utf8'));
    // The session's deny rules, but whole-.git Edit rules (which Claude Code also applies to the sandbox,
    // making the worktree's own index read-only) give way to one pair per read-only git path.
    const wholeGit = (r: string) => /^Edit\(.*\/\.git\/\*\*\)$/.test(r);
    expect(session.permissions.deny.some(wholeGit)).toBe(true);
    expect(settings.permissions.deny.some(wholeGit)).toBe(false);
    expect(settings.permissions.deny).toEqual(expect.arrayContaining(session.permissions.deny.filter((r: string) => !wholeGit(r))));
    expect(settings.permissions.deny).toContain(`Edit(/${join(r.root, '.git/config')})`);
    expect(settings.sandbox.filesystem.denyWrite).toEqual(expect.arrayContaining([join(r.root, '.git/config'), join(r.root, '.git/objects'), join(r.root, '.git/refs/heads/main')]));
    expect(settings.sandbox).toMatchObject({ enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false, network: { allowedDomains: [] } });
    expect(settings.sandbox.filesystem.allowWrite).toEqual([scratchPath(r.root, id, 'alpha'), objectsPath(r.root, id, 'alpha')]);
    expect(call.opts.env).toMatchObject({ GIT_OBJECT_DIRECTORY: objectsPath(r.root, id, 'alpha') });
    expect(existsSync(join(featureDir(r.root, id, 'alpha'), 'attempt-1.jsonl'))).toBe(true);
    expect(readFileSync(join(featureDir(r.root, id, 'beta'), 'verify-1.log'), 'utf8')).toContain('test -f alpha.txt');

    // Cleanup: merged worktrees and the integration worktree gone, branches kept, lock released, user checkout untouched.
    expect(existsSync(worktreePath(r.root, id, 'alpha'))).toBe(false);
    expect(existsSync(join(worktreesDir(r.root, id), '_integration'))).toBe(false);
    expect(git(r.root, 'branch', '--list', `overnight/${id}--*`).split('\n')).toHaveLength(2);
    expect(readLock(r.root)).toBeUndefined();
    expect(git(r.root, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(r.root, 'status', '--porcelain')).toBe('');
    expect(git(r.root, 'for-each-ref', '--format=%(refname)', `refs/overnight-backup/${id}/`)).toContain(`overnight/${id}`);
    const types = readEvents(r.root, id).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['session_started', 'item_started', 'agent_finished', 'learnings', 'verify_finished', 'merged', 'session_end']));
    expect(types.at(-1)).toBe('session_end');
  });

  it('retries a task failure once with what went wrong; blocks dependents of a final failure; deletes empty branches', async () => {
    const r = repo({
      ...item(1, 'flaky', { verify: 'test -f done.txt' }),
      ...item(2, 'lazy'),
      ...item(3, 'after-lazy', { blocked_by: [2] }),
      ...item(4, 'stuck'),
    }, 'concurrency: 3\n');
    const id = await launch(r);
    const scratchSeen: Array<{ n: number; env: string | undefined; tmp: string | undefined; before: string[] }> = [];
    const agent = fakeAgent({
      flaky: (opts, n) => {
        // Its scratch folder: given as OVERNIGHT_SCRATCH, there and empty at every attempt; TMPDIR is a short folder of its own.
        const scratch = opts.env?.OVERNIGHT_SCRATCH;
        scratchSeen.push({ n, env: scratch, tmp: opts.env?.TMPDIR, before: scratch ? readdirSync(scratch) : ['(missing)'] });
        if (scratch) writeFileSync(join(scratch, `notes-${n}.txt`), 'scratch');
        commitIn(opts.cwd, n === 1 ? { 'half.txt': 'x' } : { 'done.txt': 'x' });
        return ok();
      },
      lazy: () => ok({ lastText: 'I looked around. TASK_COMPLETE' }),
      stuck: () => ok({ completion: { kind: 'blocked', reason: 'needs a production API key' } }),
    });
    const { deps, briefs } = testDeps(agent.run);
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(summary.phase).toBe('complete');
    const s = readState(r.root, id);

    expect(s.items.flaky).toMatchObject({ status: 'merged' });
    expect(s.items.flaky!.attempts.map((a) => a.outcome)).toEqual(['failed', 'complete']);
    expect(s.items.flaky!.attempts[0]!.failure).toContain('said TASK_COMPLETE but the success condition `test -f done.txt` failed');
    const second = briefs.filter((b) => b.item.slug === 'flaky')[1];
    expect(second.previousAttempt).toMatchObject({ n: 1, failure: expect.stringContaining('test -f done.txt') });
    // The retry ran in a clean worktree: the first attempt's half.txt is not on the merged branch.
    expect(git(r.root, 'ls-tree', '--name-only', `overnight/${id}`)).not.toContain('half.txt');
    const scratch = scratchPath(r.root, id, 'flaky');
    expect(scratchSeen).toEqual([
      { n: 1, env: scratch, tmp: expect.stringMatching(/^\/tmp\/ovn-/), before: [] },
      { n: 2, env: scratch, tmp: expect.stringMatching(/^\/tmp\/ovn-/), before: [] },
    ]);
    expect(briefs.find((b) => b.item.slug === 'flaky').scratchDir).toBe(scratch);
    // Nothing of it is committed, and it is gone after the night.
    expect(git(r.root, 'ls-tree', '-r', '--name-only', `overnight/${id}`)).not.toContain('notes');
    expect(existsSync(scratch)).toBe(false);

    expect(s.items.lazy).toMatchObject({ status: 'failed', failureKind: 'task', reason: expect.stringMatching(/^no changes/) });
    expect(s.items.lazy!.attempts).toHaveLength(2);
    expect(s.items['after-lazy']).toMatchObject({ status: 'blocked', failureKind: 'dependency', reason: expect.stringContaining('depends on lazy, which failed') });
    expect(s.items.stuck).toMatchObject({ status: 'blocked', reason: 'needs a production API key' });
    expect(agent.calls.filter((c) => c.slug === 'after-lazy')).toHaveLength(0);
    // Empty branches deleted; the worktree of the empty item too.
    expect(git(r.root, 'branch', '--list', itemBranch(id, 'lazy'))).toBe('');
    expect(existsSync(worktreePath(r.root, id, 'lazy'))).toBe(false);
  });

  it('accepts commits + passing checks without TASK_COMPLETE, and commits leftovers', async () => {
    const r = repo(item(1, 'quiet', { verify: 'test -f out.txt' }));
    const id = await launch(r);
    const agent = fakeAgent({
      quiet: (opts) => {
        // Leaves its change uncommitted and never says TASK_COMPLETE.
        writeFileSync(join(opts.cwd, 'out.txt'), 'x');
        return ok({ completion: { kind: 'none' }, lastText: 'done, I think' });
      },
    });
    const { deps } = testDeps(agent.run);
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    const s = readState(r.root, id);
    expect(s.items.quiet).toMatchObject({ status: 'merged', note: expect.stringContaining('without TASK_COMPLETE') });
    expect(git(r.root, 'log', '--format=%s', itemBranch(id, 'quiet'), '-1')).toBe('overnight: commit uncommitted changes left by the agent');
    expect(readEvents(r.root, id).map((e) => e.type)).toEqual(expect.arrayContaining(['leftovers_committed', 'accepted_without_signal']));
  });

  it('fails an item whose merge conflicts, naming the file, and undoes a merge whose project checks fail', async () => {
    const r = repo(
      { ...item(1, 'first'), ...item(2, 'second'), ...item(3, 'breaker'), 'shared.txt': 'base\n' },
      'concurrency: 1\nchecks:\n  - test ! -f broken.txt\n',
    );
    const id = await launch(r);
    const agent = fakeAgent({
      first: writesAndCommits({ 'shared.txt': 'first\n' }),
      second: (opts) => {
        // Pretend second started before first merged: rewrite shared.txt from the base version.
        git(opts.cwd, 'reset', '-q', '--hard', `overnight/${id}~1`);
        commitIn(opts.cwd, { 'shared.txt': 'second\n' });
        return ok();
      },
      breaker: writesAndCommits({ 'broken.txt': 'x' }),
    });
    const { deps } = testDeps(agent.run);
    // Each item's own verify (`true`) passes in its worktree; the project checks run after each merge.
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    const s = readState(r.root, id);
    expect(s.items.first!.status).toBe('merged');
    expect(s.items.second).toMatchObject({ status: 'failed', failureKind: 'merge', reason: expect.stringContaining('merge conflict with the integration branch in: shared.txt') });
    // Re-run once from the new integration tip (agent.conflict_retries, default 1), then failed.
    expect(s.items.second!.reason).toContain('(#1 first merged first and changed it); still conflicting after 1 conflict re-run (agent.conflict_retries: 1)');
    expect(s.items.second!.attempts.map((a) => a.outcome)).toEqual(['conflict', 'conflict']);
    expect(s.items.breaker).toMatchObject({ status: 'failed', failureKind: 'merge', reason: expect.stringContaining('project checks failed after the merge') });
    const tree = git(r.root, 'ls-tree', '--name-only', `overnight/${id}`);
    expect(tree).not.toContain('broken.txt');
    expect(git(r.root, 'show', `overnight/${id}:shared.txt`)).toBe('first');
    // Failed items keep their branches for inspection.
    expect(git(r.root, 'branch', '--list', itemBranch(id, 'breaker'))).not.toBe('');
  });

  it('pauses the session on a rate limit until its reset time, then goes on by itself', async () => {
    const r = repo(item(1, 'limited'));
    const id = await launch(r);
    const agent = fakeAgent({
      limited: (opts, n) => {
        if (n === 1) return ok({ result: { subtype: 'success', is_error: true }, completion: { kind: 'none' }, failure: { kind: 'transient', message: 'usage limit reached', retryAt: new Date(Date.now() + 800).toISOString() } });
        commitIn(opts.cwd, { 'x.txt': 'x' });
        return ok();
      },
    });
    // The pause is announced (notifyNightEnd, kind paused, with its reset time) to a command target.
    const heard = join(sessionFiles(r.root, id).dir, 'heard-pause.txt');
    const config = configSchema.parse({ notifications: [{ type: 'command', command: `printf '%s %s' "$OVERNIGHT_EVENT" "$OVERNIGHT_END" > '${heard}'` }] });
    const { deps } = testDeps(agent.run, { notifyPaused: (root, sid, until, reason) => notifyNightEnd(root, sid, { kind: 'paused', resumeAt: until, reason }, { config }) });
    const t0 = Date.now();
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    const s = readState(r.root, id);
    expect(s.items.limited!.status).toBe('merged');
    expect(s.items.limited!.attempts.map((a) => a.outcome)).toEqual(['paused', 'complete']);
    const events = readEvents(r.root, id);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['session_paused', 'session_unpaused']));
    expect(readFileSync(heard, 'utf8')).toBe('night-end paused');
    const until = events.find((e) => e.type === 'session_paused')!.until;
    expect(events.find((e) => e.type === 'notify-night-end')).toMatchObject({ end: 'paused', key: `paused@${String(until)}` });
  });

  it('retries transient failures (crash without a result line) and then gives up', async () => {
    const r = repo(item(1, 'crashy'));
    const id = await launch(r);
    const agent = fakeAgent({ crashy: () => ok({ result: undefined, exitCode: 139, completion: { kind: 'none' }, stderrTail: 'Segmentation fault' }) });
    const { deps } = testDeps(agent.run);
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    const s = readState(r.root, id);
    expect(s.items.crashy).toMatchObject({ status: 'failed', failureKind: 'transient', reason: expect.stringContaining('without a result line') });
    expect(agent.calls).toHaveLength(3);
  });

  it('stops the session early on a permanent failure', async () => {
    const r = repo({ ...item(1, 'one'), ...item(2, 'two'), ...item(3, 'three') }, 'concurrency: 1\n');
    const id = await launch(r);
    const agent = fakeAgent({ one: () => ok({ result: undefined, exitCode: null, completion: { kind: 'none' }, failure: { kind: 'permanent', message: 'claude is not installed: spawn claude ENOENT' } }) });
    const { deps } = testDeps(agent.run);
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(summary).toMatchObject({ phase: 'stopped', stopReason: expect.stringContaining('not installed') });
    const s = readState(r.root, id);
    expect(s.items.one).toMatchObject({ status: 'failed', failureKind: 'permanent' });
    expect(s.items.two!.status).toBe('pending');
    expect(agent.calls).toHaveLength(1);
  });

  it('ends running items at the deadline (interrupted) and defers what cannot start', async () => {
    const r = repo({ ...item(1, 'slow'), ...item(2, 'next', { blocked_by: [1] }) }, 'agent:\n  estimate: 1s\n');
    const id = await launch(r);
    const agent = fakeAgent({
      slow: (opts) =>
        new Promise((resolve) => {
          // Like runAgent: a signal that fired before the agent started ends it at once.
          const end = () => resolve(ok({ killedBy: 'abort', result: undefined, completion: { kind: 'none' } }));
          if (opts.signal!.aborted) end();
          else opts.signal!.addEventListener('abort', end);
        }),
    });
    const { deps } = testDeps(agent.run);
    const { runNight } = await import('../../src/runner/night.js');
    const summary = await runNight({ repoRoot: r.root, sessionId: id, deps, deadline: new Date(Date.now() + 1500).toISOString() });
    expect(summary.phase).toBe('complete');
    const s = readState(r.root, id);
    expect(s.items.slow).toMatchObject({ status: 'interrupted', reason: 'stopped at the session time limit', failureKind: 'timeout' });
    expect(s.items.next).toMatchObject({ status: 'deferred' });
    expect(readEvents(r.root, id).map((e) => e.type)).toContain('deadline_reached');
  });

  it('holds back extra items under load, and stops early when the disk is short', async () => {
    const r = repo({ ...item(1, 'one'), ...item(2, 'two') }, 'concurrency: 2\n');
    const id = await launch(r);
    let maxTogether = 0;
    let now = 0;
    const agent = fakeAgent({
      one: async (opts) => {
        now++;
        maxTogether = Math.max(maxTogether, now);
        await new Promise((res) => setTimeout(res, 300));
        commitIn(opts.cwd, { 'one.txt': '1' });
        now--;
        return ok();
      },
      two: async (opts) => {
        now++;
        maxTogether = Math.max(maxTogether, now);
        commitIn(opts.cwd, { 'two.txt': '2' });
        now--;
        return ok();
      },
    });
    const { deps } = testDeps(agent.run, { measureResources: () => ({ freeDiskMb: 100_000, loadPerCore: 99 }) });
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(summary.counts).toEqual({ merged: 2 });
    expect(maxTogether).toBe(1); // one at a time although concurrency is 2
    expect(readEvents(r.root, id).find((e) => e.type === 'resources_low')).toMatchObject({ reason: expect.stringContaining('max_load_per_core') });

    const r2 = repo(item(1, 'one'));
    const id2 = await launch(r2);
    const agent2 = fakeAgent({});
    const low = testDeps(agent2.run, { measureResources: () => ({ freeDiskMb: 10, loadPerCore: 0 }) });
    const stopped = await runSession({ repoRoot: r2.root, sessionId: id2, mode: 'start', deps: low.deps });
    expect(stopped).toMatchObject({ phase: 'stopped', stopReason: expect.stringContaining('min_free_disk_mb') });
    expect(agent2.calls).toHaveLength(0);
    expect(readState(r2.root, id2).items.one!.status).toBe('pending');
  });

  it('starts each item exactly once even when items finish while others are still being set up', async () => {
    const slugs = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const r = repo(Object.assign({}, ...slugs.map((sl, i) => item(i + 1, sl))), 'concurrency: 4\n');
    const id = await launch(r);
    const agent = fakeAgent(Object.fromEntries(slugs.map((sl) => [sl, writesAndCommits({ [`${sl}.txt`]: sl })])));
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(agent.run).deps });
    const why = Object.values(readState(r.root, id).items).map((i) => `${i.slug}: ${i.status} ${i.reason ?? ''} ${i.evidence ?? ''}`).join('\n');
    expect(summary.counts, why).toEqual({ merged: 5 });
    for (const sl of slugs) expect(agent.calls.filter((c) => c.slug === sl), sl).toHaveLength(1);
  });

  it('removes a merged worktree no item will take while the last agent still works', async () => {
    const r = repo({ ...item(1, 'quick'), ...item(2, 'slow') }, 'concurrency: 2\n');
    const id = await launch(r);
    const quickTree = worktreePath(r.root, id, 'quick');
    let goneWhileSlowRan = false;
    const agent = fakeAgent({
      quick: writesAndCommits({ 'quick.txt': 'q' }),
      slow: async (opts) => {
        // Nothing is pending once quick merges: its worktree is no spare anyone takes.
        const until = Date.now() + 10_000;
        while (Date.now() < until && !goneWhileSlowRan) {
          goneWhileSlowRan = readState(r.root, id).items.quick?.status === 'merged' && !existsSync(quickTree);
          await new Promise((res) => setTimeout(res, 50));
        }
        commitIn(opts.cwd, { 'slow.txt': 's' });
        return ok();
      },
    });
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(agent.run).deps });
    expect(summary.counts).toEqual({ merged: 2 });
    expect(goneWhileSlowRan).toBe(true);
    expect(git(r.root, 'worktree', 'list')).not.toContain('/quick');
  });
});
