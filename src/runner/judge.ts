/**
 * Judging one agent attempt from evidence, not words (pure). DESIGN.md, "One item, one fresh agent
 * session" and "Failures, retries, limits":
 * success needs a `result` line with `is_error: false`, commits on the item's branch, and the
 * success condition passing in the worktree. `TASK_BLOCKED: <reason>` is blocked. A claimed
 * `TASK_COMPLETE` with failing checks is a task failure. A result WITHOUT `TASK_COMPLETE` but with
 * commits and a passing success condition is accepted as success (the fallback of seed 004: the
 * evidence is what counts, the signal is a courtesy) and the verdict says so.
 */
import type { AgentOutcomeLike } from './types.js';
import { formatUsd } from '../util/usd.js';

export interface VerifyEvidence {
  passed: boolean;
  /** The command that failed (or the last one run). */
  command?: string;
  /** Last lines of its output. */
  tail: string;
  timedOut?: boolean;
}

export interface AttemptEvidence {
  outcome: AgentOutcomeLike;
  /** Commits on the item's branch beyond its start point (after committing leftovers). */
  commitsAhead: number;
  /** The runner committed uncommitted changes the agent left. */
  leftoverCommitted?: boolean;
  /** The item's branch, and the branch checked out in its worktree after the agent ended (undefined: detached HEAD). */
  branch?: { expected: string; actual: string | undefined };
  /** The success condition's result; undefined when it was not run. */
  verify?: VerifyEvidence;
}

export type Verdict =
  | { verdict: 'success'; claimedComplete: boolean; note?: string }
  | { verdict: 'blocked'; reason: string }
  | { verdict: 'interrupted' }
  | { verdict: 'failure'; kind: 'transient' | 'task' | 'permanent' | 'stalled'; reason: string; retryAt?: string; evidence?: string };

function tail(text: string | undefined, lines = 20): string | undefined {
  if (!text) return undefined;
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

function resultProblem(outcome: AgentOutcomeLike): string {
  const sub = outcome.result?.subtype;
  if (sub === 'error_max_turns') return `the agent reached its turn limit (${outcome.turns} turns) before finishing`;
  if (sub === 'error_max_budget_usd') return `the agent reached its budget (${formatUsd(outcome.costUsd)}) before finishing`;
  return `claude reported an error (${sub ?? 'no subtype'})`;
}

/**
 * The verdict that does not need the success condition, or undefined when the success condition
 * must run next (the agent ended normally and left commits).
 */
export function judgeBeforeVerify(e: Omit<AttemptEvidence, 'verify'>): Verdict | undefined {
  const o = e.outcome;
  if (o.killedBy === 'abort') return { verdict: 'interrupted' };
  if (o.completion.kind === 'blocked') return { verdict: 'blocked', reason: o.completion.reason || 'the agent reported TASK_BLOCKED without a reason' };
  if (o.failure?.kind === 'permanent') return { verdict: 'failure', kind: 'permanent', reason: o.failure.message, evidence: tail(o.stderrTail) };
  // The stall watch (src/agent/stall.ts): busy but no commit and no tracked file change.
  if (o.failure?.kind === 'stalled' || o.killedBy === 'stalled') {
    return { verdict: 'failure', kind: 'stalled', reason: o.failure?.message ?? 'the agent was stopped by the stall watch: no commit and no tracked file change for the stall timeout', evidence: tail(o.lastText) };
  }
  if (o.failure?.kind === 'transient') {
    return { verdict: 'failure', kind: 'transient', reason: o.failure.message, retryAt: o.failure.retryAt, evidence: tail(o.stderrTail ?? o.lastText) };
  }
  if (o.killedBy === 'idle' || o.killedBy === 'timeout') {
    const what = o.killedBy === 'idle' ? 'no output and no file change for the idle timeout' : 'the attempt ran past its timeout';
    return { verdict: 'failure', kind: 'transient', reason: `the agent was stopped by the watchdog: ${what}`, evidence: tail(o.lastText) };
  }
  if (!o.result) {
    return {
      verdict: 'failure',
      kind: 'transient',
      reason: `claude ended without a result line (exit code ${o.exitCode ?? 'none'}${o.signal ? `, signal ${o.signal}` : ''})`,
      evidence: tail(o.stderrTail ?? o.lastText),
    };
  }
  if (o.result.is_error) {
    return { verdict: 'failure', kind: 'task', reason: o.failure?.message ?? resultProblem(o), evidence: tail(o.lastText) };
  }
  if (o.failure?.kind === 'task') return { verdict: 'failure', kind: 'task', reason: o.failure.message, evidence: tail(o.lastText) };
  if (e.branch && e.branch.actual !== e.branch.expected) {
    return {
      verdict: 'failure',
      kind: 'task',
      reason: `the agent left its branch: the worktree is on ${e.branch.actual ?? 'a detached HEAD'} instead of ${e.branch.expected}, where the work must be committed`,
      evidence: tail(o.lastText),
    };
  }
  if (e.commitsAhead === 0) {
    const claimed = o.completion.kind === 'complete' ? ' although it said TASK_COMPLETE' : '';
    return { verdict: 'failure', kind: 'task', reason: `no changes: the agent made no commits on its branch${claimed}`, evidence: tail(o.lastText) };
  }
  return undefined;
}

/** The attempt's verdict from all its evidence (see the module comment for the rules). */
export function judgeAttempt(e: AttemptEvidence): Verdict {
  const early = judgeBeforeVerify(e);
  if (early) return early;
  const claimed = e.outcome.completion.kind === 'complete';
  if (!e.verify) return { verdict: 'failure', kind: 'task', reason: 'the success condition was not run' };
  if (!e.verify.passed) {
    const what = e.verify.timedOut ? 'timed out' : 'failed';
    const cmd = e.verify.command ? ` \`${e.verify.command}\`` : '';
    const prefix = claimed ? 'the agent said TASK_COMPLETE but the success condition' : 'the success condition';
    return { verdict: 'failure', kind: 'task', reason: `${prefix}${cmd} ${what}`, evidence: tail(e.verify.tail) };
  }
  return claimed
    ? { verdict: 'success', claimedComplete: true }
    : {
        verdict: 'success',
        claimedComplete: false,
        note: 'accepted without TASK_COMPLETE: the agent left commits and the success condition passes',
      };
}

/** Retry limits (DESIGN.md, "Failures, retries, limits"). */
export interface RetryPolicy {
  /** Fresh attempts after task failures (config agent.retries). */
  taskRetries: number;
  /** Extra attempts after transient failures. */
  transientRetries: number;
  /** Backoff before each transient retry, ms (index = retry number - 1; the last value repeats). */
  transientBackoffMs: number[];
}

export type NextStep =
  | { step: 'retry'; fresh: true; delayMs: number; why: string }
  | { step: 'pause'; until: string; why: string }
  | { step: 'give-up' }
  | { step: 'stop-session'; why: string };

/**
 * What to do after a failed attempt, given how many earlier attempts of the item failed with each
 * kind (not counting this one). A rate/usage limit (transient with retryAt) pauses the session
 * and does not use up a retry; permanent failures stop the session. A stalled attempt (the stall
 * watch) is retried like a task failure and counts as one (transitions.ts failureCounts).
 */
export function decideNext(
  verdict: Extract<Verdict, { verdict: 'failure' }>,
  earlier: { task: number; transient: number },
  policy: RetryPolicy,
): NextStep {
  if (verdict.kind === 'permanent') return { step: 'stop-session', why: verdict.reason };
  if (verdict.kind === 'transient') {
    if (verdict.retryAt) return { step: 'pause', until: verdict.retryAt, why: verdict.reason };
    if (earlier.transient < policy.transientRetries) {
      const list = policy.transientBackoffMs.length ? policy.transientBackoffMs : [0];
      const delayMs = list[Math.min(earlier.transient, list.length - 1)] ?? 0;
      return { step: 'retry', fresh: true, delayMs, why: `transient failure ${earlier.transient + 1} of ${policy.transientRetries + 1}` };
    }
    return { step: 'give-up' };
  }
  if (earlier.task < policy.taskRetries) return { step: 'retry', fresh: true, delayMs: 0, why: `task failure ${earlier.task + 1}: a fresh attempt with the failure in its brief` };
  return { step: 'give-up' };
}
