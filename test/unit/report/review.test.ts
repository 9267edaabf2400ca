import { describe, expect, it } from 'vitest';
import { reviewFact, reviewLine } from '../../../src/report/review.js';
import type { AttemptRecord } from '../../../src/session/state.js';
import { nextStepsFor } from '../../../src/report/next-steps.js';

const attempt = (n: number, review?: AttemptRecord['review']): AttemptRecord => ({ n, claudeSessionId: `s${n}`, startedAt: '2026-12-01T00:00:00Z', turns: 3, costUsd: 0.1, ...(review ? { review } : {}) });

describe('reviewFact and reviewLine', () => {
  it('is undefined when no review ran', () => {
    expect(reviewFact([attempt(1)])).toBeUndefined();
    expect(reviewFact([])).toBeUndefined();
  });

  it('takes the newest reviewed attempt and counts the rejections', () => {
    const f = reviewFact([
      attempt(1, { verdict: 'reject', reason: 'no test', sessions: 1, turns: 1, costUsd: 0.02, transcripts: ['features/a/review-1-1.jsonl'] }),
      attempt(2, { verdict: 'approve', sessions: 2, turns: 2, costUsd: 0.05, transcripts: ['features/a/review-2-1.jsonl', 'features/a/review-2-2.jsonl'], model: 'opus' }),
      attempt(3),
    ])!;
    expect(f).toMatchObject({ attempt: 2, verdict: 'approve', sessions: 2, costUsd: 0.05, model: 'opus', rejections: 1 });
    expect(reviewLine(f)).toBe('Review of attempt 2: approved (2 session(s), $0.05, model opus, after 1 rejected attempt(s)).');
  });

  it('says a rejection with its reason and a missing verdict as failing closed', () => {
    const rejected = reviewFact([attempt(1, { verdict: 'reject', reason: 'greet() ignores its argument', sessions: 1, turns: 1, costUsd: 0.03, transcripts: [] })])!;
    expect(reviewLine(rejected)).toBe('Review of attempt 1: rejected: greet() ignores its argument (1 session(s), $0.03).');
    const none = reviewFact([attempt(1, { verdict: 'none', reason: 'the review gave no verdict in 2 session(s)', sessions: 2, turns: 2, costUsd: 0.04, transcripts: [] })])!;
    expect(reviewLine(none)).toBe('Review of attempt 1: no verdict, not merged (fails closed): the review gave no verdict in 2 session(s) (2 session(s), $0.04).');
  });
});

describe('next steps after a review', () => {
  const manifest = { id: 's1', integrationBranch: 'overnight/s1' };
  const base = { slug: 'a', file: 'backlog/001-a.md', attempt: 2, branch: 'overnight/s1--a', files: ['features/a/attempt-2.jsonl', 'features/a/review-2-1.jsonl'], failedDependencies: [] };
  it('a rejection points at the reviewer and the acceptance criteria', () => {
    const steps = nextStepsFor(manifest, { ...base, failureKind: 'task', reason: 'the review rejected the work: no test' });
    expect(steps[0]).toMatch(/review pass rejected the work .*features\/a\/review-2-1\.jsonl.*review-2\.diff/);
    expect(steps.join(' ')).toContain('overnight retry a --session s1');
  });
  it('a review that failed closed says so', () => {
    const steps = nextStepsFor(manifest, { ...base, failureKind: 'review', reason: 'the review gave no verdict' });
    expect(steps[0]).toMatch(/gave no valid verdict .* twice, so the item was not merged \(the review fails closed\)/);
    expect(steps[1]).toMatch(/review\.model/);
  });
  it('other task failures keep their steps', () => {
    expect(nextStepsFor(manifest, { ...base, failureKind: 'task', reason: 'the success condition failed' })[0]).toMatch(/^Read /);
  });
});
