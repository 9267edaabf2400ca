/**
 * Preparing a stopped or crashed session for `overnight resume` (DESIGN.md, "After a crash,
 * reboot or pause"). Runs while the caller holds the repository lock (so no runner is alive).
 * - Items that were running, verifying or merging start over in a CLEAN worktree: the old worktree
 *   is removed (the item's branch is backed up first, and recreated from the integration branch
 *   when the item starts again).
 * - An item is never merged twice: before resetting an item, git is asked whether its work is
 *   already on the integration branch (a merge commit with its message on the first-parent
 *   history, or its branch tip - with commits beyond its start - an ancestor of the integration
 *   branch, `git merge-base --is-ancestor`); if so it is recorded as merged.
 * - `interrupted` and `deferred` items become pending again.
 * - The deadline: a resume is a fresh run of what is left, with the session's ORIGINAL time limit
 *   from now (new deadline = now + timeLimitMs). The items left are a subset of the approved plan,
 *   so this never runs more than the plan allowed for; a resume after the night ran out therefore
 *   gets a full limit rather than zero.
 */
import { readSessionView } from '../session/added.js';
import { OvernightError } from '../util/errors.js';
import { itemBranch, worktreePath } from '../session/paths.js';
import type { SessionState } from '../session/state.js';
import { appendEvent, readState, updateState } from '../session/store.js';
import { backupBranch, commitsBetween, findMergeCommit, isAncestor, removeWorktree, resolveCommit } from './git.js';
import { mergeMessage } from './merge-queue.js';
import { integrationWorktreePath } from './night.js';
import { prepareResume } from './transitions.js';
import { assertRetryPhase, chooseRetryItems } from './retry.js';

export interface ResumePreparation {
  /** Items set back to pending (they start over). */
  reset: string[];
  /** Items git showed were already merged (state said otherwise). */
  recoveredMerged: string[];
  /** The new deadline, ISO. */
  deadline: string;
  state: SessionState;
}

/** Finds which not-merged items git already has on the integration branch. */
export async function alreadyMerged(repoRoot: string, sessionId: string, state: SessionState): Promise<Map<string, { mergeCommit: string; commits: string[] }>> {
  const manifest = readSessionView(repoRoot, sessionId);
  const integration = manifest.integrationBranch;
  const out = new Map<string, { mergeCommit: string; commits: string[] }>();
  for (const item of manifest.items) {
    const st = state.items[item.slug];
    if (!st || st.status === 'merged') continue;
    const branch = itemBranch(sessionId, item.slug);
    const tip = await resolveCommit(repoRoot, `refs/heads/${branch}`);
    const mergeCommit = await findMergeCommit(repoRoot, integration, mergeMessage(item));
    const start = st.startCommit ?? manifest.baseCommit;
    const commits = tip ? await commitsBetween(repoRoot, start, tip) : [];
    const tipMerged = tip !== undefined && commits.length > 0 && (await isAncestor(repoRoot, tip, integration));
    if (mergeCommit || tipMerged) out.set(item.slug, { mergeCommit: mergeCommit ?? '', commits });
  }
  return out;
}

/**
 * Resets the session's state and worktrees for a resume, or for a retry (`retry`: item references
 * of `overnight retry`, empty for every failed or blocked item; src/runner/retry.ts). Throws
 * OvernightError `resume.abandoned` (an abandoned session cannot be resumed), `resume.nothing`
 * (every item is settled for good; the fix names `overnight retry` when something failed), or
 * the retry errors of chooseRetryItems / assertRetryPhase.
 */
export async function prepareSessionResume(repoRoot: string, sessionId: string, now: Date = new Date(), opts: { retry?: string[] } = {}): Promise<ResumePreparation> {
  const manifest = readSessionView(repoRoot, sessionId);
  const before = readState(repoRoot, sessionId);
  if (opts.retry) assertRetryPhase(before);
  if (before.phase === 'abandoned') {
    throw new OvernightError('resume.abandoned', `Session ${sessionId} was abandoned; it cannot be resumed.`, {
      fix: 'Plan a new night with `overnight prepare` and `overnight launch` (its branches are still there).',
    });
  }
  const retry = opts.retry ? new Set(chooseRetryItems(manifest, before, opts.retry)) : undefined;
  const merged = await alreadyMerged(repoRoot, sessionId, before);
  const { state: next, reset, recoveredMerged } = prepareResume(before, manifest.items, { now: now.toISOString(), mergedSlugs: merged, retry });
  const left = Object.values(next.items).filter((i) => i.status === 'pending');
  if (left.length === 0) {
    const failed = Object.values(next.items).some((i) => i.status === 'failed' || i.status === 'blocked');
    throw new OvernightError('resume.nothing', `Session ${sessionId} has nothing left to run: every item is merged, failed or blocked.`, {
      fix: failed
        ? `Run its failed items again with \`overnight retry --session ${sessionId}\` (read the morning report first: \`overnight report --session ${sessionId}\`).`
        : 'Read the morning report (`overnight report`) and review the pull request.',
    });
  }
  for (const slug of reset) {
    await backupBranch(repoRoot, sessionId, itemBranch(sessionId, slug));
    await removeWorktree(repoRoot, worktreePath(repoRoot, sessionId, slug));
  }
  // The integration worktree may hold a half-done merge: recreate it when the night starts.
  await removeWorktree(repoRoot, integrationWorktreePath(repoRoot, sessionId));
  const deadline = new Date(now.getTime() + manifest.timeLimitMs).toISOString();
  // Loop mode polls again in the resumed night's time (its stop was about the old deadline); a retry runs only its items.
  const loop = next.loop && !retry ? { ...next.loop, stoppedAt: undefined, stopReason: undefined } : undefined;
  const state = await updateState(repoRoot, sessionId, () => ({ ...next, deadline, ...(loop ? { loop } : {}) }));
  appendEvent(repoRoot, sessionId, retry ? 'session_retried' : 'session_resumed', { reset, recoveredMerged, deadline, previousPhase: before.phase, ...(retry ? { retry: [...retry], run: state.run } : {}) });
  return { reset, recoveredMerged, deadline, state };
}
