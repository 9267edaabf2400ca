/**
 * The morning report on the dashboard page (browser-side Preact components, rendered to HTML
 * here): beyond shipped and failed, it shows the night's judgment the markdown report shows:
 * reviews, history, merge conflicts, the project checks at baseline, budget, learnings.
 */
import { describe, expect, it } from 'vitest';
import { html } from 'htm/preact';
import { render } from 'preact-render-to-string';
import { MorningReportView } from '../../../src/dashboard/client/report.js';
import { Summary, Timeline } from '../../../src/dashboard/client/sections.js';
import { Md } from '../../../src/dashboard/client/report-details.js';
import { buildStatus } from '../../../src/report/status.js';
import { buildReport } from '../../../src/report/build.js';
import type { MorningReport } from '../../../src/report/types.js';
import { finishedState, gitFacts, manifest, noAudit } from '../report/fixtures.js';

const now = new Date('2026-11-22T07:00:00.000Z');

/** The fixtures' report with every judgment the night can add. */
function judgedReport(): MorningReport {
  const r = buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now });
  r.shipped[0]!.review = { attempt: 1, verdict: 'approve', sessions: 1, turns: 2, costUsd: 0.02, rejections: 0, transcripts: [] };
  r.shipped[1]!.conflicts = ['attempt 1: re-run after a conflict with #1 alpha (NOTES.md)'];
  r.failed[0]!.review = { attempt: 2, verdict: 'reject', reason: 'gamma() ignores its argument', sessions: 1, turns: 1, costUsd: 0.03, rejections: 2, transcripts: [] };
  r.failed[0]!.history = ['night: failed (task) after 1 attempt', 'retry 1: failed (task) after 1 attempt'];
  r.budget = { limitUsd: 5, spentUsd: 1.05, stopped: [] };
  r.checksBaseline = {
    baseCommit: 'b'.repeat(40),
    durationMs: 1200,
    checks: [{ command: 'npm test', passed: false, exitCode: 1, timedOut: false, format: 'tap', failing: ['beta works'] }],
    fixes: [{ slug: 'beta', command: 'npm test', tests: ['beta works'] }],
  };
  r.learnings = [{ slug: 'alpha', title: 'Add alpha', text: 'The tests need NODE_ENV=test.' }];
  r.memory = { file: '.overnight/learnings.md', outcome: 'written', added: 1, duplicates: 0, dropped: 0, kept: 3, at: '2026-11-22T06:59:00.000Z', commit: 'c'.repeat(40) };
  return r;
}

/** The rendered page section as text (tags dropped, entities of the fixtures decoded). */
function textOf(markup: string): string {
  return markup.replace(/<[^>]+>/g, ' ').replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

describe('the morning report on the dashboard', () => {
  const markup = render(html`<${MorningReportView} report=${judgedReport()} />`);
  const text = textOf(markup);

  it('shows each item\'s review, history and merge conflicts', () => {
    expect(text).toContain('Review of attempt 1: approved (1 session(s), $0.02).');
    expect(text).toContain('Review of attempt 2: rejected: gamma() ignores its argument (1 session(s), $0.03).');
    expect(text).toContain('History: retry 1: failed (task) after 1 attempt');
    expect(text).toContain('Merge conflict: attempt 1: re-run after a conflict with #1 alpha (NOTES.md)');
  });

  it('shows the budget, the project checks at baseline with the fixes, and the learnings', () => {
    expect(text).toContain('Night budget: $1.05 spent of $5.00.');
    expect(text).toContain('Project checks at baseline');
    expect(text).toMatch(/npm test\s*: failed \(exit code 1; 1 failing TAP test\(s\): beta works\)/);
    expect(text).toContain('beta fixed');
    expect(text).toContain('The tests need NODE_ENV=test.');
    expect(text).toContain('Learnings kept for later nights in');
  });

  it('shows markdown marks as text: code spans as <code>, no bold stars', () => {
    expect(markup).toContain('<code>npm test</code>');
    expect(text).not.toContain('**');
    expect(text).not.toContain('`');
  });

  it('leaves the details out of a report without them', () => {
    const plain = render(html`<${MorningReportView} report=${buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now })} />`);
    expect(plain).not.toContain('Project checks at baseline');
    expect(plain).not.toContain('data-testid="review"');
  });
});

describe('the live part of the dashboard', () => {
  it('shows spend against the night\'s budget, the checks at baseline, loop mode and each review', () => {
    const state = finishedState();
    state.phase = 'running';
    delete state.endedAt;
    state.loop = { since: '2026-11-21T23:00:00.000Z', pollIntervalMs: 120_000, stopBeforeMs: 1_800_000, approve: [], skipped: [] };
    state.items.alpha!.attempts[0]!.review = { verdict: 'approve', sessions: 1, turns: 2, costUsd: 0.02, transcripts: [] };
    const view = buildStatus({ ...manifest(), budgetUsd: 5 }, state, [], { now: now.getTime(), runnerAlive: true });
    view.checksBaseline = { baseCommit: 'b'.repeat(40), durationMs: 900, checks: [{ command: 'npm test', passed: false, exitCode: 1, timedOut: false, format: 'tap', failing: ['beta works'] }], fixes: [] };
    const text = textOf(render(html`<${Summary} view=${view} />`) + render(html`<${Timeline} view=${view} timeline=${[]} />`));
    expect(text).toContain(`${'$'}1.05 of the ${'$'}5.00 budget`);
    expect(text).toContain('Project checks at baseline: 1 of 1 failing (1 test)');
    expect(text).toContain('Loop mode: on since 2026-11-21T23:00:00.000Z; polling the base branch every 2m');
    expect(text).toContain('Review of attempt 1: approved (1 session(s), $0.02).');
  });
});

describe('Md: report text on the page', () => {
  it('shows code spans as <code>, and an unpaired backtick (a cut-off command) as itself', () => {
    expect(render(html`<p><${Md} text=${'the success condition `npm test` failed'} /></p>`)).toBe('<p>the success condition <code>npm test</code> failed</p>');
    expect(render(html`<p><${Md} text=${'run `a` then `git push --force o…'} /></p>`)).toBe('<p>run <code>a</code> then `git push --force o…</p>');
    expect(render(html`<p><${Md} text=${'**3 shipped**, 0 failed'} /></p>`)).toBe('<p>3 shipped, 0 failed</p>');
  });
});
