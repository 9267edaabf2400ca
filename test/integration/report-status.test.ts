/**
 * `overnight report` and `overnight status` on a session written by hand into a real git
 * repository, with a real integration branch and merge commits: the report's commits come from git.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from '../support/cli.js';
import { GIT_ENV, tempRepos, type TestRepo } from '../support/repo.js';
import { finishedState, manifest } from '../unit/report/fixtures.js';
import { sessionFiles, integrationBranch, itemBranch } from '../../src/session/paths.js';

const tempRepo = tempRepos();

const cli = (cwd: string, ...args: string[]) => runCli(cwd, args);

/** A repository with a finished session: alpha and beta merged with real merge commits. */
function setup(): { repo: TestRepo; id: string; commits: Record<string, string> } {
  const repo = tempRepo({ 'src/a.txt': 'a\n' });
  const m = manifest();
  const id = m.id;
  m.repoRoot = repo.root;
  m.baseCommit = repo.git('rev-parse', 'HEAD');
  const integ = integrationBranch(id);
  repo.git('branch', integ);
  // Build the integration branch in a worktree so the user's checkout stays as it is.
  const wt = join(repo.root, '.overnight/worktrees', id, 'work');
  repo.git('worktree', 'add', '-q', wt, integ);
  const g = (...a: string[]) => execFileSync('git', a, { cwd: wt, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
  const commits: Record<string, string> = {};
  const st = finishedState();
  for (const slug of ['alpha', 'beta']) {
    g('switch', '-q', '-c', itemBranch(id, slug));
    writeFileSync(join(wt, `${slug}.txt`), `${slug}\n`);
    g('add', `${slug}.txt`);
    g('commit', '-q', '-m', `${slug}: add ${slug}.txt`);
    commits[slug] = g('rev-parse', 'HEAD');
    g('switch', '-q', integ);
    g('merge', '-q', '--no-ff', '-m', `merge ${slug}`, itemBranch(id, slug));
    st.items[slug]!.mergeCommit = g('rev-parse', 'HEAD');
    st.items[slug]!.commits = [commits[slug]!];
  }
  repo.git('worktree', 'remove', '--force', wt);
  const f = sessionFiles(repo.root, id);
  mkdirSync(join(f.deferred), { recursive: true });
  mkdirSync(join(f.features, 'gamma'), { recursive: true });
  writeFileSync(f.manifest, JSON.stringify(m));
  writeFileSync(f.state, JSON.stringify(st));
  writeFileSync(f.events, `${JSON.stringify({ ts: st.startedAt, type: 'session_started' })}\n`);
  writeFileSync(f.audit, `${JSON.stringify({ item: 'alpha', toolName: 'Bash', toolInput: { command: 'git reset --hard' }, decision: 'deny', ruleId: 'git.reset-hard', reason: 'destroys work' })}\n`);
  writeFileSync(join(f.deferred, '001-beta.md'), '---\nitem: beta\nquestion: Tabs or spaces?\n---\nDecided spaces.\n');
  writeFileSync(join(f.features, 'gamma', 'verify-2.log'), 'FAIL expected 2 got 3\n');
  symlinkSync(`sessions/${id}`, join(repo.root, '.overnight/latest'));
  return { repo, id, commits };
}

describe('overnight report', () => {
  it('writes morning-report.md and report.json whose commits come from the merge commits', () => {
    const { repo, id, commits } = setup();
    const r = cli(repo.root, 'report', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const env = JSON.parse(r.stdout);
    expect(env.ok).toBe(true);
    const report = env.data.report;
    expect(report.shipped.map((s: any) => s.commits.map((c: any) => c.hash))).toEqual([[commits.alpha], [commits.beta]]);
    expect(report.shipped[0].commits[0].subject).toBe('alpha: add alpha.txt');
    expect(report.integrationCommits).toHaveLength(4);
    expect(report.gate.byRule[0]).toMatchObject({ ruleId: 'git.reset-hard', count: 1 });
    expect(report.questions[0]).toMatchObject({ item: 'beta', question: 'Tabs or spaces?' });
    expect(report.failed[0].files).toEqual(['features/gamma/verify-2.log']);
    const f = sessionFiles(repo.root, id);
    expect(JSON.parse(readFileSync(f.reportJson, 'utf8')).sessionId).toBe(id);
    const md = readFileSync(f.reportMd, 'utf8');
    expect(md).toContain(`\`${commits.alpha!.slice(0, 8)}\` alpha: add alpha.txt`);
    const text = cli(repo.root, 'report');
    expect(text.stdout).toBe(md);
  });

  it('says there is no session, with exit code 0', () => {
    const repo = tempRepo();
    const r = cli(repo.root, 'report');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No overnight session in this repository.');
  });

  it('names an unknown --session with a fix', () => {
    const { repo } = setup();
    const r = cli(repo.root, 'report', '--session', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("No session 'nope'");
  });
});

describe('overnight status', () => {
  it('prints the no-session message', () => {
    const repo = tempRepo();
    const r = cli(repo.root, 'status');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('No overnight session in this repository. Start one with /overnight (or `overnight prepare` then `overnight launch`).');
    const j = JSON.parse(cli(repo.root, 'status', '--format', 'json').stdout);
    expect(j).toMatchObject({ ok: true, command: 'status', data: { session: null } });
  });

  it('after the night shows the report summary, agreeing with report.json', () => {
    const { repo } = setup();
    const j = JSON.parse(cli(repo.root, 'status', '--format', 'json').stdout).data.session;
    expect(j.phase).toBe('complete');
    expect(j.progress).toMatchObject({ settled: 5, total: 5, shipped: 2, failed: 1, blocked: 2 });
    expect(j.report.headline).toBe('2 shipped, 1 failed, 2 blocked');
    const text = cli(repo.root, 'status').stdout;
    expect(text).toContain('5 of 5 settled (2 shipped, 1 failed, 2 blocked)');
    expect(text).toContain('Morning report: 2 shipped, 1 failed, 2 blocked.');
  });

  it('while running with a dead runner pid, says to resume', () => {
    const { repo, id } = setup();
    const f = sessionFiles(repo.root, id);
    const st = JSON.parse(readFileSync(f.state, 'utf8'));
    st.phase = 'running';
    delete st.endedAt;
    st.runnerPid = 2 ** 22 + 12345; // above pid_max's default: no such process
    st.items.beta = { slug: 'beta', status: 'running', attempts: [{ n: 1, claudeSessionId: 'u', startedAt: new Date(Date.now() - 5000).toISOString(), turns: 3, costUsd: 0.1 }], commits: [], activity: 'Bash: npm test', activityAt: new Date().toISOString(), startedAt: new Date(Date.now() - 5000).toISOString() };
    writeFileSync(f.state, JSON.stringify(st));
    const text = cli(repo.root, 'status').stdout;
    expect(text).toContain('The runner is not running: `overnight resume`.');
    expect(text).toMatch(/002-beta\s+running\s+1\s+\d+s\s+3\s+\$0\.10\s+Bash: npm test/);
    const j = JSON.parse(cli(repo.root, 'status', '--format', 'json').stdout).data.session;
    expect(j.runner.alive).toBe(false);
    expect(j.items.find((i: any) => i.slug === 'beta')).toMatchObject({ status: 'running', attempt: 1, turns: 3, activity: 'Bash: npm test' });
    expect(existsSync(f.reportMd)).toBe(false);
  });
});
