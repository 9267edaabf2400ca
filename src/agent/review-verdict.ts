/**
 * The reviewer's verdict and what the runner does with it (pure). Issue 9, mechanism 4 ("Review
 * pass"): the reviewer's last line is `REVIEW: APPROVE` or `REVIEW: REJECT <reason>`; a rejection
 * is a task failure of the item; a missing or malformed verdict is a transient failure of the
 * review, retried once, after which the review fails closed (the item is not merged).
 */

/** What one review session's final message said. */
export type ReviewVerdict = { kind: 'approve' } | { kind: 'reject'; reason: string } | { kind: 'malformed'; problem: string };

/** One review session as the decision sees it: its verdict (malformed when it gave none). */
export interface ReviewTry {
  verdict: ReviewVerdict;
}

/** What the runner does after the review sessions so far. */
export type ReviewDecision =
  | { step: 'approve' }
  | { step: 'reject'; reason: string }
  /** Run one more review session (a fresh one). */
  | { step: 'retry'; why: string }
  /** No verdict after every allowed session: the item is not merged. */
  | { step: 'fail-closed'; why: string };

/** How a rejection starts as the attempt's failure (the report's reason and the retry brief's "What it ran into"). */
export const REVIEW_REJECTED_PREFIX = 'the review rejected the work: ';

/** Review sessions per attempt: the first, and one retry after a missing or malformed verdict. */
export const REVIEW_TRIES = 2;

/** Characters of a rejection reason kept (it goes into the report and the retry's brief). */
const MAX_REASON = 1000;

/** The verdict line without decoration a model may add: backticks, bold/italic marks, a trailing period. */
function plain(line: string): string {
  return line
    .trim()
    .replace(/^[`*_]+|[`*_]+$/g, '')
    .trim();
}

/**
 * Reads the verdict from the reviewer's final message `text`: its last non-empty line must be
 * `REVIEW: APPROVE` or `REVIEW: REJECT <reason>` (the word REVIEW and the verdict in capitals, as
 * the review brief asks; surrounding backticks or bold marks are tolerated). `REJECT` without a
 * reason, any other last line, or no text at all is `malformed`, with the problem in words.
 * Pure; never throws.
 */
export function parseReviewVerdict(text: string | undefined): ReviewVerdict {
  const lines = (text ?? '').split(/\r?\n/).map(plain).filter((l) => l !== '');
  const last = lines.at(-1);
  if (last === undefined) return { kind: 'malformed', problem: 'the reviewer gave no final message' };
  if (/^REVIEW:\s*APPROVE\.?$/.test(last)) return { kind: 'approve' };
  const reject = /^REVIEW:\s*REJECT\b[\s:.-]*(.*)$/.exec(last);
  if (reject) {
    const reason = reject[1]!.trim();
    if (!reason) return { kind: 'malformed', problem: 'the reviewer said `REVIEW: REJECT` without a reason' };
    return { kind: 'reject', reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason };
  }
  const shown = last.length > 120 ? `${last.slice(0, 119)}…` : last;
  return { kind: 'malformed', problem: `the reviewer's last line is not \`REVIEW: APPROVE\` or \`REVIEW: REJECT <reason>\` (it was: "${shown}")` };
}

/**
 * What to do after the review sessions `tries` of one attempt (oldest first), allowing `maxTries`
 * sessions in all (default REVIEW_TRIES): the last session's approval or rejection decides; a
 * malformed last verdict asks for a fresh session while fewer than `maxTries` ran, and fails closed
 * after that. No tries at all asks for the first. Pure.
 */
export function decideReview(tries: readonly ReviewTry[], maxTries = REVIEW_TRIES): ReviewDecision {
  const last = tries.at(-1);
  if (!last) return { step: 'retry', why: 'no review has run yet' };
  if (last.verdict.kind === 'approve') return { step: 'approve' };
  if (last.verdict.kind === 'reject') return { step: 'reject', reason: last.verdict.reason };
  if (tries.length < maxTries) return { step: 'retry', why: `review ${tries.length} of ${maxTries} gave no verdict: ${last.verdict.problem}` };
  return {
    step: 'fail-closed',
    why: `the review gave no verdict in ${tries.length} session(s), so the item was not merged (the review fails closed): ${last.verdict.problem}`,
  };
}
