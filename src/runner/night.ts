/**
 * The night loop (DESIGN.md, "Failures, retries, limits"): starts items as soon as their
 * dependencies are merged, up to the session's concurrency; pauses the session on a rate or usage
 * limit until its reset time; stops starting items that cannot finish before the deadline and
 * aborts running ones at the deadline (they become `interrupted`, resumable); stops early on a
 * permanent failure; ends the night (cleanup, report, pull request, lock release).
 *
 * The caller (`overnight start` / `resume` / the scheduled runner) holds the repository lock and
 * passes an AbortSignal that fires on SIGTERM/SIGINT: running agents are aborted, marked
 * interrupted, the state is written and the session is left `stopped` for `overnight resume`.
 */
import { removeSandboxPlaceholders } from './sandbox-git.js';
import { holdGitConfig, releaseGitConfig } from './git-config-hold.js';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveClaude } from '../agent/find-claude.js';
import { loadConfig } from '../config/load.js';
import { sessionFiles, worktreePath, worktreesDir, itemBranch, OBJECTS_FOLDER, SCRATCH_FOLDER } from '../session/paths.js';
import { STOP_REASON_SIGNAL, type SessionState } from '../session/state.js';
import { appendEventFile, readManifest, readState, updateState } from '../session/store.js';
import type { NightContext, NightDeps } from './context.js';
import { commitsBetween, commonGitDir, deleteBranch, removeWorktrees, resolveCommit } from './git.js';
import { runItem, type AbortReason } from './item.js';
import { safetyPolicyProblem } from './preflight.js';
import { serialQueue } from '../util/serial-queue.js';
import { ensureIntegrationHolds, newIntegrationWatch } from './integration-watch.js';
import { clearSessionWakeUp, installSessionWakeUp, processWakeUp } from '../wake/session.js';
import { schedule } from './scheduler.js';
import { measureResources, resourceGate } from './resources.js';
import { prepareWorktreesFolder } from './worktrees-folder.js';
import { loopTurn, type LoopMemo } from './loop.js';
import { sessionView } from '../session/added.js';
import { loadNightRatchet } from '../ratchet/baseline.js';
import { recordNightMemory } from '../memory/night-end.js';
import { applySchedule, endSession, markRunning, pauseSession, unpauseSession } from './transitions.js';

export interface RunNightOptions {
  repoRoot: string;
  sessionId: string;
  deps: NightDeps;
  /** Fires when the runner must stop (SIGTERM/SIGINT). */
  signal?: AbortSignal;
  /** The deadline to use (ISO); default: keep state.deadline when the session already has one and it is in the future, else now + the session time limit. */
  deadline?: string;
}

export interface NightSummary {
  phase: SessionState['phase'];
  stopReason?: string;
  /**
   * Why a `stopped` night stopped: `permanent` (claude missing, not logged in, a broken safety
   * config), INTEGRATION_MOVED (src/session/state.ts: the integration branch lost the runner's
   * merges), or `signal` (SIGTERM/SIGINT/SIGHUP: resumable).
   */
  stopKind?: string;
  counts: Record<string, number>;
}

/** How often held-back starts re-check the resource thresholds, ms. */
export const RESOURCE_RECHECK_MS = 30_000;

/** Name of the runner's integration worktree folder inside the session's worktrees folder. */
export const INTEGRATION_WORKTREE = '_integration';

/** The runner's integration worktree path (`.overnight/worktrees/<id>/_integration`). */
export function integrationWorktreePath(repoRoot: string, sessionId: string): string {
  return join(worktreesDir(repoRoot, sessionId), INTEGRATION_WORKTREE);
}

function waitFor(ms: number, wake: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, Math.max(0, ms));
    const listeners: Array<() => void> = [];
    function done() {
      clearTimeout(t);
      for (const [i, s] of wake.entries()) s.removeEventListener('abort', listeners[i]!);
      resolve();
    }
    for (const s of wake) {
      const l = () => done();
      listeners.push(l);
      if (s.aborted) return done();
      s.addEventListener('abort', l, { once: true });
    }
  });
}

/**
 * Runs (or continues) a session's night until every item is settled, the deadline passes, the
 * runner is stopped, or a permanent failure stops it. Resolves to the final phase and counts.
 */
export async function runNight(opts: RunNightOptions): Promise<NightSummary> {
  const { repoRoot, sessionId, deps } = opts;
  // The approved plan (session.json, never rewritten) and the session's items: it plus loop mode's additions.
  const approved = readManifest(repoRoot, sessionId);
  let manifest = sessionView(approved, readState(repoRoot, sessionId));
  const files = sessionFiles(repoRoot, sessionId);
  const config = await loadConfig(repoRoot);
  const update = (mutate: (s: SessionState) => SessionState | void) => updateState(repoRoot, sessionId, mutate);
  // Notifications of an item's failure and of a pause (usage limit) run beside the night, never
  // awaited by it; the night waits for them before it ends.
  const notices: Array<Promise<unknown>> = [];
  const event = (type: string, data: Record<string, unknown> = {}) => {
    appendEventFile(files.events, type, data);
    if (type === 'item_failed' && typeof data.slug === 'string' && deps.notifyItemFailed) notices.push(deps.notifyItemFailed(repoRoot, sessionId, data.slug).catch(() => undefined));
    if (type === 'session_paused' && deps.notifyPaused) notices.push(deps.notifyPaused(repoRoot, sessionId, String(data.until ?? ''), String(data.reason ?? '')).catch(() => undefined));
  };
  const stop = opts.signal ?? new AbortController().signal;

  // Scheduled start: sleep until then (the signal ends the wait).
  let state = readState(repoRoot, sessionId);
  if (state.phase === 'scheduled' && state.scheduledFor) {
    const at = Date.parse(state.scheduledFor);
    if (at - deps.now() > 0) {
      deps.log(`scheduled: waiting until ${state.scheduledFor}`);
      event('runner_waiting', { until: state.scheduledFor, pid: process.pid });
      // Wait in steps of at most a minute against the wall clock: timers do not count the time a
      // laptop spends asleep, the clock does.
      while (!stop.aborted && at - deps.now() > 0) await waitFor(Math.min(at - deps.now(), 60_000), [stop]);
      if (stop.aborted) {
        deps.log('stopped before the scheduled start');
        event('runner_stopped', { reason: 'stopped before the scheduled start' });
        return { phase: readState(repoRoot, sessionId).phase, counts: {} };
      }
    }
  }

  const nowMs = deps.now();
  const existing = state.deadline ? Date.parse(state.deadline) : undefined;
  const deadlineIso = opts.deadline ?? (existing !== undefined && existing > nowMs ? state.deadline! : new Date(nowMs + manifest.timeLimitMs).toISOString());
  const deadline = Date.parse(deadlineIso);
  state = await update((s) => markRunning(s, { pid: process.pid, now: new Date(nowMs).toISOString(), deadline: deadlineIso }));
  event('session_started', { pid: process.pid, deadline: deadlineIso, resumed: Boolean(state.startedAt && state.startedAt !== new Date(nowMs).toISOString()) });
  deps.log(`session ${sessionId}: running until ${deadlineIso} (pid ${process.pid})`);

  // The worktrees' folder, placed for quick checkouts (worktrees-folder.ts) before any is made.
  const folder = await prepareWorktreesFolder(repoRoot, sessionId);
  if (folder.created) event('worktrees_folder', { path: folder.path, topDirHint: folder.topDirHint });

  // Created by the merge queue when the project checks first need it (merges need no work tree).
  const integrationWorktree = integrationWorktreePath(repoRoot, sessionId);

  // The OS wake-up of the latest pause, while it is being installed (armPauseWakeUp).
  let arming: Promise<void> = Promise.resolve();
  const controllers = new Map<string, AbortController>();
  const running = new Map<string, Promise<void>>();
  let stopping: AbortReason | undefined;
  let stopReason: string | undefined;
  let stopKind: string | undefined;
  let wake = new AbortController();
  const kick = () => wake.abort();
  const abortAll = (reason: AbortReason) => {
    for (const c of controllers.values()) if (!c.signal.aborted) c.abort(reason);
  };

  // One resolution of claude for the whole night, the same doctor and launch use.
  const claude = resolveClaude({ configured: config.agent.claude_path, pluginRoot: deps.pluginDir, cwd: repoRoot });
  if (claude.path) event('claude_resolved', { path: claude.path, source: claude.source });
  else event('claude_not_found', { tried: claude.tried });

  const ctx: NightContext = {
    repoRoot,
    sessionId,
    manifest,
    config,
    claudePath: claude.path ?? config.agent.claude_path,
    files,
    deps,
    integrationWorktree,
    update,
    event,
    mergeQueue: serialQueue(),
    integration: newIntegrationWatch(),
    spareWorktrees: [],
    spareCleaning: new Map(),
    spareRemovals: [],
    pause: async (until, reason) => {
      const s = await update((st) => {
        // Keep the later reset time when several items hit the limit.
        if (st.pausedUntil && Date.parse(st.pausedUntil) >= Date.parse(until)) return st;
        return pauseSession(st, until, reason);
      });
      event('session_paused', { until: s.pausedUntil, reason });
      deps.log(`session paused until ${s.pausedUntil}: ${reason}`);
      // The loop's end of the pause waits for this, so it never clears a wake-up not yet installed.
      arming = armPauseWakeUp(ctx, s.pausedUntil!);
      kick();
      await arming;
    },
    stopSession: (reason, kind = 'permanent') => {
      if (stopping) return;
      stopping = 'permanent';
      stopReason = reason;
      stopKind = kind;
      event('session_stopping', { reason, kind });
      deps.log(`session stopping early: ${reason}`);
      abortAll('permanent');
      kick();
    },
  };

  // What every agent depends on and no retry can fix: found now, it stops the night before any attempt.
  const policyProblem = safetyPolicyProblem(files.policy);
  if (policyProblem) {
    event('preflight_failed', { kind: 'permanent', reason: policyProblem });
    ctx.stopSession(policyProblem);
  }

  // The test ratchet's baseline: the project checks on the base commit, before any item starts.
  if (!stopping) ctx.ratchet = await loadNightRatchet(ctx, stop);

  const onStop = () => {
    if (!stopping) {
      stopping = 'stop';
      stopReason = STOP_REASON_SIGNAL;
      event('session_stopping', { reason: stopReason });
      deps.log('stop signal: ending running agents');
    }
    abortAll('stop');
    kick();
  };
  stop.addEventListener('abort', onStop, { once: true });
  if (stop.aborted) onStop();

  let deadlineHit = false;
  let lastResourceNote: string | undefined;
  const loopMemo: LoopMemo = {};
  const onDeadline = () => {
    if (deadlineHit) return;
    deadlineHit = true;
    event('deadline_reached', { deadline: deadlineIso });
    deps.log('session time limit reached: stopping running items');
    abortAll('deadline');
    kick();
  };
  // The timer, plus a wall-clock check on every loop turn (the loop wakes at least once a minute),
  // for when the machine slept through the timer.
  const deadlineTimer = setTimeout(onDeadline, Math.min(Math.max(0, deadline - deps.now()), 2 ** 31 - 1));

  // With the OS sandbox on, the repository's config.lock is held while agents run, so that no
  // agent's sandbox creates and removes it under another's (git-config-hold.ts).
  // Held from the first start of an agent until none runs (a pause, the end of the night).
  const commonDir = manifest.sandbox === 'on' ? await commonGitDir(repoRoot) : undefined;
  let configHeld = false;
  const holdConfig = async () => {
    if (!commonDir || configHeld) return;
    const hold = await holdGitConfig(commonDir, sessionId);
    configHeld = hold.held;
    event('git_config_held', hold.held ? { takenOver: hold.takenOver } : { held: false, reason: hold.reason });
  };
  const releaseConfig = () => {
    if (!commonDir || !configHeld) return;
    configHeld = false;
    if (releaseGitConfig(commonDir)) event('git_config_released', {});
  };

  try {
    for (;;) {
      state = readState(repoRoot, sessionId);
      const now = deps.now();
      if (now >= deadline && !deadlineHit) onDeadline();
      if (state.phase === 'paused' && state.pausedUntil && now >= Date.parse(state.pausedUntil)) {
        await arming.catch(() => undefined);
        await clearSessionWakeUp(repoRoot, sessionId, 'the pause is over and the runner is awake');
        state = await update((s) => unpauseSession(s));
        event('session_unpaused', {});
        deps.log('pause over: going on');
      }
      // Resource thresholds: hold back new starts (or stop, when disk is short and nothing runs).
      let hold = false;
      let concurrency = manifest.concurrency;
      if (!stopping && !deadlineHit) {
        const gate = resourceGate((deps.measureResources ?? (() => measureResources(repoRoot)))(), config.resources, running.size);
        if (gate.reason && gate.reason !== lastResourceNote) event('resources_low', { reason: gate.reason });
        lastResourceNote = gate.reason;
        if (!gate.ok) {
          hold = true;
          if (gate.stop) ctx.stopSession(gate.reason);
        } else if (gate.oneAtMost) concurrency = 1;
      }
      // Loop mode (loop.ts): items committed on the base branch after launch join the session.
      const loop = await loopTurn(ctx, approved, state.loop, now, deadline, Boolean(stopping) || deadlineHit, loopMemo);
      if (loop.view) {
        manifest = ctx.manifest = loop.view;
        state = readState(repoRoot, sessionId);
      }
      // Items this loop has started count as running even before their first state write
      // (worktree creation takes a moment), so a wake-up in between cannot start them twice.
      const states = { ...state.items };
      for (const slug of running.keys()) {
        const st = states[slug];
        if (st && st.status === 'pending') states[slug] = { ...st, status: 'running' };
      }
      const decision = schedule({
        items: manifest.items,
        states,
        concurrency,
        now,
        deadline: deadlineHit ? now : deadline,
        pausedUntil: state.pausedUntil ? Date.parse(state.pausedUntil) : undefined,
        stopping: Boolean(stopping) || hold,
        budgetUsd: manifest.budgetUsd,
      });
      // While stopping (signal or permanent failure) items that did not run stay pending for resume.
      if (!stopping && (decision.defer.length || decision.block.length)) {
        const at = new Date(now).toISOString();
        state = await update((s) => applySchedule(s, decision, at));
        for (const d of decision.defer) event('item_deferred', { slug: d.slug, reason: d.reason });
        for (const b of decision.block) event('item_blocked', { slug: b.slug, reason: b.reason, by: 'dependency', dependency: b.dependency });
      }
      if (decision.start.length > 0) await holdConfig();
      for (const slug of decision.start) {
        const item = manifest.items.find((i) => i.slug === slug)!;
        const controller = new AbortController();
        controllers.set(slug, controller);
        const p = runItem(ctx, item, controller.signal)
          .then((end) => {
            if (end !== 'merged') deps.log(`item ${slug}: ${end}`);
          })
          .finally(() => {
            controllers.delete(slug);
            running.delete(slug);
            kick();
          });
        running.set(slug, p);
      }
      // No item is waiting to start: the spares have no taker, so they go now, while the last
      // agents work, rather than at the end of the night.
      if (decision.start.length === 0 && !Object.values(states).some((i) => i.status === 'pending')) retireSpares(ctx);
      if (running.size === 0 && ((decision.finished && !loop.looping) || stopping)) break;
      if (running.size === 0 && !state.pausedUntil && decision.start.length === 0) {
        // Nothing runs and nothing can start: should not happen (the scheduler settles what cannot run); avoid a busy loop.
        if (decision.finished && !loop.looping) break;
      }
      if (running.size === 0) releaseConfig();
      const pausedFor = state.pausedUntil ? Date.parse(state.pausedUntil) - deps.now() : Infinity;
      const loopFor = loop.wakeAt !== undefined ? loop.wakeAt - deps.now() : Infinity;
      await waitFor(Math.min(pausedFor, loopFor, hold ? RESOURCE_RECHECK_MS : 60_000), [wake.signal]);
      wake = new AbortController();
    }
  } catch (error) {
    // A runner bug or an unreadable state file: end the agents cleanly before giving up, so no
    // agent outlives the lock. The session stays resumable.
    deps.log(`runner error: ${(error as Error).stack ?? String(error)}`);
    event('runner_error', { error: (error as Error).message });
    abortAll('stop');
    await Promise.allSettled([...running.values()]);
    throw error;
  } finally {
    clearTimeout(deadlineTimer);
    stop.removeEventListener('abort', onStop);
    // Every agent has ended (the loop ends with none running; the catch waits for them).
    releaseConfig();
  }

  await Promise.allSettled(notices);
  // The report and the pull request must only claim what the integration branch holds.
  if (!stopping) await ensureIntegrationHolds(ctx, 'at the end of the night');
  const summary = await finishNight(ctx, stopping ? 'stopped' : 'complete', stopReason, stopKind);
  // The summary names every stop's kind (a signal included); state.stopKind only early stops'.
  const kind = stopping === 'stop' ? 'signal' : stopping === 'permanent' ? (stopKind ?? 'permanent') : undefined;
  return kind ? { ...summary, stopKind: kind } : summary;
}

/** How long after a pause's end the OS wake-up fires: the live runner goes on by itself first and removes it. */
export const PAUSE_WAKE_GRACE_MS = 2 * 60_000;

/**
 * A usage-limit pause survives a reboot: `overnight resume` is handed to the OS scheduler for
 * PAUSE_WAKE_GRACE_MS after `pausedUntil` (src/wake), replacing an earlier one. Where no scheduler
 * is usable this runner's own sleep is recorded as the wake-up (status says it does not survive a
 * reboot). Never throws: a failure is logged.
 */
async function armPauseWakeUp(ctx: NightContext, pausedUntil: string): Promise<void> {
  try {
    const current = readState(ctx.repoRoot, ctx.sessionId).wakeUp;
    const at = new Date(Date.parse(pausedUntil) + PAUSE_WAKE_GRACE_MS);
    if (current && current.command === 'resume' && current.at === at.toISOString()) return;
    await clearSessionWakeUp(ctx.repoRoot, ctx.sessionId, 'a later pause replaces it');
    const os = await installSessionWakeUp(ctx.repoRoot, ctx.sessionId, at, 'resume');
    if (!os.ok) {
      await ctx.update((s) => {
        s.wakeUp = processWakeUp(process.pid, new Date(pausedUntil), 'resume', os.tried);
      });
    }
  } catch (error) {
    ctx.deps.log(`could not hand the pause's wake-up to the OS scheduler: ${(error as Error).message}`);
  }
}

/**
 * Removes the spare worktrees (worktrees of merged items kept for recycling) in the background,
 * each after its clean is over, and records the removal in ctx.spareRemovals. Called when no item
 * is pending, so none would take them. Never throws (a failure is logged; the end of the night
 * removes whatever is left).
 */
function retireSpares(ctx: NightContext): void {
  const spares = ctx.spareWorktrees?.splice(0) ?? [];
  if (spares.length === 0) return;
  const cleanings = spares.map((p) => {
    const c = ctx.spareCleaning?.get(p);
    ctx.spareCleaning?.delete(p);
    return c?.catch(() => false);
  });
  const removal = Promise.all(cleanings)
    .then(() => removeWorktrees(ctx.repoRoot, spares))
    .catch((error: Error) => ctx.deps.log(`spare worktree removal failed: ${error.message}`));
  ctx.spareRemovals?.push(removal);
}

/**
 * Ends the night: the phase (complete, or stopped with its reason); worktrees of merged items,
 * the integration worktree and every scratch folder removed; EMPTY item branches (no commits
 * beyond their start) deleted; failed items' branches and worktrees kept for inspection; the
 * morning report and the pull request step (with the notifications; also on a night stopped early
 * by a permanent failure); event session_end. After a stop by a signal nothing is removed and no
 * pull request step runs (resume goes on from there; abandon ends it). The lock is released by the caller.
 */
async function finishNight(ctx: NightContext, phase: 'complete' | 'stopped', stopReason?: string, stopKind?: string): Promise<NightSummary> {
  const { repoRoot, sessionId, manifest, deps } = ctx;
  // No spare's clean or removal may still run in a folder about to be removed.
  await Promise.allSettled([...(ctx.spareCleaning?.values() ?? []), ...(ctx.spareRemovals ?? [])]);
  const now = new Date(deps.now()).toISOString();
  // Over (or stopped for a cause): nothing is to wake it. A stop by a signal (a reboot's SIGTERM
  // too) keeps a pause's wake-up, so the night still goes on after the reboot.
  if (phase === 'complete' || stopReason !== 'the runner was stopped by a signal') await clearSessionWakeUp(repoRoot, sessionId, `the night is ${phase}`).catch(() => undefined);
  let state = await ctx.update((s) => endSession(s, { now, phase, stopReason, stopKind }));

  if (phase === 'complete' || stopReason !== STOP_REASON_SIGNAL) {
    const remove: string[] = [];
    const emptyBranches: Array<{ slug: string; branch: string }> = [];
    for (const item of manifest.items) {
      const st = state.items[item.slug];
      if (!st) continue;
      const branch = itemBranch(sessionId, item.slug);
      const wt = worktreePath(repoRoot, sessionId, item.slug);
      try {
        if (st.status === 'merged') {
          // (A merged item's worktree may have been recycled by a later item: then nothing is there.)
          if (existsSync(wt)) remove.push(wt);
          continue;
        }
        const tip = await resolveCommit(repoRoot, `refs/heads/${branch}`);
        const empty = tip !== undefined && st.startCommit !== undefined && (await commitsBetween(repoRoot, st.startCommit, tip)).length === 0;
        if (empty) {
          if (existsSync(wt)) remove.push(wt);
          emptyBranches.push({ slug: item.slug, branch });
        }
      } catch (error) {
        deps.log(`cleanup of ${item.slug} failed: ${(error as Error).message}`);
      }
    }
    if (existsSync(ctx.integrationWorktree)) remove.push(ctx.integrationWorktree);
    await Promise.all([
      removeWorktrees(repoRoot, remove).catch((error: Error) => deps.log(`worktree cleanup failed: ${error.message}`)),
      // The agents' scratch folders: temporary by definition, failed items' included.
      rm(join(worktreesDir(repoRoot, sessionId), SCRATCH_FOLDER), { recursive: true, force: true, maxRetries: 3 }).catch((error: Error) => deps.log(`scratch cleanup failed: ${error.message}`)),
      // What Claude Code's sandbox left in the repository's git dir (an empty alternates file).
      commonGitDir(repoRoot).then(removeSandboxPlaceholders, () => undefined),
      // The agents' object folders (each is imported and removed when its attempt ends; what is
      // left is an import that failed, whose item failed with it).
      rm(join(worktreesDir(repoRoot, sessionId), OBJECTS_FOLDER), { recursive: true, force: true, maxRetries: 3 }).catch((error: Error) => deps.log(`object folder cleanup failed: ${error.message}`)),
    ]);
    // After their worktrees are gone (git refuses to delete a branch checked out in a worktree).
    for (const { slug, branch } of emptyBranches) {
      try {
        await deleteBranch(repoRoot, branch);
        ctx.event('branch_deleted', { slug, branch, reason: 'empty: no commits beyond its start point' });
      } catch (error) {
        deps.log(`cleanup of ${slug} failed: ${(error as Error).message}`);
      }
    }
  }

  // The night's learnings go to the learnings file on the integration branch, before the report
  // (which says what was kept) and the pull request (which carries the file).
  if (phase === 'complete' || stopKind === 'permanent') await recordNightMemory(ctx);

  if (deps.writeReport) {
    try {
      await deps.writeReport(repoRoot, sessionId);
      ctx.event('report_written', {});
    } catch (error) {
      deps.log(`morning report failed: ${(error as Error).message}`);
      ctx.event('report_failed', { error: (error as Error).message });
    }
  }
  // A finished night, and one stopped early by a permanent failure, push and open (or print) the
  // pull request for what shipped, and notify. Another early stop (the integration branch moved
  // under the runner: nothing is pushed from it) notifies only. A stop by a signal does neither:
  // the night goes on with `overnight resume`, or ends with `overnight abandon`, which does both.
  if ((phase === 'complete' || stopKind === 'permanent') && deps.finishPullRequest) {
    try {
      await deps.finishPullRequest(repoRoot, sessionId);
    } catch (error) {
      deps.log(`pull request step failed: ${(error as Error).message}`);
      ctx.event('pull_request_failed', { error: (error as Error).message });
    }
  } else if (phase === 'stopped' && stopKind && deps.notifyStopped) {
    await deps.notifyStopped(repoRoot, sessionId, stopReason ?? '').catch((error: Error) => deps.log(`notification failed: ${error.message}`));
  }
  state = readState(repoRoot, sessionId);
  const counts: Record<string, number> = {};
  for (const it of Object.values(state.items)) counts[it.status] = (counts[it.status] ?? 0) + 1;
  ctx.event('session_end', { phase, stopReason, counts });
  deps.log(`session ${sessionId}: ${phase}${stopReason ? ` (${stopReason})` : ''}: ${JSON.stringify(counts)}`);
  return { phase, stopReason, counts };
}
