import { describe, expect, it } from 'vitest';
import {
  applySchedule,
  endSession,
  failureCounts,
  initialState,
  interruptInFlight,
  markMerged,
  markRunning,
  pauseSession,
  prepareResume,
  scheduleSession,
  startAttempt,
  unpauseSession,
  unscheduleSession,
  updateAttempt,
} from '../../../src/runner/transitions.js';
import { sessionStateSchema, type SessionManifest } from '../../../src/session/state.js';
import { mItem } from './helpers.js';

const T = '2026-11-21T23:00:00.000Z';
function manifest(): SessionManifest {
  return {
    version: 1,
    sandbox: 'on',
    id: 's1',
    created: T,
    repoRoot: '/r',
    baseBranch: 'main',
    baseCommit: 'abc',
    integrationBranch: 'overnight/s1',
    timeLimitMs: 3_600_000,
    concurrency: 2,
    checks: [],
    items: [mItem('a'), mItem('b', { dependsOn: ['a'] }), mItem('c')],
  };
}

describe('transitions', () => {
  it('starts with every item pending and a valid state', () => {
    const s = initialState(manifest(), T);
    expect(Object.values(s.items).map((i) => i.status)).toEqual(['pending', 'pending', 'pending']);
    expect(sessionStateSchema.parse(s)).toBeTruthy();
  });

  it('does not mutate its input', () => {
    const s = initialState(manifest(), T);
    const copy = structuredClone(s);
    markRunning(s, { pid: 1, now: T, deadline: T });
    startAttempt(s, 'a', { claudeSessionId: 'u', now: T, branch: 'b', worktree: 'w', startCommit: 'c', transcript: 't' });
    expect(s).toEqual(copy);
  });

  it('records attempts with numbers, and counts failures by kind (pauses do not count)', () => {
    let s = initialState(manifest(), T);
    s = startAttempt(s, 'a', { claudeSessionId: 'u1', now: T, branch: 'b', worktree: 'w', startCommit: 'c', transcript: 't' }).state;
    s = updateAttempt(s, 'a', { failureKind: 'task', outcome: 'failed' });
    const second = startAttempt(s, 'a', { claudeSessionId: 'u2', now: T, branch: 'b', worktree: 'w', startCommit: 'c2', transcript: 't' });
    expect(second.attempt.n).toBe(2);
    s = updateAttempt(second.state, 'a', { failureKind: 'transient', outcome: 'paused' });
    expect(failureCounts(s.items.a!)).toEqual({ task: 1, transient: 0 });
    expect(s.items.a!.startCommit).toBe('c2');
    expect(s.items.a!.status).toBe('running');
  });

  it('applies deferrals and dependency blocks with their reasons', () => {
    const s = applySchedule(initialState(manifest(), T), { start: [], defer: [{ slug: 'c', reason: 'late' }], block: [{ slug: 'b', reason: 'dep failed', dependency: 'a' }], finished: false }, T);
    expect(s.items.c).toMatchObject({ status: 'deferred', reason: 'late' });
    expect(s.items.b).toMatchObject({ status: 'blocked', failureKind: 'dependency', reason: 'dep failed' });
  });

  it('interrupts only items in flight', () => {
    let s = initialState(manifest(), T);
    s = startAttempt(s, 'a', { claudeSessionId: 'u', now: T, branch: 'b', worktree: 'w', startCommit: 'c', transcript: 't' }).state;
    s = markMerged(s, 'c', { now: T, mergeCommit: 'm', commits: ['x'] });
    s = interruptInFlight(s, 'stopped at the session time limit', T);
    expect(s.items.a).toMatchObject({ status: 'interrupted', reason: 'stopped at the session time limit' });
    expect(s.items.b!.status).toBe('pending');
    expect(s.items.c!.status).toBe('merged');
  });

  it('pauses and unpauses the session', () => {
    let s = markRunning(initialState(manifest(), T), { pid: 5, now: T, deadline: T });
    s = pauseSession(s, '2026-11-22T01:00:00Z', 'usage limit');
    expect(s).toMatchObject({ phase: 'paused', pausedUntil: '2026-11-22T01:00:00Z', pausedReason: 'usage limit' });
    s = unpauseSession(s);
    expect(s.phase).toBe('running');
    expect(s.pausedUntil).toBeUndefined();
    s = endSession(s, { now: T, phase: 'complete' });
    expect(s).toMatchObject({ phase: 'complete', endedAt: T });
  });

  it('schedules a launched session and takes the schedule back', () => {
    const launched = initialState(manifest(), T);
    const s = scheduleSession(launched, '2026-11-22T01:00:00.000Z');
    expect(s).toMatchObject({ phase: 'scheduled', scheduledFor: '2026-11-22T01:00:00.000Z' });
    expect(launched.scheduledFor).toBeUndefined();
    expect(sessionStateSchema.parse(s).phase).toBe('scheduled');
    const back = unscheduleSession(s);
    expect(back.phase).toBe(launched.phase);
    expect(back.scheduledFor).toBeUndefined();
  });

  it('prepareResume restarts in-flight, interrupted and deferred items, keeps settled ones, and never re-merges', () => {
    let s = initialState(manifest(), T);
    s = startAttempt(s, 'a', { claudeSessionId: 'u', now: T, branch: 'b', worktree: 'w', startCommit: 'c', transcript: 't' }).state;
    s = interruptInFlight(s, 'x', T);
    s = applySchedule(s, { start: [], defer: [{ slug: 'b', reason: 'dep interrupted' }], block: [], finished: true }, T);
    s = startAttempt(s, 'c', { claudeSessionId: 'u', now: T, branch: 'b', worktree: 'w', startCommit: 'c', transcript: 't' }).state;
    s = { ...s, phase: 'stopped', stopReason: 'signal' };
    const extra = { ...manifest(), items: [...manifest().items, mItem('d'), mItem('e')] };
    s.items.d = { slug: 'd', status: 'failed', failureKind: 'permanent', reason: 'claude missing', attempts: [], commits: [] };
    s.items.e = { slug: 'e', status: 'failed', failureKind: 'task', reason: 'checks failed', attempts: [], commits: [] };
    const r = prepareResume(s, extra.items, { now: T, mergedSlugs: new Map([['c', { mergeCommit: 'm1', commits: ['k'] }]]) });
    expect(r.reset.sort()).toEqual(['a', 'b', 'd']);
    expect(r.state.items.e!.status).toBe('failed');
    expect(r.recoveredMerged).toEqual(['c']);
    expect(r.state.items.c).toMatchObject({ status: 'merged', mergeCommit: 'm1', commits: ['k'] });
    expect(r.state.items.a!.status).toBe('pending');
    expect(r.state.items.a!.attempts).toHaveLength(1);
    expect(r.state.stopReason).toBeUndefined();
  });
});
