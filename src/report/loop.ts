/**
 * Loop mode in the morning report and in `overnight status` (issue 9, mechanism 6): which items
 * were added after launch (they are marked "added in loop mode"), which became ready but were not
 * run and why, and whether the runner still polls. Pure.
 */
import type { ItemRunStatus, SessionManifest, SessionState } from '../session/state.js';
import { formatDuration } from '../util/duration.js';

/** Loop mode's outcome, as report.json and the status view hold it. */
export interface LoopReport {
  /** ISO time loop mode was turned on. */
  since: string;
  pollIntervalMs: number;
  /** The `--approve` references given with --loop. */
  approve: string[];
  /** When polling stopped, and why (absent while it polls). */
  stoppedAt?: string;
  stopReason?: string;
  /** Items added after launch, in the order added, with their outcome. */
  added: Array<{ id: number; slug: string; title: string; at: string; commit: string; status: ItemRunStatus }>;
  /** Items that became ready after launch but were not added, with the reason. */
  skipped: Array<{ id: number; slug: string; title: string; reason: string }>;
}

/** The loop section of a session, or undefined when loop mode was never on. `manifest` is the session view (src/session/added.ts). */
export function loopReport(manifest: SessionManifest, state: SessionState): LoopReport | undefined {
  const loop = state.loop;
  if (!loop) return undefined;
  const added = (state.added ?? []).map((a) => {
    const item = manifest.items.find((i) => i.slug === a.slug) ?? a.item;
    return { id: item.id, slug: a.slug, title: item.title, at: a.at, commit: a.commit, status: state.items[a.slug]?.status ?? 'pending' };
  });
  return {
    since: loop.since,
    pollIntervalMs: loop.pollIntervalMs,
    approve: loop.approve,
    ...(loop.stoppedAt ? { stoppedAt: loop.stoppedAt, stopReason: loop.stopReason } : {}),
    added,
    skipped: loop.skipped.map((s) => ({ id: s.id, slug: s.slug, title: s.title, reason: s.reason })),
  };
}

/** Lines for people: `Loop mode: ...`, `Added in loop mode: ...`, `Became ready, not run (loop mode): ...`. */
export function loopLines(loop: LoopReport): string[] {
  const polling = loop.stoppedAt ? `polling stopped at ${loop.stoppedAt} (${loop.stopReason ?? 'no reason recorded'})` : `polling the base branch every ${formatDuration(loop.pollIntervalMs)}`;
  const lines = [`Loop mode: on since ${loop.since}; ${polling}.${loop.approve.length ? ` Approved for loop mode: ${loop.approve.join(', ')}.` : ''}`];
  lines.push(loop.added.length ? `Added in loop mode (committed after launch): ${loop.added.map((a) => `${a.slug} (${a.status})`).join(', ')}.` : 'Added in loop mode: none.');
  if (loop.skipped.length) lines.push(`Became ready after launch, not run: ${loop.skipped.map((s) => `${s.slug}: ${s.reason}`).join('; ')}.`);
  return lines;
}
