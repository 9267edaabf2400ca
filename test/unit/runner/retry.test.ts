import { describe, expect, it } from 'vitest';
import { failureCounts, initialState, prepareResume, retrySelection, setItemStatus, startAttempt, updateAttempt } from '../../../src/runner/transitions.js';
import { chooseRetryItems, assertRetryPhase } from '../../../src/runner/retry.js';
import { lastFailure } from '../../../src/runner/item.js';
import { sessionStateSchema, type SessionManifest, type SessionState } from '../../../src/session/state.js';
import { mItem } from './helpers.js';

const T = '2026-11-21T23:00:00.000Z';
const LATER = '2026-11-22T09:00:00.000Z';
function manifest(): SessionManifest {
  return {
    version: 1,
    id: 's1',
    created: T,
    repoRoot: '/r',
    baseBranch: 'main',
    baseCommit: 'abc',
    integrationBranch: 'overnight/s1',
    timeLimitMs: 3_600_000,
    concurrency: 2,
    checks: [],
    sandbox: 'on',
    // a; b after a; c; d after b (a chain); e alone
    items: [mItem('a', { id: 1 }), mItem('b', { id: 2, dependsOn: ['a'] }), mItem('c', { id: 3 }), mItem('d', { id: 4, dependsOn: ['b'] }), mItem('e', { id: 5 })],
  };
}
const attemptOf = (n: string) => ({ claudeSessionId: n, now: T, branch: 'b', worktree: 'w', startCommit: 'c', transcript: 't' });

/** A finished night: a failed (task), b and d blocked by it, c merged, e blocked by its agent. */
function finished(): SessionState {
  let s = initialState(manifest(), T);
  s = startAttempt(s, 'a', attemptOf('u1')).state;
  s = updateAttempt(s, 'a', { outcome: 'failed', failureKind: 'task', failure: 'the success condition failed' });
  s = setItemStatus(s, 'a', 'failed', { now: T, reason: 'the success condition failed', failureKind: 'task', evidence: 'not ok 1' });
  s = setItemStatus(s, 'b', 'blocked', { now: T, reason: 'a failed', failureKind: 'dependency' });
  s = setItemStatus(s, 'd', 'blocked', { now: T, reason: 'b blocked', failureKind: 'dependency' });
  s = startAttempt(s, 'c', attemptOf('u2')).state;
  s = setItemStatus(updateAttempt(s, 'c', { outcome: 'complete' }), 'c', 'merged', { now: T });
  s = startAttempt(s, 'e', attemptOf('u3')).state;
  s = setItemStatus(updateAttempt(s, 'e', { outcome: 'blocked' }), 'e', 'blocked', { now: T, reason: 'needs an API key' });
  s.phase = 'complete';
  return s;
}

describe('retrySelection and chooseRetryItems', () => {
  it('takes every failed or blocked item by default, in plan order', () => {
    expect(retrySelection(finished(), manifest().items, [])).toEqual({ slugs: ['a', 'b', 'd', 'e'] });
  });

  it('brings the items blocked by a named item along, transitively, and not the others', () => {
    expect(retrySelection(finished(), manifest().items, ['a'])).toEqual({ slugs: ['a', 'b', 'd'] });
    expect(retrySelection(finished(), manifest().items, ['e'])).toEqual({ slugs: ['e'] });
  });

  it('brings the failed dependency of a named dependency-blocked item along', () => {
    expect(retrySelection(finished(), manifest().items, ['d'])).toEqual({ slugs: ['a', 'b', 'd'] });
  });

  it('resolves ids, slugs and NNN-slug, and refuses unknown, shipped and nothing-to-retry with the fix', () => {
    const m = manifest();
    expect(chooseRetryItems(m, finished(), ['5'])).toEqual(['e']);
    expect(chooseRetryItems(m, finished(), ['001-a'])).toEqual(['a', 'b', 'd']);
    expect(() => chooseRetryItems(m, finished(), ['x'])).toThrow(expect.objectContaining({ code: 'retry.unknown-item', exitCode: 2 }));
    expect(() => chooseRetryItems(m, finished(), ['c'])).toThrow(expect.objectContaining({ code: 'retry.not-failed', fix: expect.stringContaining('review the pull request') }));
    const allMerged = finished();
    for (const k of Object.keys(allMerged.items)) allMerged.items[k]!.status = 'merged';
    expect(() => chooseRetryItems(m, allMerged, [])).toThrow(expect.objectContaining({ code: 'retry.nothing' }));
  });

  it('refuses a session that never ran, or was abandoned', () => {
    const s = finished();
    expect(() => assertRetryPhase({ ...s, phase: 'launched' })).toThrow(expect.objectContaining({ code: 'retry.not-run', fix: expect.stringContaining('overnight start --session s1') }));
    expect(() => assertRetryPhase({ ...s, phase: 'abandoned' })).toThrow(expect.objectContaining({ code: 'retry.abandoned' }));
    expect(() => assertRetryPhase(s)).not.toThrow();
  });
});

describe('prepareResume with a retry', () => {
  it('sets the chosen items pending in a new run, keeps their attempts and why the last one ended', () => {
    const r = prepareResume(finished(), manifest().items, { now: LATER, mergedSlugs: new Map(), retry: new Set(['a', 'b', 'd', 'e']) });
    expect(r.reset).toEqual(['a', 'b', 'd', 'e']);
    expect(r.state.run).toBe(2);
    expect(r.state.retries).toEqual([{ run: 2, at: LATER, items: ['a', 'b', 'd', 'e'] }]);
    expect(r.state.items.a).toMatchObject({ status: 'pending', attempts: [expect.objectContaining({ n: 1, failure: 'the success condition failed' })] });
    expect(r.state.items.a!.failureKind).toBeUndefined();
    expect(r.state.items.c!.status).toBe('merged');
    // An agent-blocked item's reason becomes its last attempt's failure, for the next brief.
    expect(r.state.items.e!.attempts[0]!.failure).toBe('it ended blocked: needs an API key');
    expect(lastFailure(r.state, 'e')).toEqual({ n: 1, failure: 'it ended blocked: needs an API key', evidence: undefined });
    expect(lastFailure(r.state, 'a')).toEqual({ n: 1, failure: 'the success condition failed', evidence: 'not ok 1' });
    expect(sessionStateSchema.parse(r.state)).toBeTruthy();
  });

  it('a plain resume leaves failed and blocked items alone (it is not a retry)', () => {
    const r = prepareResume(finished(), manifest().items, { now: LATER, mergedSlugs: new Map() });
    expect(r.reset).toEqual([]);
    expect(r.state.run).toBeUndefined();
  });

  it("counts only this run's failures against the retry limits, and numbers attempts on across runs", () => {
    let s = prepareResume(finished(), manifest().items, { now: LATER, mergedSlugs: new Map(), retry: new Set(['a']) }).state;
    expect(failureCounts(s.items.a!, 1)).toEqual({ task: 1, transient: 0 });
    expect(failureCounts(s.items.a!, 2)).toEqual({ task: 0, transient: 0 });
    const next = startAttempt(s, 'a', attemptOf('u4'));
    expect(next.attempt).toMatchObject({ n: 2, run: 2 });
    s = updateAttempt(next.state, 'a', { outcome: 'failed', failureKind: 'task' });
    expect(failureCounts(s.items.a!, 2)).toEqual({ task: 1, transient: 0 });
    // An interrupted attempt is not a failure to tell the next brief about.
    s = updateAttempt(startAttempt(s, 'a', attemptOf('u5')).state, 'a', { outcome: 'interrupted' });
    expect(lastFailure(s, 'a')).toBeUndefined();
  });
});
