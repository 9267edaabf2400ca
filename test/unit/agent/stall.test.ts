import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { progressFingerprint, StallClock } from '../../../src/agent/stall.js';
import { classifyOutcome } from '../../../src/agent/classify.js';
import { decideNext, judgeBeforeVerify } from '../../../src/runner/judge.js';
import { failureCounts } from '../../../src/runner/transitions.js';

describe('StallClock', () => {
  it('counts the first reading as the baseline and stalls after the timeout without a change', () => {
    const c = new StallClock(0, 1000);
    expect(c.observe('a', 400)).toBe(false);
    expect(c.observe('a', 999)).toBe(false);
    expect(c.observe('a', 1000)).toBe(true);
  });

  it('a changed fingerprint is progress and restarts the clock', () => {
    const c = new StallClock(0, 1000);
    c.observe('a', 100);
    expect(c.observe('b', 900)).toBe(false);
    expect(c.observe('b', 1800)).toBe(false);
    expect(c.observe('b', 1900)).toBe(true);
  });

  it('a failed probe counts as progress: no agent is stopped on missing evidence', () => {
    const c = new StallClock(0, 1000);
    c.observe('a', 100);
    expect(c.observe(undefined, 1500)).toBe(false);
    expect(c.observe('a', 2000)).toBe(false);
    expect(c.sinceProgress(2000)).toBe(500);
    expect(c.observe('a', 2500)).toBe(true);
  });
});

describe('progressFingerprint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overnight-stall-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH ?? '', HOME: dir, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });

  it('changes on a commit and on an edit of a tracked file, not on an untracked file', async () => {
    git('init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'one\n');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'one');
    const start = await progressFingerprint(dir, env);
    expect(start).toMatch(/^[0-9a-f]{40}$/);
    writeFileSync(join(dir, 'untracked.txt'), 'notes\n');
    expect(await progressFingerprint(dir, env)).toBe(start);
    writeFileSync(join(dir, 'a.txt'), 'two\n');
    const edited = await progressFingerprint(dir, env);
    expect(edited).not.toBe(start);
    expect(edited).toContain('a.txt:4:');
    git('commit', '-q', '-am', 'two');
    const committed = await progressFingerprint(dir, env);
    expect(committed).not.toBe(edited);
    expect(committed).toMatch(/^[0-9a-f]{40}$/);
  });

  it('is undefined outside a git worktree', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'overnight-stall-plain-'));
    try {
      expect(await progressFingerprint(plain, { ...env, GIT_CEILING_DIRECTORIES: tmpdir() })).toBeUndefined();
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('a stalled attempt', () => {
  const outcome = { exitCode: null, killedBy: 'stalled' as const, completion: { kind: 'none' as const }, turns: 7, costUsd: 0, lastText: 'still thinking' };

  it('is classified `stalled` with the timeout in its message', () => {
    const f = classifyOutcome({ exitCode: null, killedBy: 'stalled', stallTimeoutMs: 1_200_000 });
    expect(f).toMatchObject({ kind: 'stalled', cause: 'stalled' });
    expect(f!.message).toMatch(/no commit and changed no tracked file.*\(1200 s\)/);
  });

  it('is judged a `stalled` failure, retried like a task failure and counted as one', () => {
    const failure = classifyOutcome({ exitCode: null, killedBy: 'stalled', stallTimeoutMs: 5000 })!;
    const v = judgeBeforeVerify({ outcome: { ...outcome, failure }, commitsAhead: 0 });
    expect(v).toMatchObject({ verdict: 'failure', kind: 'stalled' });
    const policy = { taskRetries: 1, transientRetries: 2, transientBackoffMs: [0] };
    expect(decideNext(v as never, { task: 0, transient: 0 }, policy)).toMatchObject({ step: 'retry' });
    expect(decideNext(v as never, { task: 1, transient: 0 }, policy)).toEqual({ step: 'give-up' });
    const counts = failureCounts({ slug: 's', status: 'running', commits: [], attempts: [{ n: 1, claudeSessionId: 'x', startedAt: '', failureKind: 'stalled', turns: 0, costUsd: 0 }] } as never);
    expect(counts).toEqual({ task: 1, transient: 0 });
  });
});
