/**
 * The test ratchet in the night loop (fake agents, real git, real shell checks): the baseline on
 * the base commit, an item without `verify` judged by the ratchet in its worktree, a check that
 * declares a JUnit XML report, an item's own `verify` that stays a hard condition, and a resumed
 * night that reuses the baseline. The end-to-end proof with the real claude CLI is test/e2e/ratchet.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSession } from '../../src/runner/process.js';
import { sessionFiles } from '../../src/session/paths.js';
import { readEvents, readState } from '../../src/session/store.js';
import { computeMorningReport } from '../../src/report/write.js';
import { renderReportMarkdown } from '../../src/report/render.js';
import { backlogItem, removedAfterEach } from '../support/repo.js';
import { fakeAgent, git, launch, repoWith, testDeps, writesAndCommits } from './runner-support.js';

const repo = removedAfterEach(repoWith);

/** TAP: `beta` fails unless fixed/beta exists; `gamma` fails when broken/gamma exists. */
const TAP_CHECK = [
  'echo "1..2"',
  'if [ -f fixed/beta ]; then echo "ok 1 - beta"; else echo "not ok 1 - beta"; f=1; fi',
  'if [ -f broken/gamma ]; then echo "not ok 2 - gamma"; f=1; else echo "ok 2 - gamma"; fi',
  'exit ${f:-0}',
  '',
].join('\n');

/** JUnit XML in out/junit.xml: `io > reads` always fails; `io > writes` fails when broken/writes exists. */
const JUNIT_CHECK = [
  'mkdir -p out',
  'if [ -f broken/writes ]; then w="<failure/>"; else w=""; fi',
  'printf \'<testsuites><testsuite name="io"><testcase name="reads"><error/></testcase><testcase name="writes">%s</testcase></testsuite></testsuites>\' "$w" > out/junit.xml',
  'echo "2 tests, some failed"',
  'exit 1',
  '',
].join('\n');

const noVerify = (id: number, slug: string) => ({
  [`backlog/${String(id).padStart(3, '0')}-${slug}.md`]: backlogItem({ title: `Do ${slug}`, status: 'ready', type: 'feature', priority: 'medium' }),
});

const CONFIG = 'concurrency: 1\nchecks:\n  - sh tap.sh\n  - { run: sh junit.sh, junit: out/junit.xml }\n';

describe('the test ratchet in the night loop', () => {
  it('judges items without verify against the baseline, keeps verify hard, reads TAP and JUnit XML', async () => {
    const r = repo(
      {
        'tap.sh': TAP_CHECK,
        'junit.sh': JUNIT_CHECK,
        ...noVerify(1, 'clean'),
        ...noVerify(2, 'tapbreaker'),
        ...noVerify(3, 'junitbreaker'),
        ...noVerify(4, 'fixer'),
        [`backlog/005-hard.md`]: backlogItem({ title: 'Do hard', status: 'ready', type: 'feature', priority: 'medium', verify: 'sh tap.sh' }),
      },
      CONFIG,
    );
    const id = await launch(r);
    const agent = fakeAgent({
      clean: writesAndCommits({ 'clean.txt': 'x\n' }),
      tapbreaker: writesAndCommits({ 'broken/gamma': 'x\n' }),
      junitbreaker: writesAndCommits({ 'broken/writes': 'x\n' }),
      fixer: writesAndCommits({ 'fixed/beta': 'x\n' }),
      hard: writesAndCommits({ 'hard.txt': 'x\n' }),
    });
    const { deps } = testDeps(agent.run, { retry: { taskRetries: 0, transientRetries: 0, transientBackoffMs: [5] } });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    const s = readState(r.root, id);

    const baseline = JSON.parse(readFileSync(sessionFiles(r.root, id).checksBaseline, 'utf8'));
    expect(baseline.baseline).toMatchObject([
      { command: 'sh tap.sh', format: 'tap', exitCode: 1, failing: ['beta'], passing: ['gamma'] },
      { command: 'sh junit.sh', format: 'junit', exitCode: 1, failing: ['io > reads'], passing: ['io > writes'] },
    ]);

    expect(s.items.clean!.status).toBe('merged');
    // The success condition (the project checks, no verify) fails in the worktree: a task failure, not merged.
    expect(s.items.tapbreaker).toMatchObject({ status: 'failed', failureKind: 'task' });
    expect(s.items.tapbreaker!.attempts[0]!.failure).toMatch(/success condition `sh tap\.sh` failed/);
    expect(s.items.tapbreaker!.evidence).toMatch(/New failures \(not failing at baseline\):\n`sh tap\.sh`: gamma/);
    expect(s.items.junitbreaker).toMatchObject({ status: 'failed', failureKind: 'task' });
    expect(s.items.junitbreaker!.evidence).toMatch(/`sh junit\.sh`: io > writes/);
    expect(s.items.fixer!.status).toBe('merged');
    // Its own verify (`sh tap.sh`) is a hard condition; it passes once `fixer` made `beta` pass.
    expect(s.items.hard!.status).toBe('merged');

    const tree = git(r.root, 'ls-tree', '-r', '--name-only', `overnight/${id}`);
    expect(tree).not.toContain('broken/gamma');
    expect(tree).not.toContain('broken/writes');

    const events = readEvents(r.root, id);
    expect(events.find((e) => e.type === 'checks_fixed')).toMatchObject({ slug: 'fixer', fixes: [{ command: 'sh tap.sh', tests: ['beta'] }] });
    const saved = JSON.parse(readFileSync(sessionFiles(r.root, id).checksBaseline, 'utf8'));
    expect(saved.current[0]).toMatchObject({ exitCode: 0, failing: [] });
    expect(saved.current[1]).toMatchObject({ failing: ['io > reads'] });

    const report = await computeMorningReport(r.root, id);
    expect(report.checksBaseline?.fixes).toEqual([{ slug: 'fixer', command: 'sh tap.sh', tests: ['beta'] }]);
    const md = renderReportMarkdown(report);
    expect(md).toContain('- `sh junit.sh`: failed (exit code 1; 1 failing JUnit test(s): io > reads)');
    expect(md).toContain('- fixer fixed `beta` in `sh tap.sh`');
  });

  it('an item whose own verify fails is not merged even when the checks would tolerate it', async () => {
    const r = repo({ 'tap.sh': TAP_CHECK, 'junit.sh': JUNIT_CHECK, [`backlog/001-strict.md`]: backlogItem({ title: 'Do strict', status: 'ready', type: 'feature', priority: 'medium', verify: 'sh tap.sh' }) }, CONFIG);
    const id = await launch(r);
    const agent = fakeAgent({ strict: writesAndCommits({ 'strict.txt': 'x\n' }) });
    const { deps } = testDeps(agent.run, { retry: { taskRetries: 0, transientRetries: 0, transientBackoffMs: [5] } });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    // `sh tap.sh` fails `beta` as at baseline: tolerated for the project checks, not for a verify.
    expect(readState(r.root, id).items.strict).toMatchObject({ status: 'failed', failureKind: 'task' });
  });

  it('with ratchet: false every project check must pass, and no baseline is made', async () => {
    const r = repo({ 'tap.sh': TAP_CHECK, 'junit.sh': JUNIT_CHECK, ...noVerify(1, 'clean') }, `${CONFIG}ratchet: false\n`);
    const id = await launch(r);
    const agent = fakeAgent({ clean: writesAndCommits({ 'clean.txt': 'x\n' }) });
    const { deps } = testDeps(agent.run, { retry: { taskRetries: 0, transientRetries: 0, transientBackoffMs: [5] } });
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(readState(r.root, id).items.clean).toMatchObject({ status: 'failed', failureKind: 'task' });
    expect(readEvents(r.root, id).some((e) => e.type === 'checks_baseline')).toBe(false);
  });
});
