/**
 * A whole night, end to end: the built CLI (`node bin/overnight launch`, `start`), the real Claude
 * Code CLI with the plugin's real hooks, real git and real checks, against the scripted stand-in
 * model. The sample repository's user checkout has uncommitted work and a stash entry, which the
 * night must leave byte-for-byte as it was.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { sampleScripts, toolResults, GREETING_SIGNATURE, FORBIDDEN_PUSH, PAYMENTS_QUESTION, PAYMENTS_DECISION } from '../../src/demo/scripts.js';
import { demoMarker, SAMPLE_ITEMS, type SampleItem } from '../../src/demo/sample.js';
import type { Script } from '../../src/standin/script.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integrationBranch, itemBranch, sessionFiles } from '../../src/session/paths.js';
import {
  agentSpans,
  launch,
  makeNightRepo,
  nightEnv,
  overnight,
  nightFixture,
  startNight,
  snapshotCheckout,
  type CheckoutSnapshot,
  type NightRepo,
  type SessionSnapshot,
} from '../support/night.js';

/** A sixth item whose agent never answers: the idle watchdog must end it. */
const STALLED: SampleItem = {
  id: 6,
  slug: 'stalled',
  title: 'Summarise the changelog',
  verify: 'test -f CHANGELOG.md',
  goal: 'Write CHANGELOG.md from the git history.',
  criteria: ['CHANGELOG.md lists every commit subject'],
};
const stalledScript: Script = { marker: demoMarker('stalled'), turns: [{ hang: true }] };

describe('a night of six items (concurrency 2)', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let before: CheckoutSnapshot;
  let id: string;
  let s: SessionSnapshot;
  let env: Record<string, string>;
  let startOutput = '';

  beforeAll(async () => {
    model = fixture.model = await startStandinModel({ scripts: [...sampleScripts({ delayMs: 700 }), stalledScript] });
    repo = fixture.repo = await makeNightRepo({ items: [...SAMPLE_ITEMS, STALLED], concurrency: 2, idleTimeout: '8s', retries: 0 });
    before = snapshotCheckout(repo);
    env = nightEnv(model.url);
    id = await launch(repo.root, env);
    ({ output: startOutput, s } = await startNight(repo.root, env, id));
  }, 240_000);


  it('settles every item as expected', () => {
    const status = Object.fromEntries(Object.entries(s.state.items).map(([k, v]) => [k, v.status]));
    expect(status, startOutput).toEqual({
      greeting: 'merged',
      farewell: 'merged',
      'csv-export': 'failed',
      'csv-download': 'blocked',
      payments: 'blocked',
      stalled: 'failed',
    });
    expect(s.state.phase).toBe('complete');
  });

  it('merges the two passing items in dependency order, and the second one saw the first one\'s work', () => {
    const merged = s.events.filter((e) => e.type === 'merged').map((e) => e.slug);
    expect(merged).toEqual(['greeting', 'farewell']);
    const farewellStart = s.events.find((e) => e.type === 'item_started' && e.slug === 'farewell')!;
    const greetingMerged = s.events.find((e) => e.type === 'merged' && e.slug === 'greeting')!;
    expect(Date.parse(farewellStart.ts)).toBeGreaterThanOrEqual(Date.parse(greetingMerged.ts));
    // The farewell agent ran `cat src/greeting.js` and its tool_result held greeting's code.
    const second = model.requestsFor(demoMarker('farewell')).find((r) => r.turnIndex === 1);
    expect(second && toolResults(second).some((r) => r.content.includes(GREETING_SIGNATURE))).toBe(true);
  });

  it('does not merge the item whose success condition fails, though it said TASK_COMPLETE', () => {
    const st = s.state.items['csv-export']!;
    expect(st.failureKind).toBe('task');
    expect(st.reason).toMatch(/TASK_COMPLETE.*success condition/);
    expect(repo.git('branch', '--list', itemBranch(id, 'csv-export'))).not.toBe('');
    const failed = s.report!.failed.find((f) => f.slug === 'csv-export')!;
    expect(failed.evidence ?? '').toMatch(/a,b|fail|assert/i);
    expect(failed.nextSteps.join(' ')).toContain('verify-1.log');
  });

  it('blocks the item that depends on the failed one, and never starts its agent', () => {
    const st = s.state.items['csv-download']!;
    expect(st.reason ?? '').toContain('csv-export');
    expect(model.requestsFor(demoMarker('csv-download'))).toHaveLength(0);
    expect(s.report!.blocked.find((b) => b.slug === 'csv-download')?.cause).toBe('dependency');
  });

  it('reports TASK_BLOCKED with its reason, and the gate denial of the force-push', () => {
    const b = s.report!.blocked.find((x) => x.slug === 'payments')!;
    expect(b.cause).toBe('agent');
    expect(b.reason).toContain('PAYMENTS_SANDBOX_KEY');
    const denials = s.report!.gate.byRule.flatMap((g) => g.examples);
    expect(denials.some((d) => d.item === 'payments' && (d.target ?? '').includes(FORBIDDEN_PUSH))).toBe(true);
    // The denial reached the agent as an error tool_result.
    const requests = model.requestsFor(demoMarker('payments'));
    expect(requests.some((r) => toolResults(r).some((t) => t.is_error && t.content.includes('git.force-push')))).toBe(true);
  });

  it('denies the agent question with "decide and document", and keeps it for the morning', () => {
    // The ask hook's guidance reached the agent as the AskUserQuestion tool_result.
    const requests = model.requestsFor(demoMarker('payments'));
    expect(requests.some((r) => toolResults(r).some((t) => t.is_error && /Decide for yourself/.test(t.content)))).toBe(true);
    // The question is a file in deferred/ and a deferred question in the report.
    const q = s.report!.questions.find((x) => x.item === 'payments');
    expect(q?.question).toContain(PAYMENTS_QUESTION);
    expect(s.report!.summary.deferredQuestions).toBeGreaterThanOrEqual(1);
    // When the attempt ended, the runner wrote the agent's `Decision (deferred/<file>):` paragraph
    // into the question file as its decision (session folder only), and the morning report shows it beside the question.
    // Only the decision about this question: not the Learnings, not the TASK_BLOCKED line.
    expect(q?.decision).toBe(PAYMENTS_DECISION);
    const file = readFileSync(join(sessionFiles(repo.root, id).deferred, q!.file), 'utf8');
    expect(file).toMatch(/^## Decision \(attempt 1: /m);
    expect(readFileSync(sessionFiles(repo.root, id).reportMd, 'utf8')).toContain('the agent decided: ');
  });

  it('kills the agent that never answers with the idle watchdog, and reports it', () => {
    const st = s.state.items.stalled!;
    expect(st.failureKind).toBe('transient');
    expect(st.reason).toMatch(/idle timeout|watchdog/);
    const finished = s.events.filter((e) => e.type === 'agent_finished' && e.slug === 'stalled');
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.every((e) => e.killedBy === 'idle')).toBe(true);
    const f = s.report!.failed.find((x) => x.slug === 'stalled')!;
    expect(f.nextSteps.join(' ')).toMatch(/watchdog/);
  });

  it('runs two agents at once', () => {
    const spans = agentSpans(s.events);
    const overlaps = spans.some((a, i) => spans.some((b, j) => i !== j && a.start < b.end && b.start < a.end));
    expect(overlaps, JSON.stringify(spans)).toBe(true);
    // ...and never more than two.
    for (const a of spans) {
      const at = spans.filter((b) => b.start <= a.start && a.start < b.end).length;
      expect(at).toBeLessThanOrEqual(2);
    }
  });

  it('leaves exactly the merged items\' commits on the integration branch', () => {
    const integ = integrationBranch(id);
    const base = s.manifest.baseCommit;
    // Besides them, only the runner's own commit of the night's learnings to the learnings file (memory across nights), on top.
    const learnings = s.state.memory?.commit;
    expect(learnings).toBe(repo.git('rev-parse', integ));
    expect(repo.git('diff', '--name-only', `${integ}^`, integ)).toBe('docs/overnight-learnings.md');
    const nonMerge = repo.git('rev-list', '--no-merges', `${base}..${integ}`).split('\n').filter((c) => c && c !== learnings).sort();
    const shipped = s.report!.shipped.flatMap((x) => x.commits.map((c) => c.hash)).sort();
    expect(nonMerge).toEqual(shipped);
    expect(s.report!.shipped.map((x) => x.commits.map((c) => c.subject))).toEqual([['Add greet(name)'], ['Add farewell(name) on top of greet()']]);
    const merges = repo.git('rev-list', '--merges', `${base}..${integ}`).split('\n').filter(Boolean);
    expect(merges.sort()).toEqual([s.state.items.greeting!.mergeCommit, s.state.items.farewell!.mergeCommit].sort());
    expect(repo.git('show', `${integ}:src/farewell.js`)).toContain("require('./greeting.js')");
    expect(() => repo.git('show', `${integ}:src/csv.js`)).toThrow();
  });

  it('the report and `status --format json` agree with git and with each other', async () => {
    const r = s.report!;
    expect(r.summary).toMatchObject({ items: 6, shipped: 2, failed: 2, blocked: 2 });
    expect(r.integrationHead).toBe(repo.git('rev-parse', integrationBranch(id)));
    const st = await overnight(repo.root, env, ['status', '--format', 'json']);
    expect(st.code, st.stderr).toBe(0);
    const view = JSON.parse(st.stdout).data.session;
    expect(view.progress).toMatchObject({ settled: 6, total: 6, shipped: 2, failed: 2, blocked: 2 });
    expect(view.report.summary).toMatchObject({ shipped: r.summary.shipped, failed: r.summary.failed, blocked: r.summary.blocked });
    expect(view.costUsd).toBeCloseTo(r.summary.costUsd, 6);
    expect(view.turns).toBe(r.summary.turns);
    const text = await overnight(repo.root, env, ['report']);
    expect(text.stdout).toContain('2 shipped, 2 failed, 2 blocked');
    expect(text.stdout).toContain('Add greet(name)');
    expect(r.pullRequest?.note ?? '').toMatch(/no remote/);
  });

  it('leaves the user\'s checkout byte-for-byte as it was: files, HEAD, index, stash', () => {
    const after = snapshotCheckout(repo);
    expect(after.head).toBe(before.head);
    expect(after.branch).toBe(before.branch);
    expect(after.stash).toBe(before.stash);
    expect(after.stagedDiff).toBe(before.stagedDiff);
    expect(after.unstagedDiff).toBe(before.unstagedDiff);
    expect(after.stage).toBe(before.stage);
    expect(after.files).toEqual(before.files);
    expect(after.index).toBe(before.index);
  });
});
