/**
 * Loop mode in the night (issue 9, mechanism 6; seed 004 `--loop`): while the night's time
 * remains, the runner reads the base branch's COMMITTED backlog every `loop.poll_interval`
 * (src/backlog/at-commit.ts; never the user's working tree) and adds the items that became ready
 * after launch (src/plan/loop.ts) to the session: state.json `added` (session.json, the approved
 * plan, never changes) and a pending item state, so the scheduler runs them like any other. Before
 * the first added item of a base commit can run, that commit is merged into the integration branch
 * (no work tree: git.ts mergeNoFfByTree), so the item's worktree holds its backlog file and the
 * merge of the item can mark it done. Polling stops once less than `loop.stop_before` is left.
 */
import { scanBacklogAt } from '../backlog/at-commit.js';
import { itemRef } from '../backlog/filename.js';
import { planLoopItems, type LoopPlan } from '../plan/loop.js';
import { shippedAwaitingReview } from '../plan/shipped.js';
import { sessionView } from '../session/added.js';
import type { LoopState, SessionManifest, SessionState } from '../session/state.js';
import { readState } from '../session/store.js';
import { formatDuration } from '../util/duration.js';
import type { NightContext } from './context.js';
import { backupRefName, gitRaw, isAncestor, mergeNoFfByTree, resolveCommit } from './git.js';
import { ensureIntegrationHolds } from './integration-watch.js';

/** What loop mode does on this turn of the night: nothing (off or over), stop polling, poll now, or wait until `at` (ms). */
export type LoopStep = { kind: 'off' } | { kind: 'stop'; reason: string } | { kind: 'poll' } | { kind: 'wait'; at: number };

/**
 * Decides loop mode's step (pure). `lastPollAt`: ms of the last poll this run (undefined: none
 * yet). Polling stops for good when the runner is stopping, the deadline has passed, or less than
 * `loop.stopBeforeMs` is left before `deadline` (ms).
 */
export function loopStep(loop: LoopState | undefined, now: number, deadline: number, opts: { stopping: boolean; lastPollAt?: number }): LoopStep {
  if (!loop || loop.stoppedAt) return { kind: 'off' };
  if (opts.stopping) return { kind: 'stop', reason: 'the runner is stopping' };
  if (now >= deadline) return { kind: 'stop', reason: 'the time limit is reached' };
  if (deadline - now < loop.stopBeforeMs) return { kind: 'stop', reason: `less than ${formatDuration(loop.stopBeforeMs)} (loop.stop_before) is left before the time limit` };
  if (opts.lastPollAt === undefined || now - opts.lastPollAt >= loop.pollIntervalMs) return { kind: 'poll' };
  return { kind: 'wait', at: opts.lastPollAt + loop.pollIntervalMs };
}

/** Records that polling stopped (state.loop.stoppedAt, stopReason) and writes event `loop_stopped`. */
export async function stopLoop(ctx: NightContext, reason: string, now: number): Promise<void> {
  await ctx.update((s) => {
    if (s.loop && !s.loop.stoppedAt) {
      s.loop.stoppedAt = new Date(now).toISOString();
      s.loop.stopReason = reason;
    }
  });
  ctx.event('loop_stopped', { reason });
  ctx.deps.log(`loop mode: no more polling (${reason})`);
}

/**
 * One poll: reads the base branch's tip; when it moved since the last poll, plans the items that
 * became ready (planLoopItems), brings that commit into the integration branch when an item is to
 * be added, and records the added and skipped items (state.json `added`, `loop.skipped`, events
 * `item_added`, `loop_item_skipped`). `approved` is session.json's manifest. Returns the slugs
 * added (none when nothing changed). Never adds an item twice: the session's items (approved and
 * added) are never candidates. Throws only on a git or state I/O failure.
 */
export async function pollLoop(ctx: NightContext, approved: SessionManifest, now: number): Promise<string[]> {
  const state = readState(ctx.repoRoot, ctx.sessionId);
  const loop = state.loop;
  if (!loop) return [];
  const tip = await resolveCommit(ctx.repoRoot, `refs/heads/${approved.baseBranch}`);
  if (!tip || tip === loop.lastCommit) return [];
  const plan = await planAtCommit(ctx, approved, state, tip);
  if (plan === undefined) {
    await ctx.update((s) => void (s.loop && Object.assign(s.loop, { lastCommit: tip, lastPollAt: new Date(now).toISOString() })));
    return [];
  }
  let add = plan.add;
  let skip = plan.skip.map((x) => ({ id: x.item.id, slug: x.item.slug, title: x.item.title, reason: x.reason, commit: tip }));
  if (add.length > 0) {
    const merged = await bringIntoIntegration(ctx, approved, tip);
    if (!merged.ok) {
      skip = [...skip, ...add.map((i) => ({ id: i.id, slug: i.slug, title: i.title, reason: merged.reason, commit: tip }))];
      add = [];
    }
  }
  const at = new Date(now).toISOString();
  const before = new Map(loop.skipped.map((x) => [x.slug, x.reason]));
  await ctx.update((s) => {
    if (!s.loop) return;
    s.loop.lastCommit = tip;
    s.loop.lastPollAt = at;
    const addedSlugs = new Set(add.map((i) => i.slug));
    const kept = s.loop.skipped.filter((x) => !addedSlugs.has(x.slug) && !skip.some((n) => n.slug === x.slug));
    s.loop.skipped = [...kept, ...skip];
    s.added = [...(s.added ?? []), ...add.map((item) => ({ slug: item.slug, at, commit: tip, item }))];
    for (const item of add) s.items[item.slug] = { slug: item.slug, status: 'pending', attempts: [], commits: [] };
  });
  ctx.event('loop_checked', { commit: tip, added: add.map((i) => i.slug), skipped: skip.map((x) => x.slug) });
  for (const item of add) {
    ctx.event('item_added', { slug: item.slug, id: item.id, title: item.title, commit: tip, by: 'loop' });
    ctx.deps.log(`loop mode: added ${itemRef(item)} (committed on ${approved.baseBranch} at ${tip.slice(0, 12)})`);
  }
  for (const x of skip) if (before.get(x.slug) !== x.reason) ctx.event('loop_item_skipped', { slug: x.slug, id: x.id, reason: x.reason, commit: tip });
  return add.map((i) => i.slug);
}

/** The loop plan at base commit `tip`; undefined (event `loop_backlog_invalid`) when that backlog has errors. */
async function planAtCommit(ctx: NightContext, approved: SessionManifest, state: SessionState, tip: string): Promise<LoopPlan | undefined> {
  const [now, launch] = await Promise.all([scanBacklogAt(ctx.repoRoot, tip, ctx.config), scanBacklogAt(ctx.repoRoot, approved.baseCommit, ctx.config)]);
  if (now.errors.length > 0) {
    const problems = now.errors.map((e) => `${e.file ?? now.dir}${e.line ? `:${e.line}` : ''}: ${e.message}`);
    ctx.event('loop_backlog_invalid', { commit: tip, problems });
    ctx.deps.log(`loop mode: the backlog committed at ${tip.slice(0, 12)} has errors, nothing added from it (fix and commit again):\n  ${problems.join('\n  ')}`);
    return undefined;
  }
  const shipped = await shippedAwaitingReview(ctx.repoRoot, approved.baseBranch, now.items);
  return planLoopItems({
    tip: now.items,
    atLaunch: launch.items,
    session: sessionView(approved, state).items,
    approve: state.loop?.approve ?? [],
    shipped,
    config: ctx.config,
  });
}

/**
 * Merges base commit `tip` into the integration branch (through the merge queue, `--no-ff`, no
 * work tree), unless the branch already holds it. The backup ref moves with it. On a conflict
 * nothing changes and the reason names the files.
 */
async function bringIntoIntegration(ctx: NightContext, approved: SessionManifest, tip: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  return ctx.mergeQueue(async () => {
    const integration = approved.integrationBranch;
    if (!(await ensureIntegrationHolds(ctx, 'before loop mode merged the base branch'))) return { ok: false, reason: 'the integration branch had moved (see the session stop reason)' };
    if (await isAncestor(ctx.repoRoot, tip, `refs/heads/${integration}`)) return { ok: true };
    const backupRef = backupRefName(ctx.sessionId, integration);
    const merged = await mergeNoFfByTree(ctx.repoRoot, integration, approved.baseBranch, `overnight: merge ${approved.baseBranch} at ${tip.slice(0, 12)} (loop mode: backlog items added after launch)`, { tip, backupRef });
    if (!merged.ok) {
      const reason = merged.conflicts.length
        ? `${approved.baseBranch} at ${tip.slice(0, 12)} does not merge cleanly into the integration branch (conflicts in ${merged.conflicts.join(', ')})`
        : `${approved.baseBranch} at ${tip.slice(0, 12)} could not be merged into the integration branch: ${merged.message.split('\n')[0]}`;
      ctx.event('loop_merge_failed', { commit: tip, reason });
      return { ok: false, reason };
    }
    ctx.integration.merges.add(merged.mergeCommit);
    await gitRaw(ctx.repoRoot, ['update-ref', '-m', 'overnight: backup after a merge', backupRef, merged.mergeCommit]);
    ctx.event('loop_base_merged', { commit: tip, mergeCommit: merged.mergeCommit });
    return { ok: true };
  });
}

/** Loop mode's memory within one run of the runner. */
export interface LoopMemo {
  /** ms of the last poll this run. */
  lastPollAt?: number;
}

/**
 * One turn of the night for loop mode (`loop`: state.json's, as the night read it this turn):
 * stops polling, polls, or waits (loopStep). Returns whether
 * loop mode still keeps the night open (`looping`), when it next wants the night to wake (ms), and
 * the session's items view when the poll added items. A failed poll is logged (event
 * `loop_poll_failed`) and tried again at the next interval; it never ends the night.
 */
export async function loopTurn(ctx: NightContext, approved: SessionManifest, loop: LoopState | undefined, now: number, deadline: number, stopping: boolean, memo: LoopMemo): Promise<{ looping: boolean; wakeAt?: number; view?: SessionManifest }> {
  const step = loopStep(loop, now, deadline, { stopping, lastPollAt: memo.lastPollAt });
  if (step.kind === 'off') return { looping: false };
  if (step.kind === 'stop') {
    await stopLoop(ctx, step.reason, now);
    return { looping: false };
  }
  if (step.kind === 'wait') return { looping: true, wakeAt: step.at };
  memo.lastPollAt = now;
  const wakeAt = now + (loop?.pollIntervalMs ?? 60_000);
  try {
    const added = await pollLoop(ctx, approved, now);
    if (added.length === 0) return { looping: true, wakeAt };
    return { looping: true, wakeAt, view: sessionView(approved, readState(ctx.repoRoot, ctx.sessionId)) };
  } catch (error) {
    ctx.event('loop_poll_failed', { error: (error as Error).message });
    ctx.deps.log(`loop mode: the poll failed (${(error as Error).message}); trying again at the next interval`);
    return { looping: true, wakeAt };
  }
}
