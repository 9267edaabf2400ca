import { describe, expect, it } from 'vitest';
import { buildReport, tailLines } from '../../../src/report/build.js';
import { renderReportMarkdown, headline } from '../../../src/report/render.js';
import { UNCONTAINED_NOTICE } from '../../../src/safety/sandbox.js';
import { summarizeAudit } from '../../../src/report/audit.js';
import { parseDeferredQuestion } from '../../../src/report/deferred.js';
import { nextStepsFor } from '../../../src/report/next-steps.js';
import { finishedState, gitFacts, manifest, noAudit } from './fixtures.js';
import { endSession, markRunning, prepareResume } from '../../../src/runner/transitions.js';

const now = new Date('2026-11-22T07:00:00.000Z');

describe('buildReport', () => {
  it('claims only what git holds: a merge the integration branch lost is not shipped, and says how to restore', () => {
    const g = { ...gitFacts(), lostMerges: { beta: 'm2'.padEnd(40, '0') } };
    const r = buildReport(manifest(), finishedState(), [], g, noAudit(), [], { now });
    expect(r.summary.shipped).toBe(1);
    expect(r.shipped.map((s) => s.slug)).toEqual(['alpha']);
    const beta = r.notRun.find((n) => n.slug === 'beta')!;
    expect(beta.reason).toContain(`no longer holds that merge, so it did not ship`);
    expect(beta.reason).toContain(`refs/overnight-backup/${r.sessionId}/${r.integrationBranch}`);
  });

  it('sorts items into shipped, failed, blocked, with totals from the attempts', () => {
    const r = buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now });
    expect(r.summary).toMatchObject({ items: 5, shipped: 2, failed: 1, blocked: 2, deferred: 0, unfinished: 0, turns: 4 + 4 + 8 + 2, attempts: 5 });
    expect(r.summary.costUsd).toBeCloseTo(0.25 * 4 + 0.05, 6);
    expect(r.summary.durationMs).toBe(20 * 60_000);
    expect(r.shipped.map((s) => s.slug)).toEqual(['alpha', 'beta']);
    expect(r.shipped[0]!.commits).toEqual([{ hash: 'a1'.padEnd(40, '0'), subject: 'alpha: add alpha.txt' }]);
    expect(r.shipped[0]!.checks).toEqual(['test -f alpha.txt', 'npm test']);
    expect(r.failed[0]).toMatchObject({ slug: 'gamma', failureKind: 'task', attempts: 2 });
    expect(r.failed[0]!.evidence).toContain('expected 2 got 3');
    expect(r.failed[0]!.nextSteps.join(' ')).toContain('features/gamma/verify-2.log');
    const delta = r.blocked.find((b) => b.slug === 'delta')!;
    const eps = r.blocked.find((b) => b.slug === 'epsilon')!;
    expect(delta.cause).toBe('dependency');
    expect(delta.nextSteps.join(' ')).toContain('gamma');
    expect(eps.cause).toBe('agent');
    expect(eps.reason).toContain('payment sandbox');
    expect(r.learnings).toEqual([{ slug: 'alpha', title: 'Item alpha', text: 'The test runner is `node --test`.' }]);
    expect(r.costs.find((c) => c.slug === 'gamma')).toMatchObject({ attempts: 2, turns: 8, agentMs: 9 * 60_000 });
  });

  it('prefers the last attempt\'s verify log, with the lines that name the problem', () => {
    const log = ['$ node --test', 'not ok 1 - quotes fields', "  error: 'Expected values to be strictly equal'", ...Array.from({ length: 30 }, (_, i) => `    at frame ${i} (file.js:${i})`), '# fail 1', '[exit 1]'].join('\n');
    const r = buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now, artifacts: { gamma: { files: [], verifyLog: log, verifyAttempt: 2 } } });
    const ev = r.failed[0]!.evidence!;
    expect(ev).toContain('Expected values to be strictly equal');
    expect(ev).toContain('[exit 1]');
    expect(ev).not.toContain('frame 3 ');
    const old = buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now, artifacts: { gamma: { files: [], verifyLog: log, verifyAttempt: 1 } } });
    expect(old.failed[0]!.evidence).toContain('expected 2 got 3');
  });

  it('uses the verify log when the state has no evidence, and reports unsettled items as not run', () => {
    const st = finishedState();
    delete st.items.gamma!.evidence;
    st.items.beta = { slug: 'beta', status: 'running', attempts: [], commits: [] };
    delete st.items.epsilon;
    st.phase = 'running';
    delete st.endedAt;
    const r = buildReport(manifest(), st, [], gitFacts(), noAudit(), [], {
      now,
      artifacts: { gamma: { files: ['features/gamma/verify-1.log', 'features/gamma/verify-2.log'], verifyLog: 'AssertionError: nope', verifyAttempt: 2 } },
    });
    expect(r.failed[0]!.evidence).toBe('AssertionError: nope');
    expect(r.failed[0]!.files).toContain('features/gamma/verify-2.log');
    expect(r.notRun.map((n) => [n.slug, n.status])).toEqual([['beta', 'running'], ['epsilon', 'pending']]);
    expect(r.summary.unfinished).toBe(2);
    expect(r.summary.durationMs).toBe(now.getTime() - Date.parse('2026-11-21T23:00:00.000Z'));
  });

  it('falls back to the state commits when git has no merge facts', () => {
    const g = gitFacts();
    g.itemCommits = {};
    const r = buildReport(manifest(), finishedState(), [], g, noAudit(), [], { now });
    expect(r.shipped[0]!.commits).toEqual([{ hash: 'a1'.padEnd(40, '0'), subject: '' }]);
  });
});

describe('renderReportMarkdown', () => {
  it('renders every section a person needs in the morning', () => {
    const st = finishedState();
    st.pullRequest = { commands: ['git push origin overnight/x', 'gh pr create --base main'], note: 'gh is not installed.' };
    const audit = summarizeAudit(
      [
        JSON.stringify({ ts: 't', item: 'alpha', toolName: 'Bash', toolInput: { command: 'git push --force' }, decision: 'deny', ruleId: 'git.force-push', reason: 'no force push' }),
        JSON.stringify({ ts: 't', item: 'alpha', toolName: 'Bash', toolInput: { command: 'ls' }, decision: 'allow' }),
      ].join('\n'),
    );
    const md = renderReportMarkdown(
      buildReport(manifest(), st, [], gitFacts(), audit, [{ file: 'q1.md', item: 'beta', question: 'Which date format?', decision: 'ISO 8601' }], { now }),
    );
    for (const s of ['## Summary', '## Shipped', '## Failed', '## Blocked', '## Deferred questions', '## Gate denials', '## Cost and turns per item', '## What the night learned', '## Pull request']) {
      expect(md).toContain(s);
    }
    expect(md).toContain('2 shipped, 1 failed, 2 blocked');
    expect(md).toContain('`a1000000` alpha: add alpha.txt');
    expect(md).toContain('Failure kind: **task**');
    expect(md).toContain('expected 2 got 3');
    expect(md).toContain('Which date format?');
    expect(md).toContain('`git.force-push`: 1');
    expect(md).toContain('git push origin overnight/x');
    expect(md).toContain('| **Total** | | 5 | 18 | $1.05 | |');
    expect(md).toContain('The test runner is `node --test`.');
  });

  it('fences evidence that itself contains backticks', () => {
    const st = finishedState();
    st.items.gamma!.evidence = 'output with ``` fence inside';
    const md = renderReportMarkdown(buildReport(manifest(), st, [], gitFacts(), noAudit(), [], { now }));
    expect(md).toContain('````text\noutput with ``` fence inside\n````');
  });

  it('says in plain words when the night ran without OS containment (the report, and so the pull request body)', () => {
    const uncontained = renderReportMarkdown(buildReport({ ...manifest(), sandbox: 'off' }, finishedState(), [], gitFacts(), noAudit(), [], { now }));
    expect(uncontained).toContain(`- ${UNCONTAINED_NOTICE}`);
    const contained = renderReportMarkdown(buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now }));
    expect(contained).not.toContain('without OS containment');
  });

  it('headline counts deferred and unfinished only when there are some', () => {
    expect(headline({ summary: { shipped: 1, failed: 0, blocked: 0, deferred: 0, unfinished: 0 } as any })).toBe('1 shipped, 0 failed, 0 blocked');
    expect(headline({ summary: { shipped: 1, failed: 0, blocked: 0, deferred: 2, unfinished: 1 } as any })).toBe('1 shipped, 0 failed, 0 blocked, 2 deferred, 1 unfinished');
  });
});

describe('summarizeAudit', () => {
  it('groups denials by rule id, most frequent first, with at most three examples, and skips bad lines', () => {
    const deny = (rule: string, cmd: string) => JSON.stringify({ tool_name: 'Bash', tool_input: { command: cmd }, decision: 'deny', rule_id: rule, reason: 'r' });
    const text = [deny('git.reset-hard', 'git reset --hard'), 'not json', deny('rm.outside', 'rm -rf /x'), deny('rm.outside', 'rm -rf /y'), deny('rm.outside', 'rm -rf /z'), deny('rm.outside', 'rm -rf /w'), ''].join('\n');
    const s = summarizeAudit(text);
    expect(s.denials).toBe(5);
    expect(s.toolCalls).toBe(5);
    expect(s.byRule.map((g) => [g.ruleId, g.count])).toEqual([['rm.outside', 4], ['git.reset-hard', 1]]);
    expect(s.byRule[0]!.examples).toHaveLength(3);
    expect(s.byRule[0]!.examples[0]!.target).toBe('rm -rf /x');
  });
});

describe('parseDeferredQuestion', () => {
  it('reads frontmatter fields', () => {
    expect(parseDeferredQuestion('001.md', '---\nitem: beta\nquestion: Use UTC?\ndecision: Yes, UTC.\n---\nbody\n')).toMatchObject({ item: 'beta', question: 'Use UTC?', decision: 'Yes, UTC.' });
  });
  it('reads Question and Decision sections, or the first paragraph', () => {
    expect(parseDeferredQuestion('a.md', '# Deferred\n\n## Question\nWhich port?\n\n## Decision\n8080, documented in README.\n')).toMatchObject({ question: 'Which port?', decision: '8080, documented in README.' });
    expect(parseDeferredQuestion('b.md', 'Should I rename the module?\n\nMore text.')).toMatchObject({ question: 'Should I rename the module?' });
  });
});

describe('the report across resumes and retries', () => {
  it("after a resume the night's duration counts from the first start", () => {
    let st = finishedState();
    st = markRunning({ ...st, startedAt: undefined }, { pid: 1, now: '2026-11-21T23:00:00.000Z', deadline: '2026-11-22T05:00:00.000Z' });
    st = endSession(st, { now: '2026-11-21T23:30:00.000Z', phase: 'stopped', stopReason: 'the runner was stopped by a signal' });
    st = prepareResume(st, manifest().items, { now: '2026-11-22T01:00:00.000Z', mergedSlugs: new Map() }).state;
    st = markRunning(st, { pid: 2, now: '2026-11-22T01:00:00.000Z', deadline: '2026-11-22T07:00:00.000Z' });
    st = endSession(st, { now: '2026-11-22T02:00:00.000Z', phase: 'complete' });
    expect(st.startedAt).toBe('2026-11-21T23:00:00.000Z');
    const r = buildReport(manifest(), st, [{ ts: '2026-11-22T01:00:00.000Z', type: 'session_started' }], gitFacts(), noAudit(), [], { now });
    expect(r.summary.durationMs).toBe(3 * 3_600_000);
    expect(renderReportMarkdown(r)).toContain('Duration: 3h 00m');
  });

  it("tells a retried item's history per run, and the retries in the summary", () => {
    const st = finishedState();
    st.retries = [{ run: 2, at: '2026-11-22T09:00:00.000Z', items: ['gamma'] }];
    const gamma = st.items.gamma!;
    gamma.attempts = [
      { ...gamma.attempts[0]!, run: 1, outcome: 'failed', failureKind: 'task', failure: 'the success condition failed' },
      { ...gamma.attempts[1]!, run: 2, outcome: 'failed', failureKind: 'task', failure: 'the success condition failed again' },
    ];
    const r = buildReport(manifest(), st, [], gitFacts(), noAudit(), [], { now });
    expect(r.summary.retries).toBe(1);
    const failed = r.failed.find((f) => f.slug === 'gamma')!;
    expect(failed.history).toEqual(['run 1 (the night): attempt 1 failed (task: the success condition failed)', 'run 2 (retry): attempt 2 failed (task: the success condition failed again)']);
    expect(r.shipped.every((x) => x.history.length === 0)).toBe(true);
    const md = renderReportMarkdown(r);
    expect(md).toContain('- History: run 2 (retry): attempt 2 failed (task: the success condition failed again)');
    expect(md).toContain('Runs: the night and 1 `overnight retry` run(s) on the same integration branch');
  });

  it("an item the agent said TASK_BLOCKED on gets the retry command, not resume (which never re-runs it)", () => {
    const r = buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now });
    const agentBlocked = r.blocked.find((b) => b.cause === 'agent')!;
    expect(agentBlocked.slug).toBe('epsilon');
    expect(agentBlocked.nextSteps.join(' ')).toContain('`overnight retry epsilon --session 20261121-2300-abcd`');
    expect(agentBlocked.nextSteps.join(' ')).not.toContain('overnight resume');
    for (const b of r.blocked) expect(b.nextSteps.join(' ')).toContain('overnight retry');
  });
});

describe('nextStepsFor', () => {
  const m = { id: 's', integrationBranch: 'overnight/s' };
  const base = { slug: 'x', file: 'backlog/001-x.md', attempt: 1, files: [], failedDependencies: [] };
  it('gives a next step for every failure kind', () => {
    expect(nextStepsFor(m, { ...base, failureKind: 'merge', branch: 'overnight/s--x' }).join(' ')).toContain('git merge --no-ff overnight/s--x');
    expect(nextStepsFor(m, { ...base, failureKind: 'transient', outcome: 'killed-idle' }).join(' ')).toContain('watchdog');
    expect(nextStepsFor(m, { ...base, failureKind: 'permanent' }).join(' ')).toContain('overnight doctor');
    expect(nextStepsFor(m, { ...base, failureKind: 'timeout' }).join(' ')).toContain('time limit');
    expect(nextStepsFor(m, { ...base, failureKind: 'dependency', failedDependencies: ['y'] }).join(' ')).toContain('`overnight retry y --session s` runs it again and then this item');
    expect(nextStepsFor(m, { ...base }).join(' ')).toContain('features/x/');
  });

  it('names `overnight retry <slug> --session <id>` for every item a retry can ship, never resume', () => {
    for (const failureKind of ['task', 'merge', 'transient'] as const) {
      const steps = nextStepsFor(m, { ...base, failureKind }).join(' ');
      expect(steps, failureKind).toContain('`overnight retry x --session s` runs it again as a fresh attempt, merged into overnight/s');
      expect(steps, failureKind).not.toContain('overnight resume');
    }
    expect(nextStepsFor(m, { ...base }).join(' ')).toContain('`overnight retry x --session s`');
  });

  it('keeps resume for what stopped the night itself (a permanent failure, the time limit)', () => {
    expect(nextStepsFor(m, { ...base, failureKind: 'permanent' }).join(' ')).toContain('`overnight resume --session s`');
    expect(nextStepsFor(m, { ...base, failureKind: 'timeout' }).join(' ')).toContain('`overnight resume --session s`');
  });
});

describe('tailLines', () => {
  it('keeps the last lines and at most the character budget', () => {
    expect(tailLines('a\nb\nc\n\n', 2)).toBe('b\nc');
    expect(tailLines('x'.repeat(50), 5, 10)).toBe(`…${'x'.repeat(9)}`);
  });
});

describe('night two: the report counts and names only what exists', () => {
  it('an attempt whose agent never started is not counted', () => {
    const st = finishedState();
    st.items.gamma!.attempts.push({ ...st.items.gamma!.attempts[1]!, n: 3, notStarted: true, turns: 0, costUsd: 0 });
    const r = buildReport(manifest(), st, [], gitFacts(), noAudit(), [], { now });
    expect(r.failed[0]).toMatchObject({ slug: 'gamma', attempts: 2 });
    expect(r.summary.attempts).toBe(5);
    expect(renderReportMarkdown(r)).toContain('after 2 attempt(s)');
  });
  it('a failed item whose empty branch was deleted is not "kept for inspection"', () => {
    const kept = renderReportMarkdown(buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now }));
    expect(kept).toContain('Branch kept for inspection: `overnight/20261121-2300-abcd--gamma`');
    const facts = { ...gitFacts(), goneBranches: ['overnight/20261121-2300-abcd--gamma'] };
    const r = buildReport(manifest(), finishedState(), [], facts, noAudit(), [], { now });
    expect(r.failed[0]!.branch).toBeUndefined();
    expect(renderReportMarkdown(r)).not.toContain('Branch kept for inspection');
  });
});

describe('merge conflicts in the report', () => {
  const conflict = (rerun: boolean) => ({ files: ['CHANGELOG.md'], with: [{ id: 1, slug: 'alpha', title: 'Item alpha', mergeCommit: 'm1'.padEnd(40, '0') }], integrationTip: 'm1'.padEnd(40, '0'), tip: 'c'.repeat(40), rerun });
  it('lists a shipped item\'s re-run after a conflict, and a failed item\'s conflict with no re-run left', () => {
    const st = finishedState();
    const first = st.items.beta!.attempts[0]!;
    st.items.beta!.attempts = [{ ...first, outcome: 'conflict', failureKind: 'merge', failure: 'merge conflict', conflict: conflict(true) }, { ...first, n: 2, outcome: 'complete' }];
    st.items.gamma = {
      ...st.items.gamma!,
      failureKind: 'merge',
      reason: 'merge conflict with the integration branch in: CHANGELOG.md (#1 alpha merged first and changed it); still conflicting after 1 conflict re-run (agent.conflict_retries: 1)',
      attempts: [{ ...first, outcome: 'conflict', failureKind: 'merge', conflict: conflict(true) }, { ...first, n: 2, outcome: 'conflict', failureKind: 'merge', conflict: conflict(false) }],
    };
    const r = buildReport(manifest(), st, [], gitFacts(), noAudit(), [], { now: new Date('2026-11-22T07:00:00.000Z') });
    expect(r.shipped.find((i) => i.slug === 'beta')!.conflicts).toEqual(['attempt 1: re-run after a conflict with #1 alpha (CHANGELOG.md)']);
    expect(r.shipped.find((i) => i.slug === 'alpha')!.conflicts).toEqual([]);
    const gamma = r.failed.find((i) => i.slug === 'gamma')!;
    expect(gamma.conflicts).toEqual(['attempt 1: re-run after a conflict with #1 alpha (CHANGELOG.md)', 'attempt 2: no conflict re-run left after a conflict with #1 alpha (CHANGELOG.md)']);
    expect(gamma.nextSteps.join(' ')).toContain('raise agent.conflict_retries');
    const md = renderReportMarkdown(r);
    expect(md).toContain('Merge conflicts:\n\n- attempt 1: re-run after a conflict with #1 alpha (CHANGELOG.md)');
    expect(md).toContain('- Merge conflict: attempt 2: no conflict re-run left after a conflict with #1 alpha (CHANGELOG.md)');
  });
});
