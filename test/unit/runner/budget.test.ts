import { describe, expect, it } from 'vitest';
import { budgetDecision, expectedItemUsd, isBudgetDeferral, spentUsd } from '../../../src/runner/budget.js';
import { schedule } from '../../../src/runner/scheduler.js';
import { mItem, st } from './helpers.js';

const attempt = (costUsd: number, ended = true) => ({ n: 1, claudeSessionId: 'x', startedAt: '2026-01-01T00:00:00Z', ...(ended ? { endedAt: '2026-01-01T00:10:00Z' } : {}), turns: 1, costUsd });

describe('the night budget (pure)', () => {
  it('spent is the sum of every attempt; expected is the mean of ended attempts, else the item cap', () => {
    const states = { a: st('a', 'merged', { attempts: [attempt(0.3), attempt(0.5)] }), b: st('b', 'running', { attempts: [attempt(0, false)] }) };
    expect(spentUsd(states)).toBeCloseTo(0.8);
    expect(expectedItemUsd(mItem('c', { budgetUsd: 5 }), states)).toBeCloseTo(0.4);
    expect(expectedItemUsd(mItem('c', { budgetUsd: 5 }), {})).toBe(5);
  });

  it('defers on what is spent, waits on what is in flight, starts otherwise', () => {
    const d = budgetDecision({ limitUsd: 1, spentUsd: 0.7, inFlightUsd: 0, itemUsd: 0.4 });
    expect(d.step).toBe('defer');
    expect(d.step === 'defer' && d.reason).toBe("not started: the night's budget ($1.00) would be passed: $0.70 spent so far, and this item is expected to cost $0.40");
    expect(isBudgetDeferral(d.step === 'defer' ? d.reason : undefined)).toBe(true);
    expect(budgetDecision({ limitUsd: 1, spentUsd: 0.2, inFlightUsd: 0.5, itemUsd: 0.4 })).toEqual({ step: 'wait' });
    expect(budgetDecision({ limitUsd: 1, spentUsd: 0.2, inFlightUsd: 0.4, itemUsd: 0.4 })).toEqual({ step: 'start' });
    expect(isBudgetDeferral('not started: the session time limit was reached')).toBe(false);
  });
});

describe('schedule with a night budget', () => {
  const items = [mItem('a', { budgetUsd: 1 }), mItem('b', { budgetUsd: 1 }), mItem('c', { budgetUsd: 1 })];

  it('starts only what fits with the items in flight, and the rest waits', () => {
    const d = schedule({ items, states: {}, concurrency: 3, now: 0, budgetUsd: 2 });
    expect(d.start).toEqual(['a', 'b']);
    expect(d.defer).toEqual([]);
    expect(d.finished).toBe(false);
  });

  it('defers every item whose expected cost would pass the budget on what is spent, and the night ends', () => {
    const states = { a: st('a', 'merged', { attempts: [attempt(1.5)] }), b: st('b', 'pending'), c: st('c', 'pending') };
    const d = schedule({ items, states, concurrency: 2, now: 0, budgetUsd: 2 });
    expect(d.start).toEqual([]);
    expect(d.defer.map((x) => x.slug)).toEqual(['b', 'c']);
    expect(d.defer.every((x) => isBudgetDeferral(x.reason))).toBe(true);
    expect(d.finished).toBe(true);
  });

  it('without a budget nothing changes', () => {
    const states = { a: st('a', 'merged', { attempts: [attempt(100)] }) };
    expect(schedule({ items, states, concurrency: 2, now: 0 }).start).toEqual(['b', 'c']);
  });
});
