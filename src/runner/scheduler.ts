/**
 * Which items may start now (pure). DESIGN.md, "Git model" and "Failures, retries, limits":
 * an item starts as soon as every item of the session it depends on is MERGED, while fewer than
 * `concurrency` items are in flight; an item whose dependency failed or was blocked is blocked
 * (kind dependency); an item whose estimate does not fit before the session deadline is deferred,
 * and so is one whose expected cost would pass the night's budget (budget.ts).
 */
import { ITEM_STATUSES_ENDED_TONIGHT, type ItemRunStatus, type ItemState, type ManifestItem } from '../session/state.js';
import { formatDuration } from '../util/duration.js';
import { budgetDecision, expectedItemUsd, spentUsd } from './budget.js';

/** Statuses that occupy a concurrency slot. */
export const IN_FLIGHT: readonly ItemRunStatus[] = ['running', 'verifying', 'merging'];

export interface ScheduleInput {
  /** Manifest items in plan order. */
  items: ManifestItem[];
  /** Item states by slug. */
  states: Record<string, ItemState>;
  concurrency: number;
  /** Current time, ms since the epoch. */
  now: number;
  /** Session deadline, ms since the epoch (no deadline when undefined). */
  deadline?: number;
  /** While now < pausedUntil (ms) nothing starts (a rate or usage limit). */
  pausedUntil?: number;
  /** The session is stopping (signal, permanent failure): nothing starts. */
  stopping?: boolean;
  /** The night's budget in USD (session.json `budgetUsd`); no budget when undefined. */
  budgetUsd?: number;
}

export interface ScheduleDecision {
  /** Slugs to start now, in plan order. */
  start: string[];
  /** Pending items that cannot run before the deadline (or depend on one that was deferred/interrupted). */
  defer: Array<{ slug: string; reason: string }>;
  /** Pending items whose dependency failed or was blocked. */
  block: Array<{ slug: string; reason: string; dependency: string }>;
  /** True when, after these decisions and starts, no item is pending or in flight: the night is over. */
  finished: boolean;
}

function describe(dep: ItemState): string {
  if (dep.status === 'failed') return `failed${dep.reason ? `: ${dep.reason}` : ''}`;
  if (dep.status === 'blocked') return `is blocked${dep.reason ? `: ${dep.reason}` : ''}`;
  if (dep.status === 'deferred') return 'was deferred';
  return 'was interrupted';
}

/**
 * Decides what to do with the pending items. Dependencies outside the session (absent from
 * `states`) count as done: the plan only admits items whose outside dependencies are done.
 * Decisions cascade: an item blocked in this call blocks its own dependents in the same call.
 */
export function schedule(input: ScheduleInput): ScheduleDecision {
  const status = new Map<string, ItemRunStatus>();
  for (const item of input.items) status.set(item.slug, input.states[item.slug]?.status ?? 'pending');
  const reasons = new Map<string, ItemState>(Object.entries(input.states));
  const decision: ScheduleDecision = { start: [], defer: [], block: [], finished: false };
  let inFlight = [...status.values()].filter((s) => IN_FLIGHT.includes(s)).length;

  // 1. Cascade blocked/deferred through dependencies until nothing changes.
  let changed = true;
  while (changed) {
    changed = false;
    for (const item of input.items) {
      if (status.get(item.slug) !== 'pending') continue;
      for (const dep of item.dependsOn) {
        const depStatus = status.get(dep);
        if (depStatus === undefined) continue; // outside the session: done
        const depState = reasons.get(dep) ?? ({ slug: dep, status: depStatus } as ItemState);
        if (depStatus === 'failed' || depStatus === 'blocked') {
          const reason = `depends on ${dep}, which ${describe({ ...depState, status: depStatus })}`;
          decision.block.push({ slug: item.slug, reason, dependency: dep });
          status.set(item.slug, 'blocked');
          reasons.set(item.slug, { ...(input.states[item.slug] as ItemState), slug: item.slug, status: 'blocked', reason });
          changed = true;
          break;
        }
        if (depStatus === 'deferred' || depStatus === 'interrupted') {
          const reason = `depends on ${dep}, which ${describe({ ...depState, status: depStatus })}; it can run when that one is done (overnight resume)`;
          decision.defer.push({ slug: item.slug, reason });
          status.set(item.slug, 'deferred');
          reasons.set(item.slug, { ...(input.states[item.slug] as ItemState), slug: item.slug, status: 'deferred', reason });
          changed = true;
          break;
        }
      }
    }
  }

  // 2. Start ready items in plan order while slots are free; defer what cannot fit.
  const paused = input.pausedUntil !== undefined && input.now < input.pausedUntil;
  const spent = input.budgetUsd === undefined ? 0 : spentUsd(input.states);
  const expected = (item: ManifestItem) => expectedItemUsd(item, input.states);
  let inFlightUsd = input.budgetUsd === undefined ? 0 : input.items.filter((i) => IN_FLIGHT.includes(status.get(i.slug)!)).reduce((sum, i) => sum + expected(i), 0);
  if (!input.stopping && !paused) {
    for (const item of input.items) {
      if (status.get(item.slug) !== 'pending') continue;
      const ready = item.dependsOn.every((dep) => status.get(dep) === undefined || status.get(dep) === 'merged');
      if (!ready) continue;
      if (input.deadline !== undefined) {
        const left = input.deadline - input.now;
        if (left < item.estimateMs) {
          const reason =
            left <= 0
              ? 'not started: the session time limit was reached'
              : `not started: its estimate (${formatDuration(item.estimateMs)}) does not fit in the ${formatDuration(left)} left before the session time limit`;
          decision.defer.push({ slug: item.slug, reason });
          status.set(item.slug, 'deferred');
          continue;
        }
      }
      if (inFlight >= input.concurrency) continue;
      if (input.budgetUsd !== undefined) {
        const b = budgetDecision({ limitUsd: input.budgetUsd, spentUsd: spent, inFlightUsd, itemUsd: expected(item) });
        if (b.step === 'defer') {
          decision.defer.push({ slug: item.slug, reason: b.reason });
          status.set(item.slug, 'deferred');
          continue;
        }
        if (b.step === 'wait') continue;
        inFlightUsd += expected(item);
      }
      decision.start.push(item.slug);
      status.set(item.slug, 'running');
      inFlight++;
    }
    // Deferrals made above may in turn defer dependents; one more cascade pass.
    if (decision.defer.length > 0) {
      const again = schedule({ ...input, states: withStatuses(input, status, decision), stopping: true });
      decision.defer.push(...again.defer);
      decision.block.push(...again.block);
      for (const d of again.defer) status.set(d.slug, 'deferred');
      for (const b of again.block) status.set(b.slug, 'blocked');
    }
  }

  decision.finished = [...status.values()].every((s) => ITEM_STATUSES_ENDED_TONIGHT.includes(s));
  return decision;
}

function withStatuses(input: ScheduleInput, status: Map<string, ItemRunStatus>, decision: ScheduleDecision): Record<string, ItemState> {
  const out: Record<string, ItemState> = {};
  const why = new Map<string, string>([...decision.defer, ...decision.block].map((d) => [d.slug, d.reason]));
  for (const item of input.items) {
    const prev = input.states[item.slug];
    const s = status.get(item.slug) ?? 'pending';
    out[item.slug] = { ...(prev ?? { slug: item.slug, attempts: [], commits: [] }), slug: item.slug, status: s, reason: why.get(item.slug) ?? prev?.reason } as ItemState;
  }
  return out;
}
