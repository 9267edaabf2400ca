/** Facts derived from state.json's times and attempts, shared by the morning report and status. */
import type { AttemptRecord } from '../session/state.js';

/** Milliseconds since the epoch of an ISO time, or undefined when it is absent or not a date. */
export function isoMs(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Totals over an item's attempts: turns, cost in USD, and agent time in ms (the attempts with
 * both a start and an end; attempts still running add no time). Missing turns or cost count as 0.
 */
export function sumAttempts(attempts: readonly AttemptRecord[]): { turns: number; costUsd: number; agentMs: number } {
  let turns = 0;
  let costUsd = 0;
  let agentMs = 0;
  for (const a of attempts) {
    turns += a.turns ?? 0;
    costUsd += a.costUsd ?? 0;
    const s = isoMs(a.startedAt);
    const e = isoMs(a.endedAt);
    if (s !== undefined && e !== undefined && e >= s) agentMs += e - s;
  }
  return { turns, costUsd, agentMs };
}

/**
 * The attempts the report counts: those whose agent started. An attempt whose claude never started
 * (missing binary, spawn failure: `notStarted` in state.json) is no attempt at the item.
 */
export function countedAttempts(attempts: readonly AttemptRecord[]): number {
  return attempts.filter((a) => !a.notStarted).length;
}
