/**
 * The review pass, end to end (issue 9, mechanism 4): the built CLI, the real Claude Code CLI and
 * its hooks, real git, scripted agents and scripted reviewers (the review brief carries
 * reviewMarker(slug), so the stand-in model tells the reviewer's conversation from the item's).
 * With `review.enabled: true`:
 * - `approved`: its reviewer reads the work (Read tool) and approves: the item merges;
 * - `rejected`: its reviewer tries to write a file and run a command (refused: it is read-only),
 *   then rejects with a reason: the item is not merged, the retry's brief carries the reason,
 *   the second review rejects again, and the report and `status` give the reason;
 * - `mumble`: its reviewer never gives a verdict: the review runs once more, then fails closed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { ModelRequest, Script } from '../../src/standin/script.js';
import { simpleItemScript } from '../../src/demo/scripts.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { reviewMarker } from '../../src/agent/review-brief.js';
import { REVIEW_REJECTED_ADVICE } from '../../src/agent/brief.js';
import { doneFileItem, launch, makeNightRepo, startNight, nightEnv, nightFixture, overnight, type NightRepo, type SessionSnapshot } from '../support/night.js';

const item = doneFileItem;
const ITEMS = [item(1, 'approved'), item(2, 'rejected'), item(3, 'mumble')];
const REASON = 'done/rejected.txt must say hello, not the slug';

const cwdOf = (req: ModelRequest) => req.system.match(/working directory: (\S+)/i)?.[1] ?? '.';

/** Reviewers come first: a review brief also holds the item's body, hence its demo marker. */
const REVIEWERS: Script[] = [
  {
    marker: reviewMarker('approved'),
    turns: [(req) => ({ tool: 'Read', input: { file_path: `${cwdOf(req)}/done/approved.txt` } }), { text: 'done/approved.txt exists and holds the slug.\nREVIEW: APPROVE' }],
  },
  {
    marker: reviewMarker('rejected'),
    turns: [
      (req) => ({ tool: 'Write', input: { file_path: `${cwdOf(req)}/HACKED.md`, content: 'a reviewer wrote this\n' } }),
      { tool: 'Bash', input: { command: 'touch HACKED-BY-BASH && git commit --allow-empty -q -m reviewer' } },
      { text: `It writes the slug.\nREVIEW: REJECT ${REASON}` },
    ],
  },
  { marker: reviewMarker('mumble'), turns: [{ text: 'Looks fine to me, I suppose.' }] },
];

describe('the review pass (review.enabled)', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let id: string;
  let s: SessionSnapshot;
  let env: Record<string, string>;
  let output = '';

  beforeAll(async () => {
    model = fixture.model = await startStandinModel({ scripts: [...REVIEWERS, ...ITEMS.map((i) => simpleItemScript(i.slug))] });
    repo = fixture.repo = await makeNightRepo({ items: ITEMS, concurrency: 3, retries: 1, checks: [], idleTimeout: '60s', extraConfig: ['review:', '  enabled: true', '  max_turns: 6'] });
    env = nightEnv(model.url);
    id = await launch(repo.root, env);
    ({ output, s } = await startNight(repo.root, env, id, 400_000));
  }, 450_000);

  const reviews = (slug: string) => model.requestsFor(reviewMarker(slug));
  const tree = () => repo.git('ls-tree', '-r', '--name-only', s.manifest.integrationBranch);

  it('an approved item merges after its reviewer read the work; the review counts toward its cost', () => {
    const approved = s.state.items.approved!;
    expect(approved.status, output).toBe('merged');
    expect(tree()).toContain('done/approved.txt');
    const readResult = reviews('approved').find((r) => r.turnIndex === 1)!.lastToolResults[0]!;
    expect(readResult.is_error).toBeFalsy();
    expect(readResult.content).toContain('approved');
    // The last attempt (a loaded machine may cost the item a retry before it: agent.retries 1).
    const a = approved.attempts.at(-1)!;
    expect(a.review).toMatchObject({ verdict: 'approve', sessions: 1, transcripts: [`features/approved/review-${a.n}-1.jsonl`] });
    expect(a.review!.turns).toBeGreaterThanOrEqual(2);
    expect(a.review!.costUsd).toBeGreaterThan(0);
    expect(a.costUsd).toBeGreaterThan(a.review!.costUsd);
    expect(existsSync(join(repo.root, '.overnight', 'sessions', id, 'features', 'approved', `review-${a.n}-1.jsonl`))).toBe(true);
  });

  it('a rejected item stays out of the integration branch; its retry brief carries the reason', () => {
    const rejected = s.state.items.rejected!;
    expect(rejected.status, output).toBe('failed');
    expect(rejected.failureKind).toBe('task');
    expect(rejected.reason).toBe(`the review rejected the work: ${REASON}`);
    expect(rejected.attempts.map((a) => a.review?.verdict)).toEqual(['reject', 'reject']);
    expect(tree()).not.toContain('done/rejected.txt');
    const briefs = model.requestsFor(demoMarker('rejected')).filter((r) => r.turnIndex === 0).map((r) => r.firstUserText);
    expect(briefs).toHaveLength(2);
    expect(briefs[0]).not.toContain(REASON);
    expect(briefs[1]).toContain(`What it ran into: the review rejected the work: ${REASON}`);
    expect(briefs[1]).toContain(REVIEW_REJECTED_ADVICE);
  });

  it('the reviewer is read-only: its Write and Bash calls are refused and change nothing', () => {
    const convo = reviews('rejected');
    for (const turn of [1, 2]) {
      const results = convo.filter((r) => r.turnIndex === turn).flatMap((r) => r.lastToolResults);
      expect(results.length, `turn ${turn}`).toBeGreaterThan(0);
      for (const r of results) {
        expect(r.is_error, r.content).toBe(true);
        expect(r.content).toMatch(new RegExp(`No such tool available: ${turn === 1 ? 'Write' : 'Bash'}`));
      }
    }
    const branch = s.state.items.rejected!.branch!;
    const files = repo.git('ls-tree', '-r', '--name-only', branch);
    expect(files).not.toMatch(/HACKED/);
    expect(repo.git('log', '--format=%s', branch)).not.toContain('reviewer');
    expect(existsSync(join(s.state.items.rejected!.worktree!, 'HACKED.md'))).toBe(false);
    expect(existsSync(join(s.state.items.rejected!.worktree!, 'HACKED-BY-BASH'))).toBe(false);
  });

  it('a review without a verdict is run once more, then fails closed: not merged', () => {
    const mumble = s.state.items.mumble!;
    expect(mumble.status, output).toBe('failed');
    expect(mumble.failureKind).toBe('review');
    expect(mumble.reason).toMatch(/^the review gave no verdict in 2 session\(s\), so the item was not merged \(the review fails closed\)/);
    // Failing closed is final: no further attempt after the one whose review gave no verdict.
    expect(mumble.attempts.filter((a) => a.review)).toHaveLength(1);
    expect(mumble.attempts.at(-1)!.review).toMatchObject({ verdict: 'none', sessions: 2 });
    expect(reviews('mumble').filter((r) => r.turnIndex === 0)).toHaveLength(2);
    expect(tree()).not.toContain('done/mumble.txt');
  });

  it('the morning report and `status` show the verdicts and the reason', async () => {
    const failed = s.report!.failed.find((f) => f.slug === 'rejected')!;
    expect(failed.reason).toBe(`the review rejected the work: ${REASON}`);
    expect(failed.review).toMatchObject({ verdict: 'reject', reason: REASON, attempt: 2, rejections: 2 });
    expect(s.report!.shipped.find((i) => i.slug === 'approved')!.review).toMatchObject({ verdict: 'approve' });
    const report = await overnight(repo.root, env, ['report']);
    expect(report.stdout).toContain(`- Reason: the review rejected the work: ${REASON}`);
    expect(report.stdout).toContain(`Review of attempt 2: rejected: ${REASON}`);
    expect(report.stdout).toMatch(/Review of attempt \d: approved \(1 session\(s\), \$[\d.]+\)/);
    expect(report.stdout).toContain('Failure kind: **review**');
    const status = await overnight(repo.root, env, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/rejected.*failed.*the review rejected the work: done\/rejected\.txt must say hello/);
    expect(status.stdout).toMatch(/Reviews:\n[\s\S]*mumble[^\n]*no verdict, not merged \(fails closed\)/);
  });
});
