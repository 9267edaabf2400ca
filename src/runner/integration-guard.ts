/**
 * The runner does not trust its integration branch blindly (issue 12, item 9; DESIGN.md, "Git
 * model" and "Safety layers", backup refs). Before an item starts, before each merge and before the
 * night ends, it checks that `overnight/<id>` still holds every merge the runner made (each recorded
 * merge commit is an ancestor of the tip: `git merge-base --is-ancestor`, git-merge-base(1)). When
 * the branch was deleted or moved under it, the night stops (kind `integration-branch-moved`) and
 * the branch is put back from its backup ref when that loses nothing; otherwise the stop reason says
 * the exact commands. Only `git update-ref` with the expected old value is used (git-update-ref(1)),
 * so a branch that moves again in between is never overwritten.
 */
import { execa } from 'execa';
import { backupRefName, gitRaw, isAncestor, resolveCommit } from './git.js';

export { INTEGRATION_MOVED } from '../session/state.js';

/** What the integration branch holds, checked against the merges the runner made. */
export type BranchHold =
  | { ok: true; tip: string }
  | { ok: false; cause: 'deleted'; missing: string[] }
  | { ok: false; cause: 'rewound'; tip: string; missing: string[] };

/**
 * Checks that `refs/heads/<branch>` exists and that every commit of `expected` (the runner's merge
 * commits, and the base commit) is reachable from it. Returns the tip, or the cause and the
 * expected commits it no longer holds. Read-only; throws only when git itself cannot run.
 */
export async function checkIntegrationBranch(repoRoot: string, branch: string, expected: readonly string[]): Promise<BranchHold> {
  const tip = await resolveCommit(repoRoot, `refs/heads/${branch}`);
  const wanted = [...new Set(expected.filter(Boolean))];
  if (!tip) return { ok: false, cause: 'deleted', missing: wanted };
  if (wanted.length === 0) return { ok: true, tip };
  // One walk answers "all held?": commits reachable from the expected ones but not from the tip.
  const outside = await gitRaw(repoRoot, ['rev-list', '--max-count=1', ...wanted, '--not', tip]).catch(() => 'unknown');
  if (outside === '') return { ok: true, tip };
  const missing: string[] = [];
  for (const sha of wanted) if (!(await isAncestor(repoRoot, sha, tip))) missing.push(sha);
  return missing.length === 0 ? { ok: true, tip } : { ok: false, cause: 'rewound', tip, missing };
}

/** What recoverIntegrationBranch did, and the sentence that says so (for the stop reason). */
export interface Recovery {
  /** True when the branch now points at `restoredTo` again. */
  restored: boolean;
  restoredTo?: string;
  /** Commands that put the branch back by hand (empty when restored). */
  commands: string[];
  /** The whole cause and outcome, one paragraph, for state.stopReason and the report. */
  reason: string;
}

/**
 * Puts the integration branch back after checkIntegrationBranch found it moved. The target is the
 * backup ref `refs/overnight-backup/<id>/<branch>` when it holds every expected commit, else the
 * newest expected commit holding all the others. Restores (compare-and-swap update-ref) only when
 * nothing is lost: the branch is gone, or its tip is an ancestor of the target (a rewind). A branch
 * that holds commits the runner did not make is left alone, and `commands` say how to keep those
 * commits under another name and restore. `names` maps merge commits to item names for the message.
 * Never throws for git failures (it then says how instead).
 */
export async function recoverIntegrationBranch(
  repoRoot: string,
  sessionId: string,
  branch: string,
  hold: Exclude<BranchHold, { ok: true }>,
  expected: readonly string[],
  names: ReadonlyMap<string, string> = new Map(),
): Promise<Recovery> {
  const lost = hold.missing.map((sha) => names.get(sha) ?? sha.slice(0, 10));
  const what =
    hold.cause === 'deleted'
      ? `the integration branch ${branch} was deleted while the night ran`
      : `the integration branch ${branch} was moved while the night ran (to ${hold.tip.slice(0, 10)}, e.g. by git update-ref or git reset): it no longer holds ${lost.length > 0 ? `the merges of ${lost.join(', ')}` : 'the runner\'s merges'}`;
  const target = await restoreTarget(repoRoot, sessionId, branch, expected);
  const backup = backupRefName(sessionId, branch);
  if (!target) {
    return { restored: false, commands: [], reason: `${what}. No backup holds all of its merges (${backup} is missing or behind); the merged item branches overnight/${sessionId}--* are kept, so their work is not lost` };
  }
  const safe = hold.cause === 'deleted' || (await isAncestor(repoRoot, hold.tip, target));
  if (safe) {
    // `create` fails if the branch came back meanwhile; `update` if it moved again (git-update-ref(1) --stdin).
    const input = hold.cause === 'deleted' ? `create refs/heads/${branch} ${target}\n` : `update refs/heads/${branch} ${target} ${hold.tip}\n`;
    const done = await execa('git', ['update-ref', '-m', 'overnight: restore the integration branch from its backup', '--stdin'], { cwd: repoRoot, input, stdout: 'ignore', reject: false }).then((r) => r.exitCode === 0);
    if (done) return { restored: true, restoredTo: target, commands: [], reason: `${what}. The runner stopped the night and restored ${branch} to its backup ${target.slice(0, 10)} (${backup}); nothing was lost; \`overnight resume\` goes on` };
  }
  const keep = `${branch}-moved-${(hold.cause === 'rewound' ? hold.tip : target).slice(0, 7)}`;
  const commands =
    hold.cause === 'rewound'
      ? [`git branch ${keep} ${hold.tip}`, `git update-ref refs/heads/${branch} ${target} ${hold.tip}`, 'overnight resume']
      : [`git branch ${branch} ${target}`, 'overnight resume'];
  const why = hold.cause === 'rewound' ? 'it was not restored, because it now holds commits the runner did not make' : 'it could not be restored';
  return { restored: false, commands, reason: `${what}. The runner stopped the night; ${why}. To restore it from its backup (keeping what is there now${hold.cause === 'rewound' ? ` as ${keep}` : ''}): ${commands.map((c) => `\`${c}\``).join(', then ')}` };
}

/** The backup ref's commit when it holds every expected commit, else the newest expected commit that holds the others. */
async function restoreTarget(repoRoot: string, sessionId: string, branch: string, expected: readonly string[]): Promise<string | undefined> {
  const wanted = [...new Set(expected.filter(Boolean))];
  const holdsAll = async (candidate: string) => {
    for (const sha of wanted) if (!(await isAncestor(repoRoot, sha, candidate))) return false;
    return true;
  };
  const backup = await resolveCommit(repoRoot, backupRefName(sessionId, branch));
  if (backup && (await holdsAll(backup))) return backup;
  for (const sha of [...wanted].reverse()) {
    if ((await resolveCommit(repoRoot, sha)) && (await holdsAll(sha))) return sha;
  }
  return undefined;
}
