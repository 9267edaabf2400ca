/**
 * The night's watch over its integration branch (issue 12, item 9): the merges this run made, and
 * ensureIntegrationHolds, which the item lifecycle calls before an item starts, the merge queue
 * before each merge, and the night before it ends. When the branch no longer holds the runner's
 * merges the night stops with kind `integration-branch-moved` (integration-guard.ts restores it from
 * its backup, or says how), instead of merging onto whatever the branch now is.
 */
import { itemRef } from '../backlog/filename.js';
import { readState } from '../session/store.js';
import { serialQueue, type SerialQueue } from '../util/serial-queue.js';
import type { NightContext } from './context.js';
import { checkIntegrationBranch, INTEGRATION_MOVED, recoverIntegrationBranch } from './integration-guard.js';

/** Per run: merge commits made (kept in memory at once, before state.json has them), one check at a time, and whether the branch was found moved. */
export interface IntegrationWatch {
  merges: Set<string>;
  queue: SerialQueue;
  moved: boolean;
}

/** A fresh watch for one run of the night. */
export function newIntegrationWatch(): IntegrationWatch {
  return { merges: new Set(), queue: serialQueue(), moved: false };
}

/**
 * Resolves true while the integration branch holds the base commit and every merge the runner made
 * (state.json's merged items' merge commits, and this run's). Otherwise, once per run: the branch
 * is restored or the commands are worked out (recoverIntegrationBranch), event
 * `integration_branch_moved` is written, and ctx.stopSession stops the night with that reason and
 * kind `integration-branch-moved`; resolves false (also on every later call). Checks run one at a
 * time (ctx.integration.queue), so two items never restore twice. Throws only when git cannot run.
 */
export function ensureIntegrationHolds(ctx: NightContext, where: string): Promise<boolean> {
  const watch = ctx.integration;
  return watch.queue(async () => {
    if (watch.moved) return false;
    const state = readState(ctx.repoRoot, ctx.sessionId);
    const names = new Map<string, string>();
    for (const item of ctx.manifest.items) {
      const sha = state.items[item.slug]?.status === 'merged' ? state.items[item.slug]?.mergeCommit : undefined;
      if (sha) names.set(sha, itemRef(item));
    }
    const expected = [ctx.manifest.baseCommit, ...names.keys(), ...watch.merges];
    const branch = ctx.manifest.integrationBranch;
    const hold = await checkIntegrationBranch(ctx.repoRoot, branch, expected);
    if (hold.ok) return true;
    watch.moved = true;
    const recovery = await recoverIntegrationBranch(ctx.repoRoot, ctx.sessionId, branch, hold, expected, names);
    ctx.event('integration_branch_moved', { where, cause: hold.cause, missing: hold.missing, restored: recovery.restored, restoredTo: recovery.restoredTo, commands: recovery.commands });
    ctx.deps.log(`integration branch moved (${hold.cause}, found ${where}): ${recovery.reason}`);
    ctx.stopSession(recovery.reason, INTEGRATION_MOVED);
    return false;
  });
}
