/**
 * The review pass in the morning report and `overnight status` (config `review`,
 * src/runner/review.ts): the last review of an item and one line that says how it went. Pure.
 */
import type { AttemptRecord } from '../session/state.js';
import { formatUsd } from '../util/usd.js';
import type { ReviewFact } from './types.js';

/**
 * The item's last review (from its newest attempt that had one) with the number of reviews that
 * rejected its attempts; undefined when no review ran.
 */
export function reviewFact(attempts: readonly AttemptRecord[]): ReviewFact | undefined {
  const reviewed = attempts.filter((a) => a.review);
  const last = reviewed.at(-1);
  if (!last?.review) return undefined;
  const r = last.review;
  return {
    attempt: last.n,
    verdict: r.verdict,
    ...(r.reason ? { reason: r.reason } : {}),
    sessions: r.sessions,
    turns: r.turns,
    costUsd: r.costUsd,
    ...(r.model ? { model: r.model } : {}),
    rejections: reviewed.filter((a) => a.review?.verdict === 'reject').length,
    transcripts: r.transcripts,
  };
}

/**
 * One sentence for a person, e.g. `Review of attempt 2: approved (1 session, $0.02).` or
 * `Review of attempt 1: rejected: greet() ignores its argument (1 session, $0.03).`
 */
export function reviewLine(f: ReviewFact): string {
  const what = f.verdict === 'approve' ? 'approved' : f.verdict === 'reject' ? `rejected: ${f.reason ?? '(no reason)'}` : `no verdict, not merged (fails closed): ${f.reason ?? ''}`.trimEnd();
  const earlier = f.verdict === 'approve' && f.rejections > 0 ? `, after ${f.rejections} rejected attempt(s)` : '';
  const model = f.model ? `, model ${f.model}` : '';
  return `Review of attempt ${f.attempt}: ${what} (${f.sessions} session(s), ${formatUsd(f.costUsd)}${model}${earlier}).`;
}
