import { describe, expect, test } from 'vitest';
import { buildRounds, fitTimeLimit } from '../../../src/plan/rounds.js';
import type { BacklogItem } from '../../../src/backlog/types.js';
import { item } from '../backlog/fixtures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const est = (item: BacklogItem) => item.timeoutMs ?? 30 * MIN;
const ids = (rounds: ReturnType<typeof buildRounds>) => rounds.map((r) => r.items.map((p) => p.item.id));

describe('rounds', () => {
  test('at most `concurrency` items per round, by priority then id', () => {
    const rounds = buildRounds([item(1), item(2, { priority: 'low' }), item(3, { priority: 'critical' }), item(4, { priority: 'high' }), item(5)], 2, est);
    expect(ids(rounds)).toEqual([[3, 4], [1, 5], [2]]);
    expect(rounds.map((r) => r.index)).toEqual([1, 2, 3]);
  });

  test("an item's round is after all its dependencies' rounds", () => {
    const rounds = buildRounds([item(1), item(2, { dependsOn: [1], priority: 'critical' }), item(3, { dependsOn: [2] }), item(4)], 4, est);
    expect(ids(rounds)).toEqual([[1, 4], [2], [3]]);
    expect(rounds[1]!.items[0]!.round).toBe(2);
  });

  test('dependencies outside the set count as done', () => {
    expect(ids(buildRounds([item(2, { dependsOn: [1] })], 1, est))).toEqual([[2]]);
  });

  test('a round estimate is its longest item; each item keeps its own estimate', () => {
    const rounds = buildRounds([item(1, { timeoutMs: 45 * MIN }), item(2)], 2, est);
    expect(rounds[0]!.estimateMs).toBe(45 * MIN);
    expect(rounds[0]!.items.map((p) => p.estimateMs)).toEqual([45 * MIN, 30 * MIN]);
  });
});

describe('time limit', () => {
  test('everything that fits runs; the total is the sum of round estimates', () => {
    const fit = fitTimeLimit([item(1), item(2), item(3)], 2, est, 2 * HOUR);
    expect(ids(fit.rounds)).toEqual([[1, 2], [3]]);
    expect(fit.deferred).toEqual([]);
    expect(fit.estimateMs).toBe(HOUR);
  });

  test('items past the limit are deferred with a reason, not dropped', () => {
    const fit = fitTimeLimit([item(1), item(2), item(3), item(4)], 1, est, 1.5 * HOUR);
    expect(ids(fit.rounds)).toEqual([[1], [2], [3]]);
    expect(fit.deferred.map((d) => [d.item.id, d.reason])).toEqual([
      [4, 'does not fit in the 1h 30m time limit (estimate 30m, 0m left after round 3): deferred to another night'],
    ]);
    expect(fit.estimateMs).toBe(1.5 * HOUR);
  });

  test('items depending on a deferred item are deferred too, transitively', () => {
    const fit = fitTimeLimit([item(1, { timeoutMs: 3 * HOUR }), item(2, { dependsOn: [1] }), item(3, { dependsOn: [2] }), item(4)], 2, est, 2 * HOUR);
    expect(ids(fit.rounds)).toEqual([[4]]);
    expect(fit.deferred.map((d) => [d.item.id, d.reason])).toEqual([
      [1, 'does not fit in the 2h time limit (estimate 3h, 2h left at the start): deferred to another night'],
      [2, 'blocked by 001-item-1, which is deferred to another night'],
      [3, 'blocked by 002-item-2, which is deferred to another night'],
    ]);
  });

  test('a shorter item still fits where a longer one of the same round does not', () => {
    const fit = fitTimeLimit([item(1, { timeoutMs: HOUR }), item(2, { timeoutMs: HOUR }), item(3, { timeoutMs: 2 * HOUR, priority: 'low' }), item(4, { priority: 'low' })], 2, est, 1.75 * HOUR);
    expect(ids(fit.rounds)).toEqual([[1, 2], [4]]);
    expect(fit.deferred.map((d) => d.item.id)).toEqual([3]);
    expect(fit.estimateMs).toBe(1.5 * HOUR);
  });
});
