/**
 * What a person should do about an item that did not ship, by failure kind
 * (DESIGN.md, "Failures, retries, limits": the kind decides what happens next).
 */
import type { FailureKind, SessionManifest } from '../session/state.js';
import { REVIEW_REJECTED_PREFIX } from '../agent/review-verdict.js';

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

/** The exact command that runs an item of the session again (`overnight retry`, src/runner/retry.ts). */
export function retryCommand(sessionId: string, slug: string): string {
  return `overnight retry ${slug} --session ${sessionId}`;
}

/**
 * Returns the next steps, in order, for a failed or blocked item. Pure.
 * Every step is one sentence with the exact file or command to use. A re-run is always
 * `overnight retry <slug> --session <id>` (a fresh attempt, merged into the same integration
 * branch, with the last failure in its brief); `overnight resume` only where the night itself
 * stopped short (a permanent failure, the time limit), since resume never re-runs settled items.
 */
export function nextStepsFor(manifest: Pick<SessionManifest, 'integrationBranch' | 'id'>, item: NextStepInput): string[] {
  const verifyLog = item.files.find((f) => f.endsWith(`verify-${item.attempt}.log`)) ?? `features/${item.slug}/verify-${item.attempt}.log`;
  const transcript = item.files.filter((f) => f.endsWith('.jsonl') || f.includes('transcript')).pop();
  const retry = `\`${retryCommand(manifest.id, item.slug)}\``;
  const again = `${retry} runs it again as a fresh attempt, merged into ${manifest.integrationBranch} when it passes (the item as planned, with this failure in its brief)`;
  const orNextNight = `or plan it for another night (it is still \`status: ready\` in ${item.file}; edit it first to change what it must do)`;
  const reviewTranscript = item.files.filter((f) => /(^|\/)review-\d+-\d+\.jsonl$/.test(f)).pop();
  if (item.failureKind === 'task' && item.reason?.startsWith(REVIEW_REJECTED_PREFIX)) {
    return [
      `The success condition passed, but the review pass rejected the work (the reason above)${reviewTranscript ? `; the reviewer's transcript is ${reviewTranscript}` : ''} in the session folder, with the diff it read (review-${item.attempt}.diff).`,
      `If the reviewer was right, make the missing part explicit in the acceptance criteria of ${item.file}; then ${again}.`,
      `If the reviewer was wrong, look at ${item.branch ?? 'its branch'} and merge it by hand, or make the acceptance criteria say what the reviewer missed.`,
    ];
  }
  switch (item.failureKind) {
    case 'review':
      return [
        `The success condition passed, but the review pass gave no valid verdict (\`REVIEW: APPROVE\` or \`REVIEW: REJECT <reason>\`) twice, so the item was not merged (the review fails closed)${reviewTranscript ? `; read ${reviewTranscript}` : ''}.`,
        `Look at ${item.branch ?? 'its branch'}: merge it by hand if it is right, or ${again}. If the reviewer's model keeps failing to answer, set review.model in overnight.config.yaml.`,
      ];
    case 'task':
      return [
        `Read ${verifyLog} (the success condition's output)${transcript ? ` and the transcript ${transcript}` : ''} in the session folder.`,
        `If the item itself was the problem, refine its acceptance criteria or split it in ${item.file}, and plan it for another night; make sure its \`verify\` command can pass.`,
        `Otherwise ${again}.`,
      ];
    case 'stalled':
      return [
        `The agent kept working but made no commit and changed no tracked file for agent.stall_timeout, so the stall watch stopped it${transcript ? ` (transcript ${transcript})` : ''}.`,
        `If the item is too big to show progress in that time, split ${item.file} into smaller items, or make its first step concrete; raise agent.stall_timeout in overnight.config.yaml only if the work truly needs long stretches without an edit.`,
        `Otherwise ${again} (that brief asks for smaller steps).`,
      ];
    case 'merge':
      return [
        `The item's work is on ${item.branch ?? 'its branch'} but could not be merged into ${manifest.integrationBranch} (a merge conflict, or the project checks failed after the merge).`,
        `${again[0]!.toUpperCase()}${again.slice(1)}, starting from ${manifest.integrationBranch} as it is now.`,
        `Or resolve it by hand in a worktree of your own: \`git switch ${manifest.integrationBranch} && git merge --no-ff ${item.branch ?? '<item branch>'}\`, fix the conflict or the checks, commit.`,
        // A conflict that outlived its re-runs (src/runner/conflict.ts giveUpReason names the key).
        ...(/agent\.conflict_retries/.test(item.reason ?? '')
          ? ['If items of your backlog often change the same lines, raise agent.conflict_retries in overnight.config.yaml (each conflict re-run starts from the integration branch as it is then), or make one item depend on the other (`blocked_by`).']
          : []),
      ];
    case 'dependency': {
      const deps = item.failedDependencies;
      return [
        deps.length > 0
          ? `It waits for ${deps.join(', ')}, which did not ship. \`${retryCommand(manifest.id, deps[0]!)}\` runs ${deps.length > 1 ? 'the failed ones' : 'it'} again and then this item; or plan both for another night.`
          : `It waits for an item that did not ship; \`${retryCommand(manifest.id, item.slug)}\` runs that item again and then this one.`,
      ];
    }
    case 'transient':
      return [
        item.outcome === 'killed-idle' || /idle|watchdog/i.test(item.reason ?? '')
          ? 'The agent went quiet (no output, no file change) and the watchdog ended it; nothing points at the item itself.'
          : 'An API error, rate limit, crash or hang ended it; nothing points at the item itself.',
        `${again[0]!.toUpperCase()}${again.slice(1)}.`,
      ];
    case 'permanent':
      return [`Fix the environment: run \`overnight doctor\` (claude binary, login, config), then \`overnight resume --session ${manifest.id}\` (it runs this item and the rest of the night).`];
    case 'timeout':
      return [
        'The session time limit ended it before it finished.',
        `\`overnight resume --session ${manifest.id}\` runs it (and the rest of the night) with a fresh time limit, or run it next night with a longer time limit (or split ${item.file} into smaller items).`,
      ];
    default:
      return [`Read the item's logs in features/${item.slug}/ in the session folder; then ${again}, ${orNextNight}.`];
  }
}
