import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { checkConfigHold } from '../../src/doctor/checks.js';
import { CONFIG_HOLD_MARKER, configHoldText } from '../../src/runner/git-config-hold.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abandonSession } from '../../src/runner/abandon.js';
import { runSession } from '../../src/runner/process.js';
import { lockFile, itemBranch, worktreePath, worktreesDir } from '../../src/session/paths.js';
import { readLock } from '../../src/session/lock.js';
import { readEvents, readState, updateState } from '../../src/session/store.js';
import { GIT_ENV, removedAfterEach } from '../support/repo.js';
import { PROJECT_ROOT } from '../support/claude.js';
import { commitIn, fakeAgent, git, item, launch, ok, repoWith, testDeps, writesAndCommits } from './runner-support.js';

const repo = removedAfterEach(repoWith);
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}
const hangs = (onStart?: (cwd: string) => void) => (opts: { cwd: string; signal?: AbortSignal }) =>
  new Promise<ReturnType<typeof ok>>((resolve) => {
    onStart?.(opts.cwd);
    // Like runAgent: a signal that fired before the agent started ends it at once.
    const end = () => resolve(ok({ killedBy: 'abort', result: undefined, completion: { kind: 'none' } }));
    if (opts.signal!.aborted) end();
    else opts.signal!.addEventListener('abort', end);
  });

describe('stop and resume', () => {
  it('a stop signal interrupts running agents and leaves a resumable session; resume starts them over in a clean worktree', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta', { blocked_by: [1] }) });
    const id = await launch(r);
    const stop = new AbortController();
    const first = fakeAgent({
      alpha: hangs((cwd) => {
        writeFileSync(join(cwd, 'half-done.txt'), 'x');
        setTimeout(() => stop.abort(), 200);
      }),
    });
    const run1 = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(first.run).deps, signal: stop.signal });
    expect(run1).toMatchObject({ phase: 'stopped' });
    let s = readState(r.root, id);
    expect(s.items.alpha).toMatchObject({ status: 'interrupted', reason: expect.stringContaining('resume') });
    expect(s.items.beta!.status).toBe('pending');
    expect(readLock(r.root)).toBeUndefined();

    // `start` refuses now and points to resume.
    await expect(runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(first.run).deps })).rejects.toMatchObject({ code: 'start.use-resume' });

    let sawHalfDone: boolean | undefined;
    const second = fakeAgent({
      alpha: (opts) => {
        sawHalfDone = existsSync(join(opts.cwd, 'half-done.txt'));
        commitIn(opts.cwd, { 'alpha.txt': 'a' });
        return ok();
      },
      beta: writesAndCommits({ 'beta.txt': 'b' }),
    });
    const t0 = Date.now();
    const run2 = await runSession({ repoRoot: r.root, sessionId: id, mode: 'resume', deps: testDeps(second.run).deps });
    expect(run2).toMatchObject({ phase: 'complete', counts: { merged: 2 } });
    expect(sawHalfDone).toBe(false);
    expect(git(r.root, 'for-each-ref', '--format=%(refname)', `refs/overnight-backup/${id}/`).split('\n')).toEqual(
      expect.arrayContaining([`refs/overnight-backup/${id}/overnight/${id}`, `refs/overnight-backup/${id}/${itemBranch(id, 'alpha')}`]),
    );
    s = readState(r.root, id);
    expect(s.items.alpha!.attempts).toHaveLength(2);
    // New deadline: now + the original time limit.
    expect(Date.parse(s.deadline!)).toBeGreaterThanOrEqual(t0 + 6 * 3_600_000 - 1000);
    const resumed = readEvents(r.root, id).find((e) => e.type === 'session_resumed');
    expect(resumed).toMatchObject({ reset: ['alpha'], previousPhase: 'stopped' });
  });

  it('recovers a stale lock after a crash and never merges an item twice', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta') }, 'concurrency: 1\n');
    const id = await launch(r);
    const stop = new AbortController();
    const agent = fakeAgent({
      alpha: writesAndCommits({ 'alpha.txt': 'a' }),
      beta: hangs(() => setTimeout(() => stop.abort(), 100)),
    });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(agent.run).deps, signal: stop.signal });
    // Simulate a crash right after alpha's merge commit, before state.json said so, with a dead runner's lock left behind.
    const pid = deadPid();
    await updateState(r.root, id, (s) => {
      s.items.alpha!.status = 'merging';
      s.phase = 'running';
      s.runnerPid = pid;
    });
    writeFileSync(lockFile(r.root), JSON.stringify({ pid, sessionId: id, acquiredAt: '' }));

    const again = fakeAgent({ beta: writesAndCommits({ 'beta.txt': 'b' }) });
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'resume', deps: testDeps(again.run).deps });
    expect(summary.counts).toEqual({ merged: 2 });
    expect(again.calls.map((c) => c.slug)).toEqual(['beta']);
    const merges = git(r.root, 'log', '--merges', '--format=%s', `overnight/${id}`).split('\n');
    expect(merges.filter((m) => m.includes('001-alpha'))).toHaveLength(1);
    const types = readEvents(r.root, id).map((e) => e.type);
    expect(types).toContain('stale_lock_recovered');
    expect(readEvents(r.root, id).find((e) => e.type === 'session_resumed')).toMatchObject({ recoveredMerged: ['alpha'] });
  });

  it('refuses to resume while the runner is alive, and when nothing is left', async () => {
    const r = repo(item(1, 'alpha'));
    const id = await launch(r);
    writeFileSync(lockFile(r.root), JSON.stringify({ pid: process.ppid, sessionId: id, acquiredAt: '' }));
    const { deps } = testDeps(fakeAgent({}).run);
    await expect(runSession({ repoRoot: r.root, sessionId: id, mode: 'resume', deps })).rejects.toThrow(`The runner is still running (pid ${process.ppid})`);
    writeFileSync(lockFile(r.root), JSON.stringify({ pid: deadPid(), sessionId: id, acquiredAt: '' }));
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(fakeAgent({ alpha: writesAndCommits({ 'a.txt': 'a' }) }).run).deps });
    await expect(runSession({ repoRoot: r.root, sessionId: id, mode: 'resume', deps })).rejects.toMatchObject({ code: 'resume.nothing' });
    expect(readLock(r.root)).toBeUndefined();
  });

  it('abandon removes the worktrees, keeps every branch, releases the lock; an abandoned session cannot resume', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta') }, 'concurrency: 2\n');
    const id = await launch(r);
    const stop = new AbortController();
    const agent = fakeAgent({
      alpha: (opts) => {
        commitIn(opts.cwd, { 'alpha.txt': 'a' });
        return new Promise((resolve) => opts.signal!.addEventListener('abort', () => resolve(ok({ killedBy: 'abort', result: undefined, completion: { kind: 'none' } }))));
      },
      beta: hangs(() => setTimeout(() => stop.abort(), 300)),
    });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(agent.run).deps, signal: stop.signal });
    expect(existsSync(worktreePath(r.root, id, 'alpha'))).toBe(true);
    writeFileSync(lockFile(r.root), JSON.stringify({ pid: deadPid(), sessionId: id, acquiredAt: '' }));

    const res = await abandonSession(r.root, id);
    expect(res.alreadyAbandoned).toBe(false);
    expect(res.stoppedPid).toBeUndefined();
    expect(existsSync(worktreesDir(r.root, id))).toBe(false);
    expect(git(r.root, 'worktree', 'list')).not.toContain('.overnight');
    expect(res.branches).toEqual(expect.arrayContaining([`overnight/${id}`, itemBranch(id, 'alpha'), itemBranch(id, 'beta')]));
    expect(git(r.root, 'log', '-1', '--format=%s', itemBranch(id, 'alpha'))).toBe('agent work');
    expect(readState(r.root, id).phase).toBe('abandoned');
    expect(existsSync(lockFile(r.root))).toBe(false);
    const { deps } = testDeps(fakeAgent({}).run);
    await expect(runSession({ repoRoot: r.root, sessionId: id, mode: 'resume', deps })).rejects.toMatchObject({ code: 'resume.abandoned' });
  });

  it('abandon cancels a scheduled session: the sleeping runner exits, the lock is released', async () => {
    const r = repo(item(1, 'alpha'));
    const id = await launch(r);
    const cli = join(PROJECT_ROOT, 'bin/overnight');
    const env = { ...process.env, ...GIT_ENV };
    const out = execFileSync(process.execPath, [cli, 'schedule', '23:59'], { cwd: r.root, env, encoding: 'utf8' });
    const pid = Number(/pid (\d+)/.exec(out)![1]);
    expect(readState(r.root, id).phase).toBe('scheduled');
    expect(readLock(r.root)?.pid).toBe(pid);
    const abandoned = execFileSync(process.execPath, [cli, 'abandon'], { cwd: r.root, env, encoding: 'utf8' });
    expect(abandoned).toContain(`stopped the runner (pid ${pid})`);
    expect(existsSync(lockFile(r.root))).toBe(false);
    expect(readState(r.root, id).phase).toBe('abandoned');
    expect(readEvents(r.root, id).map((e) => e.type)).toEqual(expect.arrayContaining(['session_scheduled', 'runner_waiting', 'runner_stopped', 'session_abandoned']));
  });
});

describe("the repository's config.lock (held while agents run: src/runner/git-config-hold.ts)", () => {
  it('is held while an agent runs and released when the night ends', async () => {
    const r = repo(item(1, 'alpha'));
    const id = await launch(r);
    const lock = join(r.root, '.git', 'config.lock');
    let seen = '';
    const agent = fakeAgent({
      alpha: (opts, n) => {
        seen = existsSync(lock) ? readFileSync(lock, 'utf8') : '(none)';
        return writesAndCommits({ 'a.txt': 'a\n' })(opts, n);
      },
    });
    const { deps } = testDeps(agent.run);
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(seen).toContain(CONFIG_HOLD_MARKER);
    expect(seen).toContain(`# session ${id}`);
    expect(existsSync(lock)).toBe(false);
    expect(readEvents(r.root, id).map((e) => e.type)).toEqual(expect.arrayContaining(['git_config_held', 'git_config_released']));
  });

  it("left by a killed runner: doctor names it with its fix, and following the fix (abandon) frees git's config", async () => {
    const r = repo(item(1, 'alpha'));
    const id = await launch(r);
    const lock = join(r.root, '.git', 'config.lock');
    writeFileSync(lock, configHoldText(id));
    writeFileSync(lockFile(r.root), JSON.stringify({ pid: deadPid(), sessionId: id, acquiredAt: '' }));
    expect(spawnSync('git', ['config', 'x.y', 'z'], { cwd: r.root }).status).not.toBe(0);
    const check = await checkConfigHold(r.root);
    expect(check).toMatchObject({ name: 'git-config', status: 'fail' });
    expect(check!.fix).toContain(`overnight abandon --session ${id}`);
    expect(check!.fix).toContain(`rm ${lock}`);
    const cli = join(PROJECT_ROOT, 'bin/overnight');
    execFileSync(process.execPath, [cli, 'abandon', '--session', id], { cwd: r.root, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
    expect(existsSync(lock)).toBe(false);
    expect(await checkConfigHold(r.root)).toBeUndefined();
    expect(spawnSync('git', ['config', 'x.y', 'z'], { cwd: r.root }).status).toBe(0);
  });

  it("never counts git's own config.lock as left over", async () => {
    const r = repo(item(1, 'alpha'));
    writeFileSync(join(r.root, '.git', 'config.lock'), '[core]\n');
    expect(await checkConfigHold(r.root)).toBeUndefined();
    expect(readFileSync(join(r.root, '.git', 'config.lock'), 'utf8')).toBe('[core]\n');
  });
});
