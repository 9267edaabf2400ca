import { describe, expect, it } from 'vitest';
import { decideNext, judgeAttempt, judgeBeforeVerify } from '../../../src/runner/judge.js';
import type { AgentOutcomeLike } from '../../../src/runner/types.js';

function outcome(over: Partial<AgentOutcomeLike> = {}): AgentOutcomeLike {
  return {
    result: { subtype: 'success', is_error: false, num_turns: 3, total_cost_usd: 0.1 },
    exitCode: 0,
    completion: { kind: 'complete' },
    turns: 3,
    costUsd: 0.1,
    lastText: 'Done.\nTASK_COMPLETE',
    ...over,
  };
}
const pass = { passed: true, tail: 'ok' };
const fail = { passed: false, command: 'npm test', tail: '1 failing' };

describe('judgeAttempt', () => {
  it('success needs a clean result, commits and a passing success condition', () => {
    expect(judgeAttempt({ outcome: outcome(), commitsAhead: 2, verify: pass })).toEqual({ verdict: 'success', claimedComplete: true });
  });

  it('a claimed TASK_COMPLETE with failing checks is a task failure', () => {
    const v = judgeAttempt({ outcome: outcome(), commitsAhead: 1, verify: fail });
    expect(v).toMatchObject({ verdict: 'failure', kind: 'task' });
    expect(v.verdict === 'failure' && v.reason).toContain('said TASK_COMPLETE but the success condition `npm test` failed');
    expect(v.verdict === 'failure' && v.evidence).toContain('1 failing');
  });

  it('no commits is a task failure "no changes", without running the checks', () => {
    const v = judgeBeforeVerify({ outcome: outcome(), commitsAhead: 0 });
    expect(v).toMatchObject({ verdict: 'failure', kind: 'task' });
    expect(v && v.verdict === 'failure' && v.reason).toMatch(/^no changes/);
  });

  it('accepts commits and passing checks without TASK_COMPLETE, and says so', () => {
    const v = judgeAttempt({ outcome: outcome({ completion: { kind: 'none' } }), commitsAhead: 1, verify: pass });
    expect(v).toMatchObject({ verdict: 'success', claimedComplete: false });
    expect(v.verdict === 'success' && v.note).toMatch(/without TASK_COMPLETE/);
  });

  it('TASK_BLOCKED is blocked with its reason, whatever the commits', () => {
    expect(judgeAttempt({ outcome: outcome({ completion: { kind: 'blocked', reason: 'needs an API key' } }), commitsAhead: 3, verify: pass })).toEqual({
      verdict: 'blocked',
      reason: 'needs an API key',
    });
  });

  it('an is_error result (max turns) is a task failure even with commits', () => {
    const v = judgeBeforeVerify({ outcome: outcome({ result: { subtype: 'error_max_turns', is_error: true }, completion: { kind: 'none' }, turns: 10 }), commitsAhead: 2 });
    expect(v).toMatchObject({ verdict: 'failure', kind: 'task' });
    expect(v && v.verdict === 'failure' && v.reason).toContain('turn limit');
  });

  it('no result line is transient; watchdog kills are transient; abort is interrupted', () => {
    expect(judgeBeforeVerify({ outcome: outcome({ result: undefined, exitCode: 137 }), commitsAhead: 1 })).toMatchObject({ verdict: 'failure', kind: 'transient' });
    expect(judgeBeforeVerify({ outcome: outcome({ result: undefined, killedBy: 'idle' }), commitsAhead: 0 })).toMatchObject({ verdict: 'failure', kind: 'transient' });
    expect(judgeBeforeVerify({ outcome: outcome({ killedBy: 'abort' }), commitsAhead: 1 })).toEqual({ verdict: 'interrupted' });
  });

  it('keeps the adapter\'s failure kind and reset time', () => {
    const v = judgeBeforeVerify({ outcome: outcome({ result: { subtype: 'success', is_error: true }, failure: { kind: 'transient', message: 'usage limit', retryAt: '2026-11-22T03:00:00Z' } }), commitsAhead: 0 });
    expect(v).toMatchObject({ verdict: 'failure', kind: 'transient', retryAt: '2026-11-22T03:00:00Z' });
    expect(judgeBeforeVerify({ outcome: outcome({ result: undefined, failure: { kind: 'permanent', message: 'claude not found' } }), commitsAhead: 0 })).toMatchObject({ kind: 'permanent' });
  });

  it('fails an agent that left its branch, before looking at commits', () => {
    const v = judgeBeforeVerify({ outcome: outcome(), commitsAhead: 2, branch: { expected: 'overnight/s--a', actual: 'main' } });
    expect(v).toMatchObject({ verdict: 'failure', kind: 'task' });
    expect(v && v.verdict === 'failure' && v.reason).toContain('on main instead of overnight/s--a');
    expect(judgeBeforeVerify({ outcome: outcome(), commitsAhead: 1, branch: { expected: 'b', actual: 'b' } })).toBeUndefined();
  });

  it('needs verification exactly when the agent ended cleanly with commits', () => {
    expect(judgeBeforeVerify({ outcome: outcome(), commitsAhead: 1 })).toBeUndefined();
    expect(judgeBeforeVerify({ outcome: outcome({ completion: { kind: 'none' } }), commitsAhead: 1 })).toBeUndefined();
  });
});

describe('decideNext', () => {
  const policy = { taskRetries: 1, transientRetries: 2, transientBackoffMs: [100, 400] };
  it('gives a task failure one fresh retry, then gives up', () => {
    const f = { verdict: 'failure', kind: 'task', reason: 'x' } as const;
    expect(decideNext(f, { task: 0, transient: 0 }, policy)).toMatchObject({ step: 'retry', fresh: true, delayMs: 0 });
    expect(decideNext(f, { task: 1, transient: 0 }, policy)).toEqual({ step: 'give-up' });
  });
  it('retries transient failures twice with backoff', () => {
    const f = { verdict: 'failure', kind: 'transient', reason: 'x' } as const;
    expect(decideNext(f, { task: 0, transient: 0 }, policy)).toMatchObject({ step: 'retry', delayMs: 100 });
    expect(decideNext(f, { task: 0, transient: 1 }, policy)).toMatchObject({ step: 'retry', delayMs: 400 });
    expect(decideNext(f, { task: 0, transient: 2 }, policy)).toEqual({ step: 'give-up' });
  });
  it('pauses for a rate limit with a reset time, and stops the session on permanent failures', () => {
    expect(decideNext({ verdict: 'failure', kind: 'transient', reason: 'rate limit', retryAt: 'T' }, { task: 0, transient: 5 }, policy)).toEqual({ step: 'pause', until: 'T', why: 'rate limit' });
    expect(decideNext({ verdict: 'failure', kind: 'permanent', reason: 'not logged in' }, { task: 0, transient: 0 }, policy)).toEqual({ step: 'stop-session', why: 'not logged in' });
  });
});
