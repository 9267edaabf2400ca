import { describe, expect, it } from 'vitest';
import { buildStatus, renderStatus } from '../../../src/report/status.js';
import { buildReport } from '../../../src/report/build.js';
import { describeEvent } from '../../../src/demo/progress.js';
import { finishedState, gitFacts, manifest, noAudit } from './fixtures.js';
import { STOP_REASON_SIGNAL } from '../../../src/session/state.js';

const NOW = Date.parse('2026-11-21T23:30:00.000Z');

function runningState() {
  const st = finishedState();
  st.phase = 'running';
  delete st.endedAt;
  st.runnerPid = 4242;
  st.items.beta = {
    slug: 'beta', status: 'running', commits: [], startedAt: '2026-11-21T23:25:00.000Z', activity: 'Bash: npm test', activityAt: '2026-11-21T23:29:50.000Z',
    attempts: [{ n: 1, claudeSessionId: 'u', startedAt: '2026-11-21T23:25:00.000Z', turns: 7, costUsd: 0.3 }],
  };
  st.items.delta = { slug: 'delta', status: 'pending', attempts: [], commits: [] };
  return st;
}

describe('buildStatus', () => {
  it('counts progress, elapsed time and cost so far while running', () => {
    const v = buildStatus(manifest(), runningState(), [], { now: NOW, runnerAlive: true });
    expect(v.active).toBe(true);
    expect(v.progress).toMatchObject({ settled: 3, total: 5, running: 1, shipped: 1, failed: 1, blocked: 1 });
    expect(v.elapsedMs).toBe(30 * 60_000);
    const beta = v.items.find((i) => i.slug === 'beta')!;
    expect(beta).toMatchObject({ status: 'running', attempt: 1, turns: 7, costUsd: 0.3, elapsedMs: 5 * 60_000, activity: 'Bash: npm test' });
    expect(v.notice).toBeUndefined();
    expect(v.costUsd).toBeCloseTo(0.25 + 0.5 + 0.05 + 0.3, 6);
  });

  it('does not count an interrupted item as settled, but stops its clock at endedAt', () => {
    const st = runningState();
    st.phase = 'stopped';
    st.items.beta = { ...st.items.beta!, status: 'interrupted', endedAt: '2026-11-21T23:27:00.000Z' };
    const v = buildStatus(manifest(), st, [], { now: NOW, runnerAlive: false });
    expect(v.progress).toMatchObject({ settled: 3, total: 5, running: 0 });
    expect(v.items.find((i) => i.slug === 'beta')).toMatchObject({ status: 'interrupted', elapsedMs: 2 * 60_000 });
  });

  it('says to resume when the runner pid is dead while the phase is running', () => {
    const v = buildStatus(manifest(), runningState(), [], { now: NOW, runnerAlive: false });
    expect(v.notice).toBe('The runner is not running: `overnight resume`.');
    expect(renderStatus(v, NOW)).toContain('The runner is not running: `overnight resume`.');
  });

  it('says when a scheduled session has no waiting runner, or a launched one was not started', () => {
    const st = runningState();
    st.phase = 'scheduled';
    st.scheduledFor = '2026-11-21T23:59:00.000Z';
    expect(buildStatus(manifest(), st, [], { now: NOW, runnerAlive: false }).notice).toContain('the waiting runner is not running');
    expect(buildStatus(manifest(), st, [], { now: NOW, runnerAlive: true }).notice).toBeUndefined();
    st.phase = 'launched';
    expect(buildStatus(manifest(), st, [], { now: NOW, runnerAlive: false }).notice).toContain('`overnight start`');
  });

  it('falls back to the last event of an item for its activity', () => {
    const st = runningState();
    delete st.items.beta!.activity;
    const v = buildStatus(manifest(), st, [{ ts: '2026-11-21T23:29:00.000Z', type: 'verify_started', slug: 'beta' }], { now: NOW, runnerAlive: true });
    expect(v.items.find((i) => i.slug === 'beta')!.activity).toBe('verify_started');
  });

  it('after the night, carries the report summary and renders it', () => {
    const r = buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now: new Date(NOW) });
    const v = buildStatus(manifest(), finishedState(), [], { now: NOW, runnerAlive: false, report: r, reportPath: '/r/morning-report.md' });
    expect(v.active).toBe(false);
    // Items failed or were blocked: status names the command that runs them again.
    expect(v.notice).toBe('Some items did not ship: `overnight retry --session 20261121-2300-abcd` runs them again on overnight/20261121-2300-abcd (or name them: `overnight retry <id or slug> --session 20261121-2300-abcd`).');
    const text = renderStatus(v, NOW);
    expect(text).toContain(v.notice);
    expect(text).toContain('overnight 20261121-2300-abcd: complete');
    expect(text).toContain('5 of 5 settled (2 shipped, 1 failed, 2 blocked), 0 running.');
    expect(text).toContain('Morning report: 2 shipped, 1 failed, 2 blocked.');
    expect(text).toContain('Read: /r/morning-report.md');
    expect(text).toMatch(/003-gamma\s+failed\s+2 .*The success condition failed/);
  });
});

describe('buildStatus live usage', () => {
  it('adds the running attempt\'s turns and cost from its latest agent_activity event', () => {
    const st = runningState();
    st.items.beta!.attempts[0]!.turns = 0;
    st.items.beta!.attempts[0]!.costUsd = 0;
    const events = [
      { ts: '2026-11-21T23:26:00.000Z', type: 'agent_activity', slug: 'beta', attempt: 1, turns: 2, costUsd: 0.1 },
      { ts: '2026-11-21T23:27:00.000Z', type: 'agent_activity', slug: 'beta', attempt: 1, turns: 5, costUsd: 0.2 },
    ];
    const v = buildStatus(manifest(), st, events, { now: NOW, runnerAlive: true });
    expect(v.items.find((i) => i.slug === 'beta')).toMatchObject({ turns: 5, costUsd: 0.2 });
  });
});

describe('describeEvent', () => {
  it('describes the events worth a progress line and skips the rest', () => {
    expect(describeEvent({ ts: 't', type: 'merged', slug: 'a', mergeCommit: 'abcdef1234' })).toBe('a: merged into the integration branch (abcdef12)');
    expect(describeEvent({ ts: 't', type: 'verify_finished', slug: 'a', passed: false, command: 'npm test' })).toBe('a: success condition FAILED (npm test)');
    expect(describeEvent({ ts: 't', type: 'agent_activity', slug: 'a' })).toBeUndefined();
    expect(describeEvent({ ts: 't', type: 'merge_conflict', slug: 'b', files: ['NOTES.md'], with: ['a'], next: 'rerun' })).toBe('b: merge conflict with a in NOTES.md: re-run from the integration branch as it is now');
    expect(describeEvent({ ts: 't', type: 'merge_conflict', slug: 'b', files: ['NOTES.md'], with: [], next: 'give-up' })).toBe('b: merge conflict in NOTES.md: no conflict re-run left');
  });
});

describe('status after a stop, and across runs', () => {
  it('after a SIGTERM stop says nothing needs fixing; after a permanent failure, that it goes on once fixed', () => {
    const st = finishedState();
    st.phase = 'stopped';
    st.stopReason = STOP_REASON_SIGNAL;
    const signal = buildStatus(manifest(), st, [], { now: NOW, runnerAlive: false }).notice!;
    expect(signal).toBe('The runner was stopped by a signal; nothing needs fixing: `overnight resume --session 20261121-2300-abcd` goes on where it stopped.');
    expect(signal).not.toContain('once that is fixed');
    st.stopReason = 'claude is not logged in';
    expect(buildStatus(manifest(), st, [], { now: NOW, runnerAlive: false }).notice).toBe(
      'The night stopped early: claude is not logged in. `overnight resume --session 20261121-2300-abcd` goes on once that is fixed.',
    );
  });

  it("shows an item's attempts across runs after a retry, and nothing extra for one run", () => {
    const st = finishedState();
    st.items.gamma!.attempts = [
      { n: 1, run: 1, claudeSessionId: 'u1', startedAt: '2026-11-21T23:00:00.000Z', turns: 1, costUsd: 0, outcome: 'failed', failureKind: 'task', failure: 'the success condition failed' },
      { n: 2, run: 2, claudeSessionId: 'u2', startedAt: '2026-11-22T09:00:00.000Z', turns: 1, costUsd: 0, outcome: 'complete' },
    ];
    st.items.gamma!.status = 'merged';
    const v = buildStatus(manifest(), st, [], { now: NOW, runnerAlive: false });
    expect(v.items.find((i) => i.slug === 'gamma')!.history).toEqual(['run 1 (the night): attempt 1 failed (task: the success condition failed)', 'run 2 (retry): attempt 2 complete']);
    expect(v.items.find((i) => i.slug === 'alpha')!.history).toEqual([]);
    expect(renderStatus(v, NOW)).toContain('History across runs:\n  003-gamma:\n    run 1 (the night): attempt 1 failed (task: the success condition failed)\n    run 2 (retry): attempt 2 complete');
  });
});

describe('status shows merge conflicts', () => {
  it('lists each attempt that ran into a conflict under the items', () => {
    const st = finishedState();
    const first = st.items.beta!.attempts[0]!;
    const conflict = { files: ['NOTES.md'], with: [{ id: 1, slug: 'alpha', title: 'Item alpha', mergeCommit: 'm'.repeat(40) }], integrationTip: 'm'.repeat(40), tip: 'c'.repeat(40), rerun: true };
    st.items.beta!.attempts = [{ ...first, outcome: 'conflict', failureKind: 'merge', conflict }, { ...first, n: 2, outcome: 'complete' }];
    const v = buildStatus(manifest(), st, [], { now: NOW, runnerAlive: false });
    expect(v.items.find((i) => i.slug === 'beta')!.conflicts).toEqual(['attempt 1: re-run after a conflict with #1 alpha (NOTES.md)']);
    const text = renderStatus(v, NOW);
    expect(text).toContain('Merge conflicts:\n  002-beta:\n    attempt 1: re-run after a conflict with #1 alpha (NOTES.md)');
    const none = renderStatus(buildStatus(manifest(), finishedState(), [], { now: NOW, runnerAlive: false }), NOW);
    expect(none).not.toContain('Merge conflicts');
  });
});
