/**
 * The end of the night against real git: the integration branch (and nothing else) is pushed to a
 * bare remote; a stand-in `gh` on PATH records what it was asked; notifications run for real.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeRepo, type TestRepo } from '../support/repo.js';
import { finishedState, manifest } from '../unit/report/fixtures.js';
import { integrationBranch, sessionFiles } from '../../src/session/paths.js';
import { finishNight } from '../../src/report/finish.js';
import { defaultConfig } from '../../src/config/schema.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function session(repo: TestRepo): string {
  const m = manifest();
  m.repoRoot = repo.root;
  m.baseCommit = repo.git('rev-parse', 'HEAD');
  const integ = integrationBranch(m.id);
  // A commit on the integration branch without touching the checkout: commit-tree + update-ref.
  const tree = repo.git('write-tree');
  const c = repo.git('commit-tree', tree, '-p', m.baseCommit, '-m', 'alpha: add alpha.txt');
  repo.git('update-ref', `refs/heads/${integ}`, c);
  repo.git('branch', 'unrelated-work');
  const st = finishedState();
  st.items.alpha!.mergeCommit = undefined;
  st.items.alpha!.commits = [c];
  st.items.beta!.mergeCommit = undefined;
  st.items.beta!.commits = [c];
  const f = sessionFiles(repo.root, m.id);
  mkdirSync(f.dir, { recursive: true });
  writeFileSync(f.manifest, JSON.stringify(m));
  writeFileSync(f.state, JSON.stringify(st));
  writeFileSync(f.events, '');
  return m.id;
}

function fakeGh(authOk: boolean): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'overnight-fake-gh-'));
  const log = join(dir, 'calls.log');
  writeFileSync(
    join(dir, 'gh'),
    `#!/bin/sh\necho "$@" >> '${log}'\ncase "$1 $2" in\n  "--version "*) echo "gh version 2.0.0"; exit 0;;\n  "auth status") exit ${authOk ? 0 : 1};;\n  "pr create") echo "https://github.com/example/sample/pull/42"; exit 0;;\nesac\nexit 3\n`,
  );
  chmodSync(join(dir, 'gh'), 0o755);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, log };
}

function withPath<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const old = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${old}`;
  return fn().finally(() => {
    process.env.PATH = old;
  });
}

describe('finishNight', () => {
  it('pushes only the integration branch, opens one draft pull request with gh, and records it in the report', async () => {
    const repo = makeRepo();
    cleanup.push(() => repo.remove());
    const bare = mkdtempSync(join(tmpdir(), 'overnight-remote-'));
    cleanup.push(() => rmSync(bare, { recursive: true, force: true }));
    execFileSync('git', ['init', '-q', '--bare', bare]);
    repo.git('remote', 'add', 'origin', bare);
    const id = session(repo);
    const gh = fakeGh(true);
    const out = await withPath(gh.dir, () => finishNight(repo.root, id, defaultConfig()));
    expect(out.pullRequest.url).toBe('https://github.com/example/sample/pull/42');
    const remoteRefs = execFileSync('git', ['for-each-ref', '--format=%(refname)'], { cwd: bare, encoding: 'utf8' }).trim().split('\n');
    expect(remoteRefs).toEqual([`refs/heads/${integrationBranch(id)}`]);
    const calls = readFileSync(gh.log, 'utf8');
    expect(calls).toContain(`pr create --base main --head ${integrationBranch(id)} --title overnight ${id}: 2 shipped, 1 failed`);
    expect(calls).toContain('--draft');
    const f = sessionFiles(repo.root, id);
    expect(readFileSync(join(f.dir, 'pr-body.md'), 'utf8')).toContain('# Morning report');
    expect(readFileSync(f.reportMd, 'utf8')).toContain('Pull request: https://github.com/example/sample/pull/42');
    expect(JSON.parse(readFileSync(f.reportJson, 'utf8')).pullRequest.url).toBe('https://github.com/example/sample/pull/42');
    expect(readFileSync(f.events, 'utf8')).toContain('"type":"pull-request"');
  });

  it('with no remote, pushes nothing and puts the exact commands in the report', async () => {
    const repo = makeRepo();
    cleanup.push(() => repo.remove());
    const id = session(repo);
    const out = await finishNight(repo.root, id, defaultConfig());
    expect(out.pullRequest.url).toBeUndefined();
    expect(out.pullRequest.commands[0]).toBe(`git push origin refs/heads/${integrationBranch(id)}:refs/heads/${integrationBranch(id)}`);
    const md = readFileSync(sessionFiles(repo.root, id).reportMd, 'utf8');
    expect(md).toContain('no remote');
    expect(md).toContain(out.pullRequest.commands[1]!);
  });
});
