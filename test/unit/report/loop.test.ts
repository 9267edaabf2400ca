import { describe, expect, it } from 'vitest';
import { loopLines, loopReport } from '../../../src/report/loop.js';
import { buildStatus, renderStatus } from '../../../src/report/status.js';
import { sessionView } from '../../../src/session/added.js';
import type { SessionState } from '../../../src/session/state.js';
import { finishedState, manifest, mItem } from './fixtures.js';

function withLoop(): SessionState {
  const state = finishedState();
  state.loop = {
    since: '2026-11-21T23:00:00.000Z',
    pollIntervalMs: 120_000,
    stopBeforeMs: 1_800_000,
    approve: ['7'],
    skipped: [{ id: 8, slug: 'late-feature', title: 'Late', reason: 'not approved: a feature item needs an explicit yes (approval.ask)', commit: 'c'.repeat(40) }],
  };
  state.added = [{ slug: 'late-chore', at: '2026-11-21T23:05:00.000Z', commit: 'c'.repeat(40), item: mItem(6, 'late-chore', { type: 'chore' }) }];
  state.items['late-chore'] = { slug: 'late-chore', status: 'merged', attempts: [], commits: [], mergeCommit: 'm6'.padEnd(40, '0') };
  return state;
}

describe('loop mode in the report and status', () => {
  it('sessionView appends the added items after the approved plan, without changing the manifest', () => {
    const m = manifest();
    const view = sessionView(m, withLoop());
    expect(view.items.map((i) => i.slug)).toEqual(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'late-chore']);
    expect(m.items).toHaveLength(5);
    expect(sessionView(m, finishedState())).toBe(m);
  });

  it('loopReport lists the added items with their outcome and the skipped ones with their reason', () => {
    const state = withLoop();
    const r = loopReport(sessionView(manifest(), state), state)!;
    expect(r.added).toEqual([{ id: 6, slug: 'late-chore', title: 'Item late-chore', at: '2026-11-21T23:05:00.000Z', commit: 'c'.repeat(40), status: 'merged' }]);
    expect(r.skipped.map((s) => s.slug)).toEqual(['late-feature']);
    expect(loopReport(manifest(), finishedState())).toBeUndefined();
    expect(loopLines(r)).toEqual([
      'Loop mode: on since 2026-11-21T23:00:00.000Z; polling the base branch every 2m 00s. Approved for loop mode: 7.',
      'Added in loop mode (committed after launch): late-chore (merged).',
      'Became ready after launch, not run: late-feature: not approved: a feature item needs an explicit yes (approval.ask).',
    ]);
    expect(loopLines({ ...r, added: [], skipped: [], approve: [], stoppedAt: 'T', stopReason: 'the time limit is reached' })).toEqual(['Loop mode: on since 2026-11-21T23:00:00.000Z; polling stopped at T (the time limit is reached).', 'Added in loop mode: none.']);
  });

  it('status shows the added item among the items, and the loop lines while the night runs', () => {
    const state = { ...withLoop(), phase: 'running' as const };
    const view = buildStatus(sessionView(manifest(), state), state, [], { now: Date.parse('2026-11-21T23:30:00.000Z'), runnerAlive: true });
    expect(view.items.filter((i) => i.addedInLoop).map((i) => i.slug)).toEqual(['late-chore']);
    const text = renderStatus(view, Date.parse('2026-11-21T23:30:00.000Z'));
    expect(text).toContain('Added in loop mode (committed after launch): late-chore (merged).');
    expect(text).toMatch(/006-late-chore\s+merged/);
  });
});
