/**
 * The review pass in the night loop (config `review`), with a fake agent and a fake reviewer (the
 * night's agent function is called for both; the reviewer's call is told apart by its brief) and
 * real git. The end-to-end proof with the real claude CLI is test/e2e/review.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSession } from '../../src/runner/process.js';
import { featureDir, itemBranch, sessionFiles } from '../../src/session/paths.js';
import { readEvents, readState } from '../../src/session/store.js';
import { reviewMarker } from '../../src/agent/review-brief.js';
import { REVIEW_TOOLS } from '../../src/runner/review.js';
import { writeMorningReport } from '../../src/report/write.js';
import type { AgentOutcomeLike, RunAgentOptions } from '../../src/runner/types.js';
import { removedAfterEach } from '../support/repo.js';
import { commitIn, fakeAgent, git, item, launch, ok, repoWith, testDeps } from './runner-support.js';

const repo = removedAfterEach(repoWith);

const CONFIG = 'concurrency: 2\nreview:\n  enabled: true\n  model: reviewer-model\n  max_turns: 7\n  budget_usd: 0.5\n';

/** A review session's outcome whose final message is `text`. */
function said(text: string, costUsd = 0.02): AgentOutcomeLike {
  return ok({ result: { subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: costUsd, result: text }, turns: 1, costUsd, lastText: text, completion: { kind: 'none' } });
}

/** Per slug: what the worker does (attempt k of the worker) and what each review session says (session j overall). */
function night(work: Record<string, (opts: RunAgentOptions, k: number) => AgentOutcomeLike>, reviews: Record<string, string[]>) {
  const worker = new Map<string, number>();
  const reviewer = new Map<string, number>();
  const behaviours = Object.fromEntries(
    [...new Set([...Object.keys(work), ...Object.keys(reviews)])].map((slug) => [
      slug,
      (opts: RunAgentOptions) => {
        if (opts.brief.includes(reviewMarker(slug))) {
          const j = (reviewer.get(slug) ?? 0) + 1;
          reviewer.set(slug, j);
          return said(reviews[slug]![j - 1] ?? reviews[slug]!.at(-1)!);
        }
        const k = (worker.get(slug) ?? 0) + 1;
        worker.set(slug, k);
        return work[slug]!(opts, k);
      },
    ]),
  );
  return fakeAgent(behaviours);
}

const commits = (file: string) => (opts: RunAgentOptions, k: number) => {
  commitIn(opts.cwd, { [file]: `attempt ${k}\n` });
  return ok();
};

describe('the review pass (fake agent and reviewer, real git)', () => {
  it('merges an approved item, keeps a rejected one out with its reason in the retry brief and the report, fails closed without a verdict', async () => {
    const r = repo({ ...item(1, 'good'), ...item(2, 'bad'), ...item(3, 'mumble'), ...item(4, 'late') }, CONFIG);
    const id = await launch(r);
    const agent = night(
      { good: commits('good.txt'), bad: commits('bad.txt'), mumble: commits('mumble.txt'), late: commits('late.txt') },
      {
        good: ['All criteria hold.\nREVIEW: APPROVE'],
        bad: ['REVIEW: REJECT bad.txt holds no greeting', 'Still wrong.\nREVIEW: REJECT bad.txt still holds no greeting'],
        mumble: ['Looks fine to me.', 'I think it is good.'],
        late: ['', 'Fine.\n**REVIEW: APPROVE**'],
      },
    );
    // Frozen at launch: the plan says so, and a later edit of the config changes nothing tonight.
    const files = sessionFiles(r.root, id);
    expect(JSON.parse(readFileSync(files.manifest, 'utf8')).review).toEqual({ model: 'reviewer-model', maxTurns: 7, budgetUsd: 0.5, timeoutMs: 15 * 60_000 });
    expect(readFileSync(join(files.dir, 'plan.md'), 'utf8')).toContain('- Review pass: on (a read-only reviewer, model reviewer-model, must approve each item before it merges');
    writeFileSync(join(r.root, 'overnight.config.yaml'), 'concurrency: 2\n');
    const { deps, briefs } = testDeps(agent.run);
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(summary.phase).toBe('complete');
    const s = readState(r.root, id);
    const tree = git(r.root, 'ls-tree', '--name-only', `overnight/${id}`);

    // Approved: merged; the reviewer ran read-only with review.* limits, on the diff.
    expect(s.items.good!.status).toBe('merged');
    expect(tree).toContain('good.txt');
    const review = agent.calls.find((c) => c.slug === 'good' && c.opts.brief.includes(reviewMarker('good')))!.opts;
    expect(review.allowedTools).toEqual(REVIEW_TOOLS);
    expect(review.disallowedTools).toEqual(expect.arrayContaining(['Bash', 'Write', 'Edit', 'NotebookEdit', 'Agent']));
    expect(review).toMatchObject({ model: 'reviewer-model', maxTurns: 7, budgetUsd: 0.5, cwd: join(r.root, '.overnight', 'worktrees', id, 'good') });
    expect(review.stallTimeoutMs).toBeUndefined();
    expect(review.brief).toContain('+attempt 1');
    expect(review.transcriptFile).toBe(join(featureDir(r.root, id, 'good'), 'review-1-1.jsonl'));
    expect(readFileSync(join(featureDir(r.root, id, 'good'), 'review-1.diff'), 'utf8')).toContain('+attempt 1');
    const settings = JSON.parse(readFileSync(review.settingsFile, 'utf8'));
    expect(settings.sandbox).toBeUndefined();
    expect(settings.permissions.deny.length).toBeGreaterThan(0);
    // The review's turns and cost count toward the item's.
    const good = s.items.good!.attempts[0]!;
    expect(good.review).toMatchObject({ verdict: 'approve', sessions: 1, turns: 1, costUsd: 0.02, model: 'reviewer-model', transcripts: [`features/good/review-1-1.jsonl`] });
    expect(good.costUsd).toBeCloseTo(0.03, 10);
    expect(good.turns).toBe(3);

    // Rejected: a task failure, retried with the reason in the brief; rejected again: failed, not merged.
    expect(s.items.bad).toMatchObject({ status: 'failed', failureKind: 'task', reason: 'the review rejected the work: bad.txt still holds no greeting' });
    expect(s.items.bad!.attempts.map((a) => a.review?.verdict)).toEqual(['reject', 'reject']);
    expect(briefs.filter((b) => b.item.slug === 'bad')[1].previousAttempt).toMatchObject({ n: 1, kind: 'task', failure: 'the review rejected the work: bad.txt holds no greeting' });
    expect(tree).not.toContain('bad.txt');
    expect(git(r.root, 'branch', '--list', itemBranch(id, 'bad'))).not.toBe('');

    // No verdict twice: the review is retried once, then fails closed; the agent ran once.
    expect(s.items.mumble).toMatchObject({ status: 'failed', failureKind: 'review' });
    expect(s.items.mumble!.reason).toMatch(/no verdict in 2 session\(s\), so the item was not merged \(the review fails closed\): the reviewer's last line is not/);
    expect(s.items.mumble!.attempts).toHaveLength(1);
    expect(s.items.mumble!.attempts[0]!.review).toMatchObject({ verdict: 'none', sessions: 2, costUsd: 0.04 });
    expect(tree).not.toContain('mumble.txt');
    const events = readEvents(r.root, id).filter((e) => e.slug === 'mumble');
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['review_started', 'review_finished', 'review_retry', 'item_failed']));

    // No verdict, then an approval in the retried review session: merged.
    expect(s.items.late!.status).toBe('merged');
    expect(s.items.late!.attempts[0]!.review).toMatchObject({ verdict: 'approve', sessions: 2 });

    // The morning report says so.
    const { report } = await writeMorningReport(r.root, id);
    const md = readFileSync(sessionFiles(r.root, id).reportMd, 'utf8');
    expect(report.shipped.find((i) => i.slug === 'good')!.review).toMatchObject({ verdict: 'approve', attempt: 1 });
    const bad = report.failed.find((i) => i.slug === 'bad')!;
    expect(bad.reason).toBe('the review rejected the work: bad.txt still holds no greeting');
    expect(bad.evidence).toContain('REVIEW: REJECT bad.txt still holds no greeting');
    expect(bad.nextSteps[0]).toMatch(/review pass rejected the work/);
    expect(md).toContain('Review of attempt 2: rejected: bad.txt still holds no greeting (1 session(s)');
    expect(md).toContain('Review of attempt 1: approved (1 session(s), $0.02, model reviewer-model).');
    expect(md).toMatch(/Failure kind: \*\*review\*\*/);
    expect(report.failed.find((i) => i.slug === 'mumble')!.nextSteps[0]).toMatch(/gave no valid verdict/);
    expect(existsSync(join(featureDir(r.root, id, 'mumble'), 'review-1-2.jsonl'))).toBe(true);
  }, 120_000);

  it('a review that cannot run for a permanent cause (an unknown review.model) stops the night like an agent would', async () => {
    const r = repo({ ...item(1, 'solo') }, 'concurrency: 1\nreview:\n  enabled: true\n  model: nope\n');
    const id = await launch(r);
    const fail = ok({ result: undefined, exitCode: 1, turns: 0, costUsd: 0, lastText: '', stderrTail: 'model nope not found', failure: { kind: 'permanent', message: "claude does not know the model 'nope'" } });
    const agent = fakeAgent({ solo: (opts) => (opts.brief.includes(reviewMarker('solo')) ? fail : commits('solo.txt')(opts, 1)) });
    const { deps } = testDeps(agent.run);
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(summary.phase).toBe('stopped');
    const s = readState(r.root, id);
    expect(s.items.solo).toMatchObject({ status: 'failed', failureKind: 'permanent', reason: "the review could not run: claude does not know the model 'nope'" });
    expect(s.stopReason).toContain("the review could not run: claude does not know the model 'nope'");
    // One review session only: a second one would hit the same wall.
    expect(agent.calls.filter((c) => c.opts.brief.includes(reviewMarker('solo')))).toHaveLength(1);
    expect(git(r.root, 'ls-tree', '--name-only', `overnight/${id}`)).not.toContain('solo.txt');
  });

  it('runs no review when review.enabled is off (the default)', async () => {
    const r = repo({ ...item(1, 'plain') }, 'concurrency: 1\n');
    const id = await launch(r);
    const agent = night({ plain: commits('plain.txt') }, { plain: ['REVIEW: REJECT never asked'] });
    const { deps } = testDeps(agent.run);
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    const s = readState(r.root, id);
    expect(s.items.plain!.status).toBe('merged');
    expect(agent.calls).toHaveLength(1);
    expect(s.items.plain!.attempts[0]!.review).toBeUndefined();
  });
});
