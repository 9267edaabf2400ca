/**
 * The review pass of one item attempt (issue 9, mechanism 4; config `review`): after the success
 * condition passed and before the merge queue, a fresh `claude -p` session with read-only tools
 * (Read, Grep, Glob: no Bash, no write tool) reads the item, its acceptance criteria and the item
 * branch's diff against the attempt's start point, and ends with `REVIEW: APPROVE` or
 * `REVIEW: REJECT <reason>` (src/agent/review-verdict.ts).
 *
 * - approve: the item goes on to the merge queue;
 * - reject: a task failure of the attempt; the reason goes into the report and the retry's brief;
 * - a missing or malformed verdict (including a review session that crashed or hit its limits): a
 *   transient failure of the review, which runs once more in a fresh session; after that the
 *   review fails closed: the item is not merged (failure kind `review`);
 * - a review session stopped by a rate or usage limit or a permanent failure (reviewBlocker): the
 *   attempt fails with that kind, so the night pauses or stops as it would for an agent.
 * The sessions' turns and cost are added to the attempt's (they count toward the item's cost).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { AGENT_DISALLOWED_TOOLS } from '../agent/args.js';
import { buildReviewBrief } from '../agent/review-brief.js';
import { decideReview, parseReviewVerdict, REVIEW_REJECTED_PREFIX, type ReviewTry } from '../agent/review-verdict.js';
import type { ManifestItem, ReviewRecord, SessionState } from '../session/state.js';
import { ENV, objectsPath } from '../session/paths.js';
import { parseDuration } from '../util/duration.js';
import type { NightContext } from './context.js';
import { gitRaw, resolveCommit } from './git.js';
import type { Verdict } from './judge.js';
import { prepareAttemptSandbox } from './sandbox-attempt.js';
import { setActivity, setItemStatus, updateAttempt } from './transitions.js';
import type { AgentOutcomeLike } from './types.js';

/** The reviewer's tools: reading only. Without Bash it cannot run a command, without Write/Edit it cannot change a file. */
export const REVIEW_TOOLS: string[] = ['Read', 'Grep', 'Glob'];

/** Denied to the reviewer besides AGENT_DISALLOWED_TOOLS (a second lock; `--tools` already leaves them out). */
export const REVIEW_DISALLOWED_TOOLS: string[] = ['Bash', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'AskUserQuestion'];

/** How the review pass of an attempt ended. `record` is already written into the attempt. */
export type ReviewEnd =
  | { kind: 'approved'; record: ReviewRecord }
  /**
   * Rejected (a task failure), or a review session that could not run for a reason no second
   * session fixes (a rate or usage limit: transient with its reset time; a permanent failure such
   * as a bad review.model): the attempt's failure, for decideNext (retry, pause, stop the session).
   */
  | { kind: 'rejected'; verdict: Extract<Verdict, { verdict: 'failure' }>; record: ReviewRecord }
  /** No valid verdict after the retry: the item is not merged. */
  | { kind: 'closed'; failure: ReviewFailClosed; record: ReviewRecord }
  | { kind: 'interrupted'; record: ReviewRecord };

/** The verdict of a review that gave no valid verdict after its retry: the item is not merged. */
export interface ReviewFailClosed {
  verdict: 'failure';
  kind: 'review';
  reason: string;
  evidence?: string;
}

/** What reviewAttempt needs about the attempt (paths absolute). */
export interface ReviewInput {
  item: ManifestItem;
  /** The attempt number. */
  n: number;
  worktree: string;
  branch: string;
  startCommit: string;
  /** The success condition that passed. */
  checks: string[];
  /** The item's scratch folder (the reviewer's TMPDIR parent is elsewhere; given to the hooks). */
  scratch: string;
  /** The item's folder in the session (features/<slug>): transcripts, diff, settings go here. */
  dir: string;
  signal: AbortSignal;
}

/**
 * The attempt's record with the review added (pure): `review` set, and the review's turns and USD
 * added to the attempt's `turns` and `costUsd`, so the night budget, status and the morning report
 * count them as the item's cost.
 */
export function recordReview(state: SessionState, slug: string, record: ReviewRecord): SessionState {
  const last = state.items[slug]?.attempts.at(-1);
  return updateAttempt(state, slug, { review: record, turns: (last?.turns ?? 0) + record.turns, costUsd: (last?.costUsd ?? 0) + record.costUsd });
}

/** The final text of a review session: the result text when it ended cleanly, else its last assistant text. */
function finalText(outcome: AgentOutcomeLike): string | undefined {
  const r = outcome.result as { is_error?: boolean; result?: unknown } | undefined;
  if (r && r.is_error === false && typeof r.result === 'string' && r.result.trim()) return r.result;
  return outcome.lastText;
}

/**
 * The attempt's failure when a review session could not run for a reason a second review session
 * would hit too: a rate or usage limit (transient with a reset time: the night pauses and the item
 * starts over after it, without using a retry) or a permanent failure (claude missing, logged out,
 * an unknown review.model: the night stops, as for an agent). Undefined otherwise.
 */
export function reviewBlocker(outcome: AgentOutcomeLike): Extract<Verdict, { verdict: 'failure' }> | undefined {
  const f = outcome.failure;
  if (!f || !(f.kind === 'permanent' || (f.kind === 'transient' && f.retryAt))) return undefined;
  return { verdict: 'failure', kind: f.kind, reason: `the review could not run: ${f.message}`, ...(f.retryAt ? { retryAt: f.retryAt } : {}), ...(outcome.stderrTail ? { evidence: outcome.stderrTail.split('\n').slice(-20).join('\n') } : {}) };
}

/** The verdict of one session: a failed session (crash, limit, API error) gave none, whatever it wrote. */
function sessionVerdict(outcome: AgentOutcomeLike): ReviewTry['verdict'] {
  if (outcome.failure || !outcome.result || outcome.result.is_error) {
    const why = outcome.failure?.message ?? (outcome.result ? `claude reported an error (${outcome.result.subtype ?? 'no subtype'})` : 'the session ended without a result line');
    return { kind: 'malformed', problem: `the review session failed: ${why}` };
  }
  return parseReviewVerdict(finalText(outcome));
}

/** The diff under review, written to `review-<n>.diff` in the item's folder; git's output as is. */
async function collectDiff(input: ReviewInput): Promise<{ diff: string; diffStat: string; commits: string[]; diffFile: string }> {
  const range = `${input.startCommit}..refs/heads/${input.branch}`;
  const [diff, diffStat, log] = await Promise.all([
    gitRaw(input.worktree, ['diff', '--no-color', '--no-ext-diff', range]),
    gitRaw(input.worktree, ['diff', '--no-color', '--stat', range]),
    gitRaw(input.worktree, ['log', '--no-color', '--format=%h %s', range]),
  ]);
  const diffFile = join(input.dir, `review-${input.n}.diff`);
  writeFileSync(diffFile, `${diff}\n`);
  return { diff, diffStat, commits: log ? log.split('\n') : [], diffFile };
}

/**
 * Runs the review pass of an attempt whose success condition passed (see the module comment),
 * records it in the attempt (recordReview) and returns how it ended. Throws only when git cannot
 * produce the diff or the state cannot be written (runItem turns that into a transient failure).
 */
export async function reviewAttempt(ctx: NightContext, input: ReviewInput): Promise<ReviewEnd> {
  const { deps } = ctx;
  const settings = ctx.manifest.review;
  if (!settings) throw new Error('reviewAttempt: the session has no review pass (session.json `review`)');
  const slug = input.item.slug;
  const { diff, diffStat, commits, diffFile } = await collectDiff(input);
  const brief = buildReviewBrief({ item: input.item, branch: input.branch, startCommit: input.startCommit, checks: input.checks, commits, diffStat, diff, diffFile });
  const tipBefore = await resolveCommit(input.worktree, `refs/heads/${input.branch}`);
  const model = settings.model;
  const record: ReviewRecord = { verdict: 'none', sessions: 0, turns: 0, costUsd: 0, transcripts: [], ...(model ? { model } : {}) };
  const tries: ReviewTry[] = [];
  const write = async () => {
    await ctx.update((s) => recordReview(s, slug, record));
  };
  for (;;) {
    const t = tries.length + 1;
    ctx.event('review_started', { slug, attempt: input.n, session: t, model });
    void ctx.update((s) => setActivity(s, slug, `review: session ${t} reading the diff`, new Date(deps.now()).toISOString())).catch(() => undefined);
    const outcome = await runReviewSession(ctx, input, brief, t, settings);
    record.sessions = t;
    record.turns += outcome.turns;
    record.costUsd += outcome.costUsd;
    record.transcripts.push(relative(ctx.files.dir, join(input.dir, `review-${input.n}-${t}.jsonl`)));
    if (outcome.killedBy === 'abort' || input.signal.aborted) {
      await write();
      return { kind: 'interrupted', record };
    }
    const blocker = reviewBlocker(outcome);
    if (blocker) {
      record.reason = blocker.reason;
      await write();
      deps.log(`item ${slug}: ${blocker.reason}`);
      return { kind: 'rejected', record, verdict: blocker };
    }
    let verdict = sessionVerdict(outcome);
    // The reviewer is read-only; should the item branch still have moved, its work is not what was reviewed.
    const tipAfter = await resolveCommit(input.worktree, `refs/heads/${input.branch}`);
    if (tipAfter !== tipBefore) verdict = { kind: 'malformed', problem: `the item branch moved during the review (${tipBefore?.slice(0, 10)} -> ${tipAfter?.slice(0, 10) ?? 'gone'})` };
    tries.push({ verdict });
    ctx.event('review_finished', {
      slug,
      attempt: input.n,
      session: t,
      verdict: verdict.kind,
      ...(verdict.kind === 'reject' ? { reason: verdict.reason } : verdict.kind === 'malformed' ? { problem: verdict.problem } : {}),
      turns: outcome.turns,
      costUsd: outcome.costUsd,
      durationMs: outcome.durationMs,
    });
    const decision = tipAfter !== tipBefore ? decideReview(tries, tries.length) : decideReview(tries);
    if (decision.step === 'retry') {
      ctx.event('review_retry', { slug, attempt: input.n, why: decision.why });
      deps.log(`item ${slug}: ${decision.why}; reviewing again`);
      continue;
    }
    const evidence = outcome.lastText?.trim().split('\n').slice(-20).join('\n');
    if (decision.step === 'approve') {
      record.verdict = 'approve';
      await write();
      deps.log(`item ${slug}: review approved`);
      return { kind: 'approved', record };
    }
    if (decision.step === 'reject') {
      record.verdict = 'reject';
      record.reason = decision.reason;
      await write();
      deps.log(`item ${slug}: review rejected: ${decision.reason}`);
      return { kind: 'rejected', record, verdict: { verdict: 'failure', kind: 'task', reason: `${REVIEW_REJECTED_PREFIX}${decision.reason}`, evidence } };
    }
    record.reason = decision.why;
    await write();
    deps.log(`item ${slug}: ${decision.why}`);
    return { kind: 'closed', record, failure: { verdict: 'failure', kind: 'review', reason: decision.why, evidence } };
  }
}

/**
 * The item's end when its review failed closed (pure): the attempt failed with kind `review`, the
 * item failed with the reason and the reviewer's last words as evidence.
 */
export function reviewFailedClosed(state: SessionState, slug: string, failure: ReviewFailClosed, now: string): SessionState {
  const next = updateAttempt(state, slug, { outcome: 'failed', failureKind: 'review', failure: failure.reason });
  return setItemStatus(next, slug, 'failed', { now, reason: failure.reason, failureKind: 'review', ...(failure.evidence ? { evidence: failure.evidence } : {}) });
}

/**
 * One review session: `claude -p` in the item's worktree with REVIEW_TOOLS only, the session's deny
 * rules and the credential-store Read denials (prepareAttemptSandbox with the OS sandbox off: with
 * no Bash there is no command to contain), the review limits frozen at launch (session.json
 * `review`), and no stall watch (a reviewer makes no commits by design).
 */
async function runReviewSession(ctx: NightContext, input: ReviewInput, brief: string, t: number, settings: NonNullable<NightContext['manifest']['review']>): Promise<AgentOutcomeLike> {
  const { config, deps, repoRoot, sessionId } = ctx;
  const slug = input.item.slug;
  const sandbox = prepareAttemptSandbox({
    sandbox: 'off',
    config,
    repoRoot,
    worktree: input.worktree,
    branch: input.branch,
    scratchDir: input.scratch,
    sessionSettingsFile: ctx.files.settings,
    settingsFile: join(input.dir, `review-${input.n}-${t}.settings.json`),
    objectDir: objectsPath(repoRoot, sessionId, slug),
    home: homedir(),
    env: process.env,
  });
  return deps
    .runAgent({
      claudePath: ctx.claudePath ?? config.agent.claude_path,
      cwd: input.worktree,
      brief,
      pluginDir: deps.pluginDir,
      settingsFile: sandbox.settingsFile,
      allowedTools: REVIEW_TOOLS,
      disallowedTools: [...AGENT_DISALLOWED_TOOLS, ...REVIEW_DISALLOWED_TOOLS],
      maxTurns: settings.maxTurns,
      budgetUsd: settings.budgetUsd,
      ...(settings.model ? { model: settings.model } : {}),
      claudeSessionId: randomUUID(),
      transcriptFile: join(input.dir, `review-${input.n}-${t}.jsonl`),
      stderrFile: join(input.dir, `review-${input.n}-${t}.stderr.log`),
      idleTimeoutMs: parseDuration(config.agent.idle_timeout) ?? 10 * 60_000,
      absoluteTimeoutMs: settings.timeoutMs,
      secretEnv: config.safety.secret_env,
      env: {
        ...(deps.agentEnv ?? {}),
        [ENV.sessionDir]: ctx.files.dir,
        [ENV.worktree]: input.worktree,
        [ENV.itemSlug]: slug,
        [ENV.ownBranch]: input.branch,
        [ENV.repoRoot]: repoRoot,
        ...sandbox.env,
        [ENV.scratch]: input.scratch,
      },
      signal: input.signal,
    })
    .finally(() => sandbox.finish());
}
