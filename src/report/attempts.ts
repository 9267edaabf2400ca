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

/** The attempts of one run of a session (run 1: the night and its resumes; 2 and on: each `overnight retry`). */
export interface RunHistory {
  run: number;
  attempts: Array<Pick<AttemptRecord, 'n' | 'outcome' | 'failureKind' | 'failure'>>;
}

/** An item's attempts grouped by run, in run order (an attempt without `run` belongs to run 1). Pure. */
export function attemptRuns(attempts: readonly AttemptRecord[]): RunHistory[] {
  const runs = new Map<number, RunHistory>();
  for (const a of attempts) {
    const run = a.run ?? 1;
    if (!runs.has(run)) runs.set(run, { run, attempts: [] });
    runs.get(run)!.attempts.push({ n: a.n, outcome: a.outcome, failureKind: a.failureKind, failure: a.failure });
  }
  return [...runs.values()].sort((x, y) => x.run - y.run);
}

function oneLine(text: string, max = 140): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * An item's history across runs, one line per run, e.g.
 * `run 1 (the night): attempt 1 failed (task: the success condition failed)` and
 * `run 2 (retry): attempt 2 complete`. Empty when all its attempts are of one run (nothing to
 * tell beyond the attempt count). Pure.
 */
export function historyLines(attempts: readonly AttemptRecord[]): string[] {
  const runs = attemptRuns(attempts);
  if (runs.length < 2) return [];
  return runs.map((r) => {
    const parts = r.attempts.map((a) => {
      const outcome = a.outcome ?? 'unfinished';
      const why = a.failureKind || a.failure ? ` (${[a.failureKind, a.failure ? oneLine(a.failure) : undefined].filter(Boolean).join(': ')})` : '';
      return `attempt ${a.n} ${outcome}${outcome === 'complete' ? '' : why}`;
    });
    return `run ${r.run} (${r.run === 1 ? 'the night' : 'retry'}): ${parts.join('; ')}`;
  });
}
