import { describe, expect, it } from 'vitest';
import { decideReview, parseReviewVerdict, REVIEW_TRIES, type ReviewVerdict } from '../../../src/agent/review-verdict.js';

describe('parseReviewVerdict', () => {
  it('reads an approval on the last line', () => {
    expect(parseReviewVerdict('Every criterion holds.\n\nREVIEW: APPROVE')).toEqual({ kind: 'approve' });
    expect(parseReviewVerdict('ok\nREVIEW: APPROVE\n\n  ')).toEqual({ kind: 'approve' });
    expect(parseReviewVerdict('ok\n`REVIEW: APPROVE`')).toEqual({ kind: 'approve' });
    expect(parseReviewVerdict('ok\n**REVIEW: APPROVE**')).toEqual({ kind: 'approve' });
  });

  it('reads a rejection with its reason', () => {
    expect(parseReviewVerdict('Found a bug.\nREVIEW: REJECT greet() ignores the name argument')).toEqual({ kind: 'reject', reason: 'greet() ignores the name argument' });
    expect(parseReviewVerdict('REVIEW: REJECT: the file is empty')).toEqual({ kind: 'reject', reason: 'the file is empty' });
    expect(parseReviewVerdict('REVIEW: REJECT - no test')).toEqual({ kind: 'reject', reason: 'no test' });
  });

  it('cuts a very long reason', () => {
    const v = parseReviewVerdict(`REVIEW: REJECT ${'x'.repeat(5000)}`);
    expect(v.kind).toBe('reject');
    expect((v as { reason: string }).reason.length).toBe(1000);
  });

  it('calls a verdict that is not on the last line, lower case, missing or without a reason malformed', () => {
    const cases: Array<[string | undefined, RegExp]> = [
      [undefined, /no final message/],
      ['', /no final message/],
      ['   \n  ', /no final message/],
      ['REVIEW: APPROVE\nThanks for reading.', /last line is not .* \(it was: "Thanks for reading\."\)/],
      ['review: approve', /last line is not/],
      ['REVIEW: MAYBE', /last line is not/],
      ['REVIEW: APPROVED with notes', /last line is not/],
      ['REVIEW: REJECT', /REJECT` without a reason/],
      ['REVIEW: REJECT   ', /REJECT` without a reason/],
      ['Looks good to me.', /last line is not/],
    ];
    for (const [text, problem] of cases) {
      const v = parseReviewVerdict(text);
      expect(v.kind, String(text)).toBe('malformed');
      expect((v as { problem: string }).problem, String(text)).toMatch(problem);
    }
  });
});

const approve: ReviewVerdict = { kind: 'approve' };
const reject: ReviewVerdict = { kind: 'reject', reason: 'no test' };
const bad: ReviewVerdict = { kind: 'malformed', problem: 'the reviewer gave no final message' };

describe('decideReview', () => {
  it('allows two review sessions per attempt', () => {
    expect(REVIEW_TRIES).toBe(2);
  });

  it('follows an approval or a rejection at once', () => {
    expect(decideReview([{ verdict: approve }])).toEqual({ step: 'approve' });
    expect(decideReview([{ verdict: reject }])).toEqual({ step: 'reject', reason: 'no test' });
  });

  it('retries a missing or malformed verdict once, then fails closed', () => {
    const first = decideReview([{ verdict: bad }]);
    expect(first).toMatchObject({ step: 'retry' });
    expect((first as { why: string }).why).toMatch(/review 1 of 2 gave no verdict: the reviewer gave no final message/);
    const second = decideReview([{ verdict: bad }, { verdict: bad }]);
    expect(second.step).toBe('fail-closed');
    expect((second as { why: string }).why).toMatch(/no verdict in 2 session\(s\), so the item was not merged \(the review fails closed\)/);
  });

  it('lets the retried session decide when it gives a verdict', () => {
    expect(decideReview([{ verdict: bad }, { verdict: approve }])).toEqual({ step: 'approve' });
    expect(decideReview([{ verdict: bad }, { verdict: reject }])).toEqual({ step: 'reject', reason: 'no test' });
  });

  it('fails closed at once when no retry is allowed, and asks for a first session when none ran', () => {
    expect(decideReview([{ verdict: bad }], 1).step).toBe('fail-closed');
    expect(decideReview([]).step).toBe('retry');
  });
});
