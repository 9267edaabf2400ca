/**
 * Rounds and the time limit: eligible items grouped into rounds that respect dependencies and
 * concurrency, and the items that do not fit the night's time limit deferred. Pure functions.
 */
import { itemRef } from '../backlog/filename.js';
import { ITEM_PRIORITIES, type BacklogItem } from '../backlog/types.js';
import { shortDuration } from '../util/duration.js';
import type { PlanRound } from './types.js';

/** Sort key: priority critical > high > medium > low, then id ascending. */
export function byPriorityThenId(a: BacklogItem, b: BacklogItem): number {
  return ITEM_PRIORITIES.indexOf(a.priority) - ITEM_PRIORITIES.indexOf(b.priority) || a.id - b.id;
}

/**
 * Groups `items` into rounds of at most `concurrency` items. An item goes in a round after the
 * rounds of all its dependencies that are among `items` (dependencies outside are taken as done);
 * among the items whose dependencies are placed, higher priority then lower id goes first.
 * `estimateOf` gives an item's planning estimate in ms; a round's estimate is its longest item's.
 * Requires an acyclic graph; items left on a cycle are not placed.
 */
export function buildRounds(items: readonly BacklogItem[], concurrency: number, estimateOf: (item: BacklogItem) => number): PlanRound[] {
  const ids = new Set(items.map((i) => i.id));
  const placed = new Map<number, number>();
  const rounds: PlanRound[] = [];
  let remaining = [...items];
  while (remaining.length > 0) {
    const index = rounds.length + 1;
    const available = remaining
      .filter((item) => item.dependsOn.every((dep) => !ids.has(dep) || (placed.get(dep) ?? index) < index))
      .sort(byPriorityThenId);
    if (available.length === 0) break;
    const chosen = available.slice(0, Math.max(1, concurrency));
    for (const item of chosen) placed.set(item.id, index);
    const planned = chosen.map((item) => ({ item, estimateMs: estimateOf(item), round: index }));
    rounds.push({ index, items: planned, estimateMs: Math.max(...planned.map((p) => p.estimateMs)) });
    remaining = remaining.filter((item) => !placed.has(item.id));
  }
  return rounds;
}

/** Result of fitting rounds into the time limit. */
export interface TimeFit {
  rounds: PlanRound[];
  /** Items deferred to another night, each with its reason, in the order they were deferred. */
  deferred: Array<{ item: BacklogItem; reason: string }>;
  /** Sum of the rounds' estimates, in ms (at most the limit). */
  estimateMs: number;
}

/**
 * Builds rounds (see buildRounds) that fit in `limitMs`: walking the rounds in order with the time
 * used so far, the items of the first round that would overrun the limit whose own estimate is
 * longer than the time left are deferred, with every item that depends on them (transitively);
 * then rounds are rebuilt and checked again until all fit. Nothing is dropped silently: each
 * deferred item has a reason. Times in ms.
 */
export function fitTimeLimit(
  items: readonly BacklogItem[],
  concurrency: number,
  estimateOf: (item: BacklogItem) => number,
  limitMs: number,
): TimeFit {
  const deferred: Array<{ item: BacklogItem; reason: string }> = [];
  const deferredIds = new Set<number>();
  for (;;) {
    const kept = items.filter((i) => !deferredIds.has(i.id));
    const rounds = buildRounds(kept, concurrency, estimateOf);
    let used = 0;
    let overrun: { round: PlanRound; left: number } | undefined;
    for (const round of rounds) {
      if (used + round.estimateMs > limitMs) {
        overrun = { round, left: limitMs - used };
        break;
      }
      used += round.estimateMs;
    }
    if (!overrun) return { rounds, deferred, estimateMs: used };
    const { round, left } = overrun;
    const after = round.index === 1 ? 'at the start' : `after round ${round.index - 1}`;
    for (const planned of round.items) {
      if (planned.estimateMs <= left) continue;
      deferredIds.add(planned.item.id);
      deferred.push({
        item: planned.item,
        reason: `does not fit in the ${shortDuration(limitMs)} time limit (estimate ${shortDuration(planned.estimateMs)}, ${shortDuration(left)} left ${after}): deferred to another night`,
      });
    }
    // Items depending on a deferred item cannot run tonight either.
    let grew = true;
    while (grew) {
      grew = false;
      for (const item of kept) {
        if (deferredIds.has(item.id)) continue;
        const blocker = item.dependsOn.map((d) => items.find((i) => i.id === d)).find((d) => d && deferredIds.has(d.id));
        if (!blocker) continue;
        deferredIds.add(item.id);
        deferred.push({ item, reason: `blocked by ${itemRef(blocker)}, which is deferred to another night` });
        grew = true;
      }
    }
  }
}
