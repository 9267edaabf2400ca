/**
 * One item's lifecycle in the night (DESIGN.md, "One item, one fresh agent session" and
 * "Failures, retries, limits"):
 * 1. a clean worktree and branch from the integration branch as it stands now (after backing up
 *    every branch the runner owns);
 * 2. a fresh `claude -p` attempt with the mission brief (earlier learnings, the previous attempt's
 *    failure);
 * 3. leftover uncommitted changes committed by the runner, commits counted, the success condition
 *    run in the worktree, the attempt judged on evidence (src/runner/judge.ts);
 * 4. success: the review pass when enabled (src/runner/review.ts), then the merge queue (a
 *    conflicted merge: a fresh attempt from the integration branch as it is now, up to
 *    agent.conflict_retries, conflict.ts); failure: a fresh retry, a session pause (rate/usage
 *    limit), a stop (permanent) or giving up, as decideNext says.
 * Each step is a named phase of src/runner/attempt.ts; this file runs them in order, once per
 * attempt. The abort signal ends the attempt cleanly: the item is `interrupted` and resume starts
 * it over.
 */
import { existsSync } from 'node:fs';
import type { ManifestItem, SessionState } from '../session/state.js';
import type { BriefInput } from '../agent/brief.js';
import type { NightContext } from './context.js';
import { addItemWorktree, linkedWorktreeGitDir, moveWorktree, resetItemWorktree, worktreeIndexIsPlain } from './git.js';
import { setItemStatus, updateAttempt } from './transitions.js';
import {
  beginAttempt,
  failurePhase,
  interruptReason,
  itemPlaces,
  judgePhase,
  markInterrupted,
  mergePhase,
  nowIso,
  PhaseClock,
  runAgentPhase,
  type AgentEnd,
  type Attempt,
  type ItemEnd,
  type ItemPlaces,
  type Judged,
  type Settled,
} from './attempt.js';

export { interruptReason, type AbortReason, type ItemEnd } from './attempt.js';

function learningsFor(state: SessionState, items: ManifestItem[], slug: string): Array<{ slug: string; title: string; text: string }> {
  return items
    .filter((i) => i.slug !== slug && state.items[i.slug]?.learnings)
    .map((i) => ({ slug: i.slug, title: i.title, text: state.items[i.slug]!.learnings! }));
}

/**
 * Why the item's last recorded attempt ended, when it failed or ended blocked (its `failure`, with
 * the item's evidence, and its failure kind: `stalled` asks for smaller steps), for the brief of
 * the next attempt; undefined for a first attempt or after
 * an interruption (nothing went wrong with the item itself).
 */
export function lastFailure(state: SessionState, slug: string): BriefInput['previousAttempt'] {
  const item = state.items[slug];
  const last = item?.attempts.at(-1);
  if (!item || !last?.failure || last.outcome === 'interrupted') return undefined;
  const conflict = last.conflict
    ? { files: last.conflict.files, with: last.conflict.with.map(({ id, slug, title }) => ({ id, slug, title })), startCommit: last.startCommit, tip: last.conflict.tip, keptRef: last.conflict.keptRef }
    : undefined;
  return { n: last.n, failure: last.failure, evidence: item.evidence, ...(last.failureKind ? { kind: last.failureKind } : {}), ...(conflict ? { conflict } : {}) };
}

/** How an attempt got its clean worktree: its own reset in place, a merged item's moved here, or a new one. */
export type WorktreeSource = 'reused' | 'recycled' | 'fresh';

/**
 * Gives the attempt a clean worktree at `worktree` on `branch` at `startCommit`: the item's own
 * worktree from an earlier attempt (or run) reset and cleaned in place; else a spare (a worktree
 * of an item merged in this run) moved to `worktree` and reset and cleaned; else
 * `git worktree add`. Whatever cannot be reset soundly is replaced by a fresh one (git.ts).
 */
export async function prepareWorktree(ctx: NightContext, worktree: string, branch: string, startCommit: string): Promise<WorktreeSource> {
  const { repoRoot } = ctx;
  if (existsSync(worktree)) {
    if (await resetItemWorktree(repoRoot, worktree, branch, startCommit)) return 'reused';
  } else {
    const spare = ctx.spareWorktrees?.pop();
    if (spare) {
      // Its clean started when its item merged; it must be over before the folder moves. The
      // index check reads only the admin dir (git clean does not write the index, and a move
      // leaves the admin dir in place): it runs while the clean finishes.
      const cleaning = ctx.spareCleaning?.get(spare);
      ctx.spareCleaning?.delete(spare);
      const admin = await linkedWorktreeGitDir(repoRoot, spare);
      const [cleaned, plain] = await Promise.all([cleaning ? cleaning.catch(() => false) : false, admin ? worktreeIndexIsPlain(repoRoot, admin) : false]);
      const moved = admin !== undefined && plain && (await moveWorktree(repoRoot, spare, worktree));
      if (moved && (await resetItemWorktree(repoRoot, worktree, branch, startCommit, { checked: true, cleaned }))) return 'recycled';
    }
  }
  await addItemWorktree(repoRoot, worktree, branch, startCommit);
  return 'fresh';
}

/**
 * Runs one item to its end in this run (merged, failed, blocked, interrupted, or back to pending
 * for a session pause). Never throws for the item's own problems: an unexpected error (git
 * failure...) fails the item with kind transient and its message.
 */
export async function runItem(ctx: NightContext, item: ManifestItem, signal: AbortSignal): Promise<ItemEnd> {
  try {
    return await lifecycle(ctx, item, signal);
  } catch (error) {
    const now = new Date(ctx.deps.now()).toISOString();
    if (signal.aborted) {
      await ctx.update((s) => setItemStatus(s, item.slug, 'interrupted', { now, reason: interruptReason(signal.reason), failureKind: signal.reason === 'deadline' ? 'timeout' : undefined }));
      ctx.event('item_interrupted', { slug: item.slug, reason: interruptReason(signal.reason) });
      return 'interrupted';
    }
    const message = error instanceof Error ? error.message : String(error);
    await ctx.update((s) => setItemStatus(s, item.slug, 'failed', { now, reason: `the runner hit an error: ${message.split('\n')[0]}`, failureKind: 'transient', evidence: message.slice(-2000) }));
    ctx.event('item_failed', { slug: item.slug, kind: 'transient', reason: message.split('\n')[0] });
    ctx.deps.log(`item ${item.slug}: runner error: ${message}`);
    return 'failed';
  }
}

/** The item's attempts, phase by phase (src/runner/attempt.ts), until one settles it for this run. */
async function lifecycle(ctx: NightContext, item: ManifestItem, signal: AbortSignal): Promise<ItemEnd> {
  const p = itemPlaces(ctx, item);
  const learningsOf = (s: SessionState) => learningsFor(s, ctx.manifest.items, p.slug);
  let previous: BriefInput['previousAttempt'];
  for (;;) {
    if (signal.aborted) return markInterrupted(ctx, p.slug, signal);
    const a = await beginAttempt(ctx, p, new PhaseClock(ctx, p.slug), previous, lastFailure, prepareWorktree);
    if (!a) return markInterrupted(ctx, p.slug, signal);
    const agent = await runAgentPhase(ctx, p, a, signal, learningsOf);
    if (agent.outcome.killedBy === 'abort' || signal.aborted) {
      await ctx.update(agent.record);
      return markInterrupted(ctx, p.slug, signal);
    }
    const judged = await judgePhase(ctx, p, a, agent, signal);
    if (judged === 'interrupted') return markInterrupted(ctx, p.slug, signal);
    if (judged === 'review-closed') return 'failed';
    const settled = await settle(ctx, p, a, judged, agent, signal);
    if ('end' in settled) return settled.end;
    previous = settled.again;
  }
}

/** Phase 4: what the verdict leads to: the item interrupted or blocked, the merge queue, or the failure path. */
async function settle(ctx: NightContext, p: ItemPlaces, a: Attempt, j: Judged, agent: AgentEnd, signal: AbortSignal): Promise<Settled> {
  const v = j.verdict;
  if (v.verdict === 'interrupted') {
    await ctx.update(j.withLog);
    return { end: await markInterrupted(ctx, p.slug, signal) };
  }
  if (v.verdict === 'blocked') {
    const reason = v.reason;
    await ctx.update((s) => setItemStatus(updateAttempt(j.withLog(s), p.slug, { outcome: 'blocked' }), p.slug, 'blocked', { now: nowIso(ctx), reason, evidence: agent.outcome.lastText?.slice(-2000) }));
    ctx.event('item_blocked', { slug: p.slug, reason, by: 'agent' });
    a.clock.end('blocked');
    return { end: 'blocked' };
  }
  if (v.verdict === 'success') return mergePhase(ctx, p, a, { ...j, verdict: v }, signal);
  return failurePhase(ctx, p, a, v, j.withLog, signal);
}
