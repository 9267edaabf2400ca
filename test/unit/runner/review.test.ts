import { describe, expect, it } from 'vitest';
import { recordReview, reviewFailedClosed, REVIEW_TOOLS, REVIEW_DISALLOWED_TOOLS } from '../../../src/runner/review.js';
import { initialState, startAttempt, updateAttempt } from '../../../src/runner/transitions.js';
import { sessionStateSchema, type SessionManifest } from '../../../src/session/state.js';
import { buildClaudeArgs } from '../../../src/agent/args.js';
import { mItem } from './helpers.js';
import { reviewSettings } from '../../../src/runner/review-settings.js';
import { configSchema } from '../../../src/config/schema.js';

const T = '2026-12-01T23:00:00.000Z';
const manifest = { version: 1, sandbox: 'on', id: 's1', created: T, repoRoot: '/r', baseBranch: 'main', baseCommit: 'abc', integrationBranch: 'overnight/s1', timeLimitMs: 3_600_000, concurrency: 1, checks: [], items: [mItem('a')] } as SessionManifest;

function afterAgent() {
  const started = startAttempt(initialState(manifest, T), 'a', { claudeSessionId: 'c1', now: T, branch: 'b', worktree: '/w', startCommit: 'abc', transcript: 't' }).state;
  return updateAttempt(started, 'a', { turns: 10, costUsd: 0.5 });
}

describe('the review in the state', () => {
  it('adds the review to the attempt and its turns and cost to the attempt', () => {
    const s = recordReview(afterAgent(), 'a', { verdict: 'approve', sessions: 1, turns: 2, costUsd: 0.05, transcripts: ['features/a/review-1-1.jsonl'] });
    const a = s.items.a!.attempts[0]!;
    expect(a).toMatchObject({ turns: 12, costUsd: 0.55, review: { verdict: 'approve', sessions: 1, turns: 2, costUsd: 0.05 } });
    expect(sessionStateSchema.parse(s).items.a!.attempts[0]!.review!.verdict).toBe('approve');
  });

  it('fails the item closed with kind review, the reason and the evidence', () => {
    const s = reviewFailedClosed(afterAgent(), 'a', { verdict: 'failure', kind: 'review', reason: 'no verdict twice', evidence: 'Looks fine.' }, T);
    expect(s.items.a).toMatchObject({ status: 'failed', failureKind: 'review', reason: 'no verdict twice', evidence: 'Looks fine.', endedAt: T });
    expect(s.items.a!.attempts[0]).toMatchObject({ outcome: 'failed', failureKind: 'review', failure: 'no verdict twice' });
    expect(() => sessionStateSchema.parse(s)).not.toThrow();
  });
});

describe("the reviewer's command line", () => {
  it('offers only reading tools and denies the writing ones', () => {
    const args = buildClaudeArgs({
      claudePath: 'claude', cwd: '/w', brief: 'review', pluginDir: '/p', settingsFile: '/s.json', allowedTools: REVIEW_TOOLS,
      disallowedTools: REVIEW_DISALLOWED_TOOLS, maxTurns: 5, budgetUsd: 1, claudeSessionId: '123e4567-e89b-12d3-a456-426614174000',
      transcriptFile: '/t', idleTimeoutMs: 1, absoluteTimeoutMs: 1,
    });
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    expect(value('--tools')).toBe('Read,Grep,Glob');
    expect(value('--allowedTools')).toBe('Read,Grep,Glob');
    expect(value('--disallowedTools')!.split(',')).toEqual(expect.arrayContaining(['Bash', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit']));
    expect(value('--permission-mode')).toBe('dontAsk');
  });
});

describe('reviewSettings (session.json `review`, frozen at launch)', () => {
  it('is absent when review.enabled is off, the default', () => {
    expect(reviewSettings(configSchema.parse({}))).toBeUndefined();
    expect(reviewSettings(configSchema.parse({ review: { model: 'opus' } }))).toBeUndefined();
  });
  it('carries the model (else agent.model) and the limits in ms and USD', () => {
    expect(reviewSettings(configSchema.parse({ review: { enabled: true } }))).toEqual({ maxTurns: 20, budgetUsd: 1, timeoutMs: 15 * 60_000 });
    expect(reviewSettings(configSchema.parse({ agent: { model: 'sonnet' }, review: { enabled: true, timeout: '5m', max_turns: 4, budget_usd: 0.25 } }))).toEqual({ model: 'sonnet', maxTurns: 4, budgetUsd: 0.25, timeoutMs: 300_000 });
    expect(reviewSettings(configSchema.parse({ agent: { model: 'sonnet' }, review: { enabled: true, model: 'opus' } }))!.model).toBe('opus');
  });
  it('a bad review key is refused by the schema', () => {
    expect(configSchema.safeParse({ review: { enabled: 'yes' } }).success).toBe(false);
    expect(configSchema.safeParse({ review: { max_turns: 0 } }).success).toBe(false);
    expect(configSchema.safeParse({ review: { timeout: 'soon' } }).success).toBe(false);
    expect(configSchema.safeParse({ review: { enable: true } }).success).toBe(false);
  });
});
