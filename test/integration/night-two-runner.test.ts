/**
 * Night two, the runner side (fake agent, real git; issue 12 items 3, 4 and 10): a broken safety
 * policy stops the night before any agent; every agent carries the run's token; an attempt whose
 * agent never started is not counted; a failed item whose empty branch was deleted is not "kept".
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSession } from '../../src/runner/process.js';
import { abandonSession } from '../../src/runner/abandon.js';
import { recordedRunTokens, RUN_TOKEN_ENV } from '../../src/runner/orphans.js';
import { computeMorningReport } from '../../src/report/write.js';
import { renderReportMarkdown } from '../../src/report/render.js';
import { nightExitCode, EXIT_STOPPED_PERMANENT } from '../../src/cli/exit-codes.js';
import { itemBranch, sessionFiles } from '../../src/session/paths.js';
import { readEvents, readState } from '../../src/session/store.js';
import { removedAfterEach } from '../support/repo.js';
import { fakeAgent, git, item, launch, ok, repoWith, testDeps, writesAndCommits } from './runner-support.js';

const repo = removedAfterEach(repoWith);

describe('night two, runner side', () => {
  it('a deny_commands regex that does not compile stops the night before any agent, as a permanent failure (exit code 3)', async () => {
    const r = repo({ ...item(1, 'alpha') });
    const id = await launch(r);
    // A broken safety configuration that reached the session (the config schema refuses it at load).
    const policyFile = sessionFiles(r.root, id).policy;
    const policy = JSON.parse(readFileSync(policyFile, 'utf8'));
    policy.denyCommands = ['rm -rf (unclosed'];
    writeFileSync(policyFile, JSON.stringify(policy));
    const agent = fakeAgent({ alpha: writesAndCommits({ 'a.txt': 'a\n' }) });
    const { deps } = testDeps(agent.run);
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(summary).toMatchObject({ phase: 'stopped', stopKind: 'permanent' });
    expect(summary.stopReason).toContain("field 'denyCommands' holds an invalid regular expression: rm -rf (unclosed");
    expect(summary.stopReason).toContain('safety.deny_commands');
    expect(nightExitCode(summary)).toBe(EXIT_STOPPED_PERMANENT);
    expect(agent.calls).toHaveLength(0);
    expect(readState(r.root, id).items.alpha!.status).toBe('pending');
    expect(readEvents(r.root, id).map((e) => e.type)).toContain('preflight_failed');

    // Following the advice: abandon this session and launch a new night, which writes the policy again.
    expect(summary.stopReason).toContain('end this session with `overnight abandon` and launch a new night (`overnight launch`)');
    await abandonSession(r.root, id);
    const next = await launch(r);
    const again = await runSession({ repoRoot: r.root, sessionId: next, mode: 'start', deps: testDeps(agent.run).deps });
    expect(again).toMatchObject({ phase: 'complete', counts: { merged: 1 } });
  });

  it('every agent carries its run token, recorded in runners.jsonl; each run draws a new one', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta') }, 'concurrency: 1\n');
    const id = await launch(r);
    const agent = fakeAgent({ alpha: writesAndCommits({ 'a.txt': 'a\n' }), beta: () => ok({ exitCode: null, failure: { kind: 'transient', message: 'x' }, killedBy: 'abort' }) });
    const controller = new AbortController();
    const { deps } = testDeps(async (opts) => {
      if (opts.env?.OVERNIGHT_ITEM === 'beta') controller.abort('stop');
      return agent.run(opts);
    });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps, signal: controller.signal });
    const [first] = recordedRunTokens(r.root, id);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(agent.calls.every((c) => c.opts.env?.[RUN_TOKEN_ENV] === first)).toBe(true);
    const again = fakeAgent({ beta: writesAndCommits({ 'b.txt': 'b\n' }) });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'resume', deps: testDeps(again.run).deps });
    const tokens = recordedRunTokens(r.root, id);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).not.toBe(first);
    expect(again.calls[0]!.opts.env?.[RUN_TOKEN_ENV]).toBe(tokens[1]);
  });

  it('an attempt whose agent never started is not counted; a deleted empty branch is not "kept for inspection"', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta') }, 'concurrency: 1\n');
    const id = await launch(r);
    const agent = fakeAgent({
      // alpha: no commits twice (task failures): its branch is empty and deleted at the end.
      alpha: () => ok(),
      // beta: claude never started (the binary vanished): permanent, the night stops.
      beta: () => ({ exitCode: null, neverStarted: true, completion: { kind: 'none' }, turns: 0, costUsd: 0, failure: { kind: 'permanent', message: 'The claude binary could not be started (ENOENT) at /gone/claude.' } }),
    });
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps: testDeps(agent.run).deps });
    expect(summary).toMatchObject({ phase: 'stopped', stopKind: 'permanent' });
    const state = readState(r.root, id);
    expect(state.items.beta!.attempts).toHaveLength(1);
    expect(state.items.beta!.attempts[0]!.notStarted).toBe(true);
    expect(git(r.root, 'branch', '--list', itemBranch(id, 'alpha'))).toBe('');

    const report = await computeMorningReport(r.root, id);
    const alpha = report.failed.find((f) => f.slug === 'alpha')!;
    const beta = report.failed.find((f) => f.slug === 'beta')!;
    expect(alpha.attempts).toBe(2);
    expect(alpha.branch).toBeUndefined();
    expect(beta.attempts).toBe(0);
    expect(report.summary.attempts).toBe(2);
    const md = renderReportMarkdown(report);
    expect(md).not.toContain('Branch kept for inspection');
  });
});
