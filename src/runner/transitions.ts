/**
 * Pure updates of the session state (state.json). Every function takes a state and returns a new
 * one; none does I/O. The runner applies them through `updateState` (src/session/store.ts).
 */
import { ITEM_STATUSES_ENDED_TONIGHT, type AttemptRecord, type FailureKind, type ItemRunStatus, type ItemState, type ManifestItem, type SessionManifest, type SessionState } from '../session/state.js';
import type { ScheduleDecision } from './scheduler.js';

function clone(state: SessionState): SessionState {
  return structuredClone(state);
}

function itemOf(state: SessionState, slug: string): ItemState {
  const item = state.items[slug];
  if (!item) throw new Error(`overnight: no item '${slug}' in the session state`);
  return item;
}

/** The initial state of a launched session: every manifest item pending. */
export function initialState(manifest: SessionManifest, now: string): SessionState {
  const items: Record<string, ItemState> = {};
  for (const item of manifest.items) items[item.slug] = { slug: item.slug, status: 'pending', attempts: [], commits: [] };
  return { version: 1, sessionId: manifest.id, phase: 'launched', items, updatedAt: now };
}

/** Phase `running`: records the runner pid, startedAt (first start only) and the deadline (ISO). */
export function markRunning(state: SessionState, opts: { pid: number; now: string; deadline: string }): SessionState {
  const next = clone(state);
  next.phase = 'running';
  next.runnerPid = opts.pid;
  next.startedAt ??= opts.now;
  next.deadline = opts.deadline;
  delete next.scheduledFor;
  // A sleeping runner was its own wake-up; it is awake now.
  if (next.wakeUp?.mechanism === 'process') delete next.wakeUp;
  delete next.pausedUntil;
  delete next.pausedReason;
  delete next.stopReason;
  delete next.stopKind;
  delete next.endedAt;
  return next;
}

/** Applies the scheduler's deferrals and dependency blocks. */
export function applySchedule(state: SessionState, decision: ScheduleDecision, now: string): SessionState {
  const next = clone(state);
  for (const d of decision.defer) {
    const item = itemOf(next, d.slug);
    item.status = 'deferred';
    item.reason = d.reason;
    item.endedAt = now;
  }
  for (const b of decision.block) {
    const item = itemOf(next, b.slug);
    item.status = 'blocked';
    item.failureKind = 'dependency';
    item.reason = b.reason;
    item.endedAt = now;
  }
  return next;
}

/** A new attempt starts: status running, a new attempt record, branch/worktree/startCommit. */
export function startAttempt(
  state: SessionState,
  slug: string,
  a: { claudeSessionId: string; now: string; branch: string; worktree: string; startCommit: string; transcript: string },
): { state: SessionState; attempt: AttemptRecord } {
  const next = clone(state);
  const item = itemOf(next, slug);
  const attempt: AttemptRecord = {
    n: item.attempts.length + 1,
    run: next.run ?? 1,
    claudeSessionId: a.claudeSessionId,
    startedAt: a.now,
    turns: 0,
    costUsd: 0,
    transcript: a.transcript,
    startCommit: a.startCommit,
  };
  item.attempts.push(attempt);
  item.status = 'running';
  item.startedAt ??= a.now;
  item.branch = a.branch;
  item.worktree = a.worktree;
  item.startCommit = a.startCommit;
  delete item.reason;
  delete item.failureKind;
  delete item.evidence;
  delete item.endedAt;
  return { state: next, attempt };
}

/** Updates the current attempt's record (outcome, turns, cost, failure...). */
export function updateAttempt(state: SessionState, slug: string, patch: Partial<AttemptRecord>): SessionState {
  const next = clone(state);
  const item = itemOf(next, slug);
  const last = item.attempts.at(-1);
  if (last) Object.assign(last, patch);
  return next;
}

/** Sets an item's status with its reason, failure kind and evidence (endedAt for settled statuses). */
export function setItemStatus(
  state: SessionState,
  slug: string,
  status: ItemRunStatus,
  opts: { now: string; reason?: string; failureKind?: FailureKind; evidence?: string; note?: string } = { now: new Date().toISOString() },
): SessionState {
  const next = clone(state);
  const item = itemOf(next, slug);
  item.status = status;
  if (opts.reason !== undefined) item.reason = opts.reason;
  if (opts.failureKind !== undefined) item.failureKind = opts.failureKind;
  if (opts.evidence !== undefined) item.evidence = opts.evidence;
  if (opts.note !== undefined) item.note = opts.note;
  if (ITEM_STATUSES_ENDED_TONIGHT.includes(status)) item.endedAt = opts.now;
  if (status === 'pending') delete item.endedAt;
  return next;
}

/** The item was merged into the integration branch. */
export function markMerged(state: SessionState, slug: string, m: { now: string; mergeCommit: string; commits: string[] }): SessionState {
  const next = setItemStatus(state, slug, 'merged', { now: m.now });
  const item = itemOf(next, slug);
  item.mergeCommit = m.mergeCommit;
  item.commits = m.commits;
  delete item.reason;
  delete item.failureKind;
  return next;
}

/** Latest activity of an item (for `overnight status`). */
export function setActivity(state: SessionState, slug: string, activity: string, at: string): SessionState {
  const next = clone(state);
  const item = itemOf(next, slug);
  item.activity = activity.slice(0, 300);
  item.activityAt = at;
  return next;
}

/** Records what the agent learned. */
export function setLearnings(state: SessionState, slug: string, learnings: string): SessionState {
  const next = clone(state);
  itemOf(next, slug).learnings = learnings;
  return next;
}

/** `overnight schedule`: the session waits for `at` (ISO); a detached runner starts it then. */
export function scheduleSession(state: SessionState, at: string): SessionState {
  const next = clone(state);
  next.phase = 'scheduled';
  next.scheduledFor = at;
  return next;
}

/** A schedule that could not be set up (its runner did not start) is taken back: launched again. */
export function unscheduleSession(state: SessionState): SessionState {
  const next = clone(state);
  if (next.phase === 'scheduled') next.phase = 'launched';
  delete next.scheduledFor;
  delete next.wakeUp;
  return next;
}

/** Session-wide pause until an ISO time (rate or usage limit). */
export function pauseSession(state: SessionState, until: string, reason: string): SessionState {
  const next = clone(state);
  next.phase = 'paused';
  next.pausedUntil = until;
  next.pausedReason = reason;
  return next;
}

/** The pause is over. */
export function unpauseSession(state: SessionState): SessionState {
  const next = clone(state);
  if (next.phase === 'paused') next.phase = 'running';
  delete next.pausedUntil;
  delete next.pausedReason;
  return next;
}

/** Items in flight (running, verifying, merging) become interrupted with `reason`. */
export function interruptInFlight(state: SessionState, reason: string, now: string): SessionState {
  const next = clone(state);
  for (const item of Object.values(next.items)) {
    if (item.status === 'running' || item.status === 'verifying' || item.status === 'merging') {
      item.status = 'interrupted';
      item.failureKind = 'timeout';
      item.reason = reason;
      item.endedAt = now;
    }
  }
  return next;
}

/** The night is over: phase complete (or stopped), endedAt, the stop reason and kind if any. */
export function endSession(state: SessionState, opts: { now: string; phase: 'complete' | 'stopped'; stopReason?: string; stopKind?: string }): SessionState {
  const next = clone(state);
  next.phase = opts.phase;
  next.endedAt = opts.now;
  if (opts.stopReason) next.stopReason = opts.stopReason;
  if (opts.stopKind) next.stopKind = opts.stopKind;
  delete next.pausedUntil;
  delete next.pausedReason;
  return next;
}

/**
 * Count of earlier failed attempts of an item in run `run` (attempts of earlier runs, before an
 * `overnight retry`, do not count against this run's retry limits), by failure kind. Attempts
 * whose merge conflicted (kind `merge`, outcome `conflict`) count in neither: conflict re-runs
 * have their own limit, `agent.conflict_retries` (conflict.ts conflictReruns).
 */
export function failureCounts(item: ItemState, run = 1): { task: number; transient: number } {
  let task = 0;
  let transient = 0;
  for (const a of item.attempts) {
    if ((a.run ?? 1) !== run) continue;
    // A stalled attempt uses up a task retry: its retry is a fresh attempt with the stall in its brief.
    if (a.failureKind === 'task' || a.failureKind === 'stalled') task++;
    else if (a.failureKind === 'transient' && a.outcome !== 'paused') transient++;
  }
  return { task, transient };
}

/**
 * Prepares a stopped or crashed session for `overnight resume` (pure):
 * - items in flight (running, verifying, merging) start over: pending (the caller recreates their
 *   worktree cleanly) - unless `mergedSlugs` says git already has them on the integration branch,
 *   then they are merged (an item is never merged twice);
 * - interrupted and deferred items become pending again;
 * - merged, failed and blocked items stay as they are (dependents of a deferred or interrupted item
 *   were deferred, not blocked, so they become pending again too) - unless `retry` names them
 *   (`overnight retry`, see retrySelection): then they become pending too, a new run starts
 *   (`run` + 1, recorded in `retries`), and their last attempt keeps why it ended (`failure`), for
 *   the next attempt's brief. Their attempts stay: the history spans the runs.
 * Returns the new state and the slugs that were reset.
 */
export function prepareResume(
  state: SessionState,
  manifestItems: ManifestItem[],
  opts: { now: string; mergedSlugs: Map<string, { mergeCommit: string; commits: string[] }>; retry?: ReadonlySet<string> },
): { state: SessionState; reset: string[]; recoveredMerged: string[] } {
  const next = clone(state);
  if (opts.retry && opts.retry.size > 0) {
    next.run = (next.run ?? 1) + 1;
    next.retries = [...(next.retries ?? []), { run: next.run, at: opts.now, items: manifestItems.map((m) => m.slug).filter((s) => opts.retry!.has(s)) }];
  }
  const reset: string[] = [];
  const recoveredMerged: string[] = [];
  for (const m of manifestItems) {
    const item = next.items[m.slug];
    if (!item) continue;
    const merged = opts.mergedSlugs.get(m.slug);
    if (item.status !== 'merged' && merged) {
      item.status = 'merged';
      item.mergeCommit = merged.mergeCommit;
      item.commits = merged.commits;
      item.endedAt ??= opts.now;
      delete item.reason;
      delete item.failureKind;
      recoveredMerged.push(m.slug);
      continue;
    }
    const stoppedBy = item.status === 'failed' && item.failureKind === 'permanent';
    const retried = opts.retry?.has(m.slug) === true && (item.status === 'failed' || item.status === 'blocked');
    if (retried) {
      const last = item.attempts.at(-1);
      if (last && !last.failure && item.reason) last.failure = item.status === 'blocked' ? `it ended blocked: ${item.reason}` : item.reason;
    }
    if (retried || stoppedBy || ['running', 'verifying', 'merging', 'interrupted', 'deferred'].includes(item.status)) {
      item.status = 'pending';
      delete item.reason;
      delete item.failureKind;
      delete item.endedAt;
      delete item.activity;
      reset.push(m.slug);
    }
  }
  delete next.pausedUntil;
  delete next.pausedReason;
  delete next.stopReason;
  delete next.stopKind;
  delete next.endedAt;
  return { state: next, reset, recoveredMerged };
}

/**
 * The items `overnight retry` runs again (pure). `requested`: slugs the user named (already
 * resolved; empty = every failed or blocked item). Each named item must be failed or blocked, else
 * the error names it and its status. Items blocked because an item they depend on did not ship
 * (failure kind `dependency`) come along when that item is retried, transitively; a named item of
 * that kind brings its failed or blocked dependencies along.
 * Returns the slugs to retry (plan order) or `{ error }` with the first problem.
 */
export function retrySelection(
  state: SessionState,
  manifestItems: ReadonlyArray<Pick<ManifestItem, 'slug' | 'dependsOn'>>,
  requested: readonly string[],
): { slugs: string[] } | { error: { slug: string; status: ItemRunStatus | 'unknown' } } {
  const retriable = (slug: string) => {
    const st = state.items[slug]?.status;
    return st === 'failed' || st === 'blocked';
  };
  for (const slug of requested) {
    if (!retriable(slug)) return { error: { slug, status: state.items[slug]?.status ?? 'unknown' } };
  }
  const chosen = new Set(requested.length > 0 ? requested : manifestItems.map((m) => m.slug).filter(retriable));
  const bySlug = new Map(manifestItems.map((m) => [m.slug, m]));
  // A named item blocked by a dependency brings that dependency along when it did not ship either.
  const pull = [...chosen];
  while (pull.length > 0) {
    const slug = pull.pop()!;
    if (state.items[slug]?.failureKind !== 'dependency') continue;
    for (const d of bySlug.get(slug)?.dependsOn ?? []) {
      if (!chosen.has(d) && retriable(d)) {
        chosen.add(d);
        pull.push(d);
      }
    }
  }
  // Dependents blocked by a chosen item come along (until nothing changes: a chain).
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of manifestItems) {
      const st = state.items[m.slug];
      if (chosen.has(m.slug) || st?.status !== 'blocked' || st.failureKind !== 'dependency') continue;
      if (m.dependsOn.some((d) => chosen.has(d))) {
        chosen.add(m.slug);
        changed = true;
      }
    }
  }
  return { slugs: manifestItems.map((m) => m.slug).filter((s) => chosen.has(s)) };
}
