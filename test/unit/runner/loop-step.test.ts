import { describe, expect, it } from 'vitest';
import { loopStep } from '../../../src/runner/loop.js';
import type { LoopState } from '../../../src/session/state.js';

const loop: LoopState = { since: '2026-12-01T22:00:00.000Z', pollIntervalMs: 60_000, stopBeforeMs: 30 * 60_000, approve: [], skipped: [] };
const deadline = 10 * 3_600_000;

describe('loopStep (when loop mode polls)', () => {
  it('is off without loop mode, and once polling stopped', () => {
    expect(loopStep(undefined, 0, deadline, { stopping: false })).toEqual({ kind: 'off' });
    expect(loopStep({ ...loop, stoppedAt: 'x' }, 0, deadline, { stopping: false })).toEqual({ kind: 'off' });
  });

  it('polls at once, then every poll interval, and waits in between', () => {
    expect(loopStep(loop, 0, deadline, { stopping: false })).toEqual({ kind: 'poll' });
    expect(loopStep(loop, 30_000, deadline, { stopping: false, lastPollAt: 0 })).toEqual({ kind: 'wait', at: 60_000 });
    expect(loopStep(loop, 60_000, deadline, { stopping: false, lastPollAt: 0 })).toEqual({ kind: 'poll' });
  });

  it('stops polling when less than stop_before is left, at the deadline, and when the runner stops', () => {
    const near = loopStep(loop, deadline - 29 * 60_000, deadline, { stopping: false, lastPollAt: 0 });
    expect(near).toEqual({ kind: 'stop', reason: 'less than 30m 00s (loop.stop_before) is left before the time limit' });
    expect(loopStep(loop, deadline - 31 * 60_000, deadline, { stopping: false, lastPollAt: 0 }).kind).toBe('poll');
    expect(loopStep(loop, deadline, deadline, { stopping: false })).toEqual({ kind: 'stop', reason: 'the time limit is reached' });
    expect(loopStep(loop, 0, deadline, { stopping: true })).toEqual({ kind: 'stop', reason: 'the runner is stopping' });
  });
});
