/**
 * The merge queue (DESIGN.md, "Git model"): an item that passed is merged into the integration
 * branch one at a time (`--no-ff`, computed without a work tree: git.ts mergeNoFfByTree; the merge
 * commit also sets the item's backlog file to `status: done`, mark-done.ts), then the
 * project checks run on the result in the runner's own integration worktree (judged against the
 * night's baseline by the test ratchet, src/ratchet/gate.ts); when they fail the merge is undone (`git reset --hard` to the commit
 * before the merge, in the runner's own worktree, on the runner's own branch) and the item fails
 * (kind merge). A conflict changes nothing and says which files conflicted and which items merged
 * since the item started changed them (conflict.ts decides whether the item is re-run).
 * Before each merge the integration branch must still hold every earlier merge (integration-watch.ts);
 * after each merge that stays, the branch's backup ref moves to the merge commit.
 */
import { join } from 'node:path';
import { featureDir, itemBranch } from '../session/paths.js';
import type { ManifestItem } from '../session/state.js';
import type { NightContext } from './context.js';
import { backupRefName, commitsBetween, ensureBranchWorktree, gitRaw, mergeNoFfByTree, resetHard, resolveCommits } from './git.js';
import { ensureIntegrationHolds } from './integration-watch.js';
import { checkMerge } from '../ratchet/gate.js';
import { itemRef } from '../backlog/filename.js';
import { markDoneInTree, type MarkDoneOutcome } from './mark-done.js';
import { conflictReason, findConflictingItems, type ConflictFacts } from './conflict.js';

/** The merge commit message: `overnight: merge <id>-<slug>: <title>` (id zero-padded like the backlog file name). */
export function mergeMessage(item: Pick<ManifestItem, 'id' | 'slug' | 'title'>): string {
  return `overnight: merge ${itemRef(item)}: ${item.title}`;
}

export type MergeOutcome =
  | { ok: true; mergeCommit: string; commits: string[]; checksLog?: string }
  /** `conflict`: git's merge could not join the item's work with the integration branch (conflict.ts). */
  | { ok: false; reason: string; evidence?: string; stopped?: false; conflict?: ConflictFacts }
  /** The integration branch no longer held the runner's merges: nothing was merged, the night stops. */
  | { ok: false; reason: string; stopped: true };

/**
 * Merges one item's branch (through the queue). `startCommit` is where the item's branch started,
 * so the merged commits are `startCommit..branch` (`known.commits`: the caller's list of them, used
 * when it still ends at the branch tip). `attempt` numbers the checks log
 * (`features/<slug>/merge-checks-<n>.log`).
 */
export function mergeItem(ctx: NightContext, item: ManifestItem, startCommit: string, attempt: number, known?: { commits: string[] }): Promise<MergeOutcome> {
  return ctx.mergeQueue(async () => {
    const branch = itemBranch(ctx.sessionId, item.slug);
    const wt = ctx.integrationWorktree;
    const integration = ctx.manifest.integrationBranch;
    // Never merge onto a branch that lost the runner's earlier merges (rewound or deleted).
    if (!(await ensureIntegrationHolds(ctx, `before merging ${itemRef(item)}`))) {
      return { ok: false, stopped: true, reason: 'the night stopped before this merge: the integration branch had moved (see the session stop reason)' };
    }
    const [before, tip] = await resolveCommits(ctx.repoRoot, [`refs/heads/${integration}`, `refs/heads/${branch}`]);
    if (!before) return { ok: false, reason: `the integration branch ${integration} does not exist` };
    if (!tip) return { ok: false, reason: `the item branch ${branch} does not exist` };
    // The caller's count of `startCommit..branch` holds while the branch still ends there.
    const commits = known && known.commits.at(-1) === tip ? known.commits : await commitsBetween(ctx.repoRoot, startCommit, tip);
    ctx.event('merge_started', { slug: item.slug, branch, commits: commits.length });
    // The integration branch is backed up in the same transaction that moves it. The merge commit
    // also sets the item's backlog file to `status: done` (mark-done.ts).
    // A git failure while marking does not cost the item its merge: it ships unmarked (and is said so).
    let backlog: MarkDoneOutcome | { tree: string; marked: false; why: string } | undefined;
    const editTree = async (tree: string) => {
      try {
        backlog = await markDoneInTree(ctx.repoRoot, tree, item.file);
      } catch (error) {
        backlog = { tree, marked: false, why: `git failed: ${(error as Error).message.split('\n')[0]}` };
      }
      return backlog.tree;
    };
    const merged = await mergeNoFfByTree(ctx.repoRoot, integration, branch, mergeMessage(item), { before, tip, backupRef: backupRefName(ctx.sessionId, integration), editTree });
    if (!merged.ok) {
      if (merged.conflicts.length === 0) {
        const reason = `the merge into the integration branch failed: ${merged.message.split('\n')[0]}`;
        ctx.event('merge_failed', { slug: item.slug, reason, conflicts: [] });
        return { ok: false, reason, evidence: merged.message.slice(-2000) };
      }
      // Which items merged since this one started changed the conflicted files (the brief of a re-run names them).
      const culprits = await findConflictingItems(ctx.repoRoot, ctx.manifest.items, tip, before, merged.conflicts).catch(() => []);
      const conflict: ConflictFacts = { files: merged.conflicts, with: culprits, integrationTip: before, tip };
      const reason = conflictReason(conflict);
      ctx.event('merge_failed', { slug: item.slug, reason, conflicts: merged.conflicts, with: culprits.map((c) => c.slug) });
      return { ok: false, reason, evidence: merged.message.slice(-2000), conflict };
    }
    if (backlog) ctx.event(backlog.marked ? 'backlog_marked_done' : 'backlog_not_marked', { slug: item.slug, file: item.file, ...(backlog.marked ? {} : { why: backlog.why }) });
    const checks = ctx.manifest.checks;
    let checksLog: string | undefined;
    if (checks.length > 0) {
      const logFile = join(featureDir(ctx.repoRoot, ctx.sessionId, item.slug), `merge-checks-${attempt}.log`);
      checksLog = logFile;
      // The checks need the merge result on disk: the runner's integration worktree, created when
      // first needed and brought to the branch's new tip (only the files that differ change).
      await ensureBranchWorktree(ctx.repoRoot, wt, ctx.manifest.integrationBranch);
      await resetHard(wt, merged.mergeCommit);
      // Judged by the test ratchet when the night has one (src/ratchet/gate.ts).
      const result = await checkMerge(ctx, item.slug, wt, logFile);
      if (!result.passed) {
        await resetHard(wt, merged.before);
        ctx.event('merge_undone', { slug: item.slug, reason: result.reason });
        return { ok: false, reason: result.reason, evidence: result.evidence };
      }
    }
    // The merge is final: it is watched from now on, and the branch's backup moves to it (a backup
    // after each merge, not only at the base, so a rewind or deletion can be undone exactly).
    ctx.integration.merges.add(merged.mergeCommit);
    await gitRaw(ctx.repoRoot, ['update-ref', '-m', 'overnight: backup after a merge', backupRefName(ctx.sessionId, integration), merged.mergeCommit]);
    ctx.event('merged', { slug: item.slug, mergeCommit: merged.mergeCommit, commits });
    return { ok: true, mergeCommit: merged.mergeCommit, commits, checksLog };
  });
}
