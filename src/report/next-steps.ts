/**
 * What a person should do about an item that did not ship, by failure kind
 * (DESIGN.md, "Failures, retries, limits": the kind decides what happens next).
 */
import type { FailureKind, SessionManifest } from '../session/state.js';

export interface NextStepInput {
  slug: string;
  /** Backlog file relative to the repository root. */
  file: string;
  failureKind?: FailureKind;
  /** Last attempt's outcome (killed-idle, killed-timeout, ...). */
  outcome?: string;
  /** Number of the last attempt (for `verify-N.log`). */
  attempt: number;
  branch?: string;
  /** Log files of the item relative to the session folder, to point at the right one. */
  files: string[];
  /** Slugs of failed items this one depends on. */
  failedDependencies: string[];
  /** The failure's reason (to tell a watchdog kill from other transient failures). */
  reason?: string;
}

/**
 * Returns the next steps, in order, for a failed or blocked item. Pure.
 * Every step is one sentence with the exact file or command to use.
 */
export function nextStepsFor(manifest: Pick<SessionManifest, 'integrationBranch' | 'id'>, item: NextStepInput): string[] {
  const verifyLog = item.files.find((f) => f.endsWith(`verify-${item.attempt}.log`)) ?? `features/${item.slug}/verify-${item.attempt}.log`;
  const transcript = item.files.filter((f) => f.endsWith('.jsonl') || f.includes('transcript')).pop();
  const rerun = '`overnight resume` to try it again tonight, or leave it `status: ready` for the next night';
  switch (item.failureKind) {
    case 'task':
      return [
        `Read ${verifyLog} (the success condition's output)${transcript ? ` and the transcript ${transcript}` : ''} in the session folder.`,
        `Refine the acceptance criteria or split the item in ${item.file}; make sure its \`verify\` command can pass.`,
        `Then ${rerun}.`,
      ];
    case 'stalled':
      return [
        `The agent kept working but made no commit and changed no tracked file for agent.stall_timeout, so the stall watch stopped it${transcript ? ` (transcript ${transcript})` : ''}.`,
        `Split ${item.file} into smaller items, or make its first step concrete; raise agent.stall_timeout in overnight.config.yaml only if the work truly needs long stretches without an edit.`,
        `Then ${rerun}.`,
      ];
    case 'merge':
      return [
        `The item's work is on ${item.branch ?? 'its branch'} but could not be merged into ${manifest.integrationBranch} (a merge conflict, or the project checks failed after the merge).`,
        `Resolve it by hand in a worktree of your own: \`git switch ${manifest.integrationBranch} && git merge --no-ff ${item.branch ?? '<item branch>'}\`, fix the conflict or the checks, commit.`,
      ];
    case 'dependency':
      return [
        `Fix ${item.failedDependencies.length > 0 ? item.failedDependencies.join(', ') : 'the item it depends on'} first; this item runs once it is done (next night, or \`overnight resume\`).`,
      ];
    case 'transient':
      return [
        item.outcome === 'killed-idle' || /idle|watchdog/i.test(item.reason ?? '')
          ? 'The agent went quiet (no output, no file change) and the watchdog ended it; nothing points at the item itself.'
          : 'An API error, rate limit, crash or hang ended it; nothing points at the item itself.',
        `\`overnight resume\` retries it.`,
      ];
    case 'permanent':
      return ['Fix the environment: run `overnight doctor` (claude binary, login, config), then `overnight resume`.'];
    case 'timeout':
      return [
        'The session time limit ended it before it finished.',
        `\`overnight resume\` if there is time left, or run it next night with a longer time limit (or split ${item.file} into smaller items).`,
      ];
    default:
      return [`Read the item's logs in features/${item.slug}/ in the session folder, then ${rerun}.`];
  }
}
