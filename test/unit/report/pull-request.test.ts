import { describe, expect, it } from 'vitest';
import { commandLine, planPullRequest, shellQuote, truncateBody, finishPullRequest, type Runner } from '../../../src/report/pull-request.js';
import { buildReport } from '../../../src/report/build.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { finishedState, gitFacts, manifest, noAudit } from './fixtures.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const report = () => buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now: new Date('2026-11-22T07:00:00Z') });

describe('planPullRequest', () => {
  it('titles the night, targets the base branch, drafts when something failed, and pushes only the integration branch', () => {
    const cfg = defaultConfig();
    cfg.pull_request.labels = ['overnight'];
    const p = planPullRequest(manifest(), report(), cfg, '/s/pr-body.md');
    expect(p.title).toBe('overnight 20261121-2300-abcd: 2 shipped, 1 failed');
    expect(p.draft).toBe(true);
    expect(p.pushArgs).toEqual(['git', 'push', 'origin', 'refs/heads/overnight/20261121-2300-abcd:refs/heads/overnight/20261121-2300-abcd']);
    expect(p.ghArgs).toEqual(['gh', 'pr', 'create', '--base', 'main', '--head', 'overnight/20261121-2300-abcd', '--title', p.title, '--body-file', '/s/pr-body.md', '--draft', '--label', 'overnight']);
    expect(commandLine(p.ghArgs)).toContain("--title 'overnight 20261121-2300-abcd: 2 shipped, 1 failed'");
  });
  it('is not a draft when all shipped, or when draft_on_failure is off', () => {
    const r = report();
    const cfg = defaultConfig();
    cfg.pull_request.draft_on_failure = false;
    expect(planPullRequest(manifest(), r, cfg, 'b').draft).toBe(false);
    r.summary.failed = 0;
    r.summary.blocked = 0;
    expect(planPullRequest(manifest(), r, defaultConfig(), 'b').ghArgs).not.toContain('--draft');
  });
});

describe('shellQuote', () => {
  it('leaves plain words and quotes the rest', () => {
    expect(shellQuote('overnight/a--b')).toBe('overnight/a--b');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
  });
});

describe('truncateBody', () => {
  it('keeps short bodies, cuts long ones at a line and closes an open fence', () => {
    expect(truncateBody('short', 'r.md', 100)).toBe('short');
    const long = `# R\n\`\`\`text\n${'line\n'.repeat(100)}\`\`\`\n`;
    const cut = truncateBody(long, '/s/morning-report.md', 200);
    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut).toContain('truncated: the full morning report is /s/morning-report.md');
    expect(cut.split('\n').filter((l) => l.startsWith('```')).length % 2).toBe(0);
  });
});

describe('finishPullRequest (with a scripted command runner)', () => {
  const repoRoot = mkdtempSync(join(tmpdir(), 'overnight-pr-'));
  const m = { ...manifest(), repoRoot };
  const cfg = defaultConfig();
  function runner(answers: Record<string, { exitCode: number; stdout?: string; stderr?: string }>, calls: string[][]): Runner {
    return async (file, args) => {
      calls.push([file, ...args]);
      const key = [file, ...args].slice(0, 3).join(' ');
      const a = answers[key] ?? answers[[file, ...args].slice(0, 2).join(' ')] ?? { exitCode: 0 };
      return { exitCode: a.exitCode, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
    };
  }
  it('with no remote: pushes nothing and returns both commands', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(repoRoot, '.overnight/sessions', m.id), { recursive: true });
    const calls: string[][] = [];
    const r = await finishPullRequest(repoRoot, m, report(), cfg, { run: runner({ 'git remote': { exitCode: 0, stdout: '' } }, calls) });
    expect(r.url).toBeUndefined();
    expect(r.note).toContain('no remote');
    expect(r.commands[0]).toBe('git push origin refs/heads/overnight/20261121-2300-abcd:refs/heads/overnight/20261121-2300-abcd');
    expect(r.commands[1]).toMatch(/^gh pr create --base main --head overnight\/20261121-2300-abcd/);
    expect(calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['git remote']);
  });
  it('with gh missing: pushes, then returns the gh command', async () => {
    const calls: string[][] = [];
    const r = await finishPullRequest(repoRoot, m, report(), cfg, { run: runner({ 'git remote': { exitCode: 0, stdout: 'origin\n' }, 'gh --version': { exitCode: 127 } }, calls) });
    expect(calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['git remote', 'git push', 'gh --version']);
    expect(r.note).toContain('not installed');
    expect(r.commands).toHaveLength(1);
    expect(r.commands[0]).toMatch(/^gh pr create/);
  });
  it('with gh not logged in: says gh auth login', async () => {
    const r = await finishPullRequest(repoRoot, m, report(), cfg, { run: runner({ 'git remote': { exitCode: 0, stdout: 'origin\n' }, 'gh auth status': { exitCode: 1 } }, []) });
    expect(r.note).toContain('gh auth login');
  });
  it('with gh ready: opens the pull request and returns its URL', async () => {
    const calls: string[][] = [];
    const r = await finishPullRequest(repoRoot, m, report(), cfg, {
      run: runner({ 'git remote': { exitCode: 0, stdout: 'origin\n' }, 'gh pr create': { exitCode: 0, stdout: 'https://github.com/o/r/pull/7\n' } }, calls),
    });
    expect(r.url).toBe('https://github.com/o/r/pull/7');
    expect(r.note).toContain('draft');
    expect(calls.at(-1)).toContain('--draft');
  });
  it('does nothing when nothing shipped or pull requests are off', async () => {
    const r0 = report();
    r0.summary.shipped = 0;
    r0.integrationCommits = [];
    expect((await finishPullRequest(repoRoot, m, r0, cfg, { run: runner({}, []) })).note).toContain('Nothing shipped');
    const off = defaultConfig();
    off.pull_request.enabled = false;
    expect((await finishPullRequest(repoRoot, m, report(), off, { run: runner({}, []) })).note).toContain('enabled: false');
  });
});

describe('pendingPullRequest', () => {
  it('gives the commands with the morning report as the body while the night runs', async () => {
    const { pendingPullRequest } = await import('../../../src/report/pull-request.js');
    const r = report();
    r.phase = 'running';
    const p = pendingPullRequest(manifest(), r, defaultConfig(), '/s/morning-report.md');
    expect(p.pending).toBe(true);
    expect(p.note).toContain('the night is running');
    expect(p.commands[1]).toContain('--body-file /s/morning-report.md');
    r.summary.shipped = 0;
    expect(pendingPullRequest(manifest(), r, defaultConfig(), 'x').commands).toEqual([]);
  });
});
