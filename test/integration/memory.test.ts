/**
 * Memory across nights in the night loop (fake agent, real git): the end of the night writes the
 * learnings file on the integration branch with plumbing only; briefs read it from the commit the
 * item starts from; `memory.file: off` writes and reads nothing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSession } from '../../src/runner/process.js';
import { readEvents, readState } from '../../src/session/store.js';
import { removedAfterEach } from '../support/repo.js';
import { fakeAgent, git, item, launch, ok, repoWith, testDeps, writesAndCommits } from './runner-support.js';

const repo = removedAfterEach(repoWith);

const BASE_FILE = '# Overnight learnings\n\nKept as written.\n\n## 2026-11-30 · 009-old · An old item\n- Old fact about the build.\n';

function checkout(root: string) {
  return {
    head: git(root, 'rev-parse', 'HEAD'),
    main: git(root, 'rev-parse', 'refs/heads/main'),
    status: git(root, 'status', '--porcelain', '--untracked-files=all'),
    index: createHash('sha256').update(readFileSync(join(root, '.git/index'))).digest('hex'),
  };
}

describe('memory across nights (night loop, fake agent, real git)', () => {
  it("commits tonight's learnings to the file on the integration branch, deduplicated; briefs read the base's file; the checkout is untouched", async () => {
    const r = repo(
      { ...item(1, 'alpha'), ...item(2, 'beta'), ...item(3, 'gamma', { verify: 'false' }), 'docs/overnight-learnings.md': BASE_FILE },
      'concurrency: 1\nagent:\n  retries: 0\n',
    );
    r.write({ 'wip.txt': 'the user is busy\n' });
    const id = await launch(r);
    const before = checkout(r.root);
    const agent = fakeAgent({
      alpha: writesAndCommits({ 'alpha.txt': 'a\n' }, { learnings: '- Run `make` before the tests.\n- old fact about the build' }),
      beta: writesAndCommits({ 'beta.txt': 'b\n' }),
      gamma: writesAndCommits({ 'gamma.txt': 'g\n' }, { learnings: '- gamma.txt needs a header.' }),
    });
    const { deps, briefs } = testDeps(agent.run);
    const summary = await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(summary).toMatchObject({ phase: 'complete', counts: { merged: 2, failed: 1 } });

    // Night one's briefs read the file as the base has it; tonight's learnings are not repeated in it.
    const alphaBrief = briefs.find((b) => b.item.slug === 'alpha');
    expect(alphaBrief.memory).toEqual({ file: 'docs/overnight-learnings.md', text: '### 2026-11-30 · 009-old · An old item\n- Old fact about the build.' });
    const betaBrief = briefs.find((b) => b.item.slug === 'beta');
    expect(betaBrief.learnings.map((l: { slug: string }) => l.slug)).toEqual(['alpha']);
    // The file's only learning is also one of alpha's, which beta's brief shows in tonight's section: not twice.
    expect(betaBrief.memory).toEqual({ file: 'docs/overnight-learnings.md' });

    // One commit on top of the night's merges, on the integration branch only.
    const integ = `overnight/${id}`;
    expect(git(r.root, 'log', '-1', '--format=%s', integ)).toBe(`overnight: learnings of ${id} in docs/overnight-learnings.md`);
    expect(git(r.root, 'log', '-1', '--format=%s', `${integ}^`)).toMatch(/^overnight: merge 002-beta/);
    expect(git(r.root, 'diff', '--name-only', `${integ}^`, integ)).toBe('docs/overnight-learnings.md');
    const text = git(r.root, 'show', `${integ}:docs/overnight-learnings.md`);
    const date = new Date().toISOString().slice(0, 10);
    expect(text).toBe(
      [
        '# Overnight learnings',
        '',
        'Kept as written.',
        '',
        '## 2026-11-30 · 009-old · An old item',
        '- Old fact about the build.',
        '',
        `## ${date} · 001-alpha · Do alpha`,
        '- Run `make` before the tests.',
        '',
        `## ${date} · 003-gamma · Do gamma (did not ship)`,
        '- gamma.txt needs a header.',
      ].join('\n'),
    );
    const state = readState(r.root, id);
    expect(state.memory).toMatchObject({ file: 'docs/overnight-learnings.md', outcome: 'written', added: 2, duplicates: 1, dropped: 0, kept: 3, commit: git(r.root, 'rev-parse', integ) });
    expect(readEvents(r.root, id).find((e) => e.type === 'memory_updated')).toMatchObject({ outcome: 'written', added: 2, branch: integ });
    // The user's checkout, its index and the base branch are as they were.
    expect(checkout(r.root)).toEqual(before);
    expect(readFileSync(join(r.root, 'docs/overnight-learnings.md'), 'utf8')).toBe(BASE_FILE);

    // The next night (after the user merged the night into main) reads them; the same learnings again add nothing.
    git(r.root, 'merge', '-q', '--no-edit', integ);
    r.write(item(4, 'delta'));
    r.commit('backlog: delta');
    const id2 = await launch(r, { only: ['delta'] });
    const agent2 = fakeAgent({ delta: writesAndCommits({ 'delta.txt': 'd\n' }, { learnings: '- Run make before the tests!' }) });
    const night2 = testDeps(agent2.run);
    await runSession({ repoRoot: r.root, sessionId: id2, mode: 'start', deps: night2.deps });
    const deltaBrief = night2.briefs.find((b) => b.item.slug === 'delta');
    expect(deltaBrief.memory.text).toContain(`### ${date} · 001-alpha · Do alpha\n- Run \`make\` before the tests.`);
    expect(deltaBrief.memory.text).toContain('gamma.txt needs a header.');
    expect(readState(r.root, id2).memory).toMatchObject({ outcome: 'unchanged', added: 0, duplicates: 1, kept: 3 });
    expect(git(r.root, 'log', '-1', '--format=%s', `overnight/${id2}`)).toMatch(/^overnight: merge 004-delta/);
  }, 60_000);

  it('memory.file: off writes nothing and puts nothing in the briefs', async () => {
    const r = repo({ ...item(1, 'alpha'), 'docs/overnight-learnings.md': BASE_FILE }, 'memory:\n  file: "off"\n');
    const id = await launch(r);
    const agent = fakeAgent({ alpha: writesAndCommits({ 'alpha.txt': 'a\n' }, { learnings: '- A new fact.' }) });
    const { deps, briefs } = testDeps(agent.run);
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(briefs[0].memory).toBeUndefined();
    const integ = `overnight/${id}`;
    expect(git(r.root, 'log', '-1', '--format=%s', integ)).toMatch(/^overnight: merge 001-alpha/);
    expect(git(r.root, 'show', `${integ}:docs/overnight-learnings.md`)).toBe(BASE_FILE.trimEnd());
    expect(readState(r.root, id).memory).toMatchObject({ file: 'off', outcome: 'off', added: 0 });
  }, 60_000);

  it('creates the file and its folders at a configured path; writes nothing when nothing shipped', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta', { verify: 'false' }) }, 'concurrency: 1\nagent:\n  retries: 0\nmemory:\n  file: notes/deep/LEARNINGS.md\n');
    const id = await launch(r);
    const agent = fakeAgent({ alpha: writesAndCommits({ 'alpha.txt': 'a\n' }, { learnings: '- A new fact.' }) });
    const { deps, briefs } = testDeps(agent.run);
    await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    expect(briefs[0].memory).toEqual({ file: 'notes/deep/LEARNINGS.md' });
    const text = git(r.root, 'show', `overnight/${id}:notes/deep/LEARNINGS.md`);
    expect(text).toMatch(/^# Overnight learnings\n/);
    expect(text).toContain('· 001-alpha · Do alpha\n- A new fact.');
    expect(git(r.root, 'ls-tree', '--name-only', `overnight/${id}`, 'notes/deep/')).toBe('notes/deep/LEARNINGS.md');

    const r2 = repo({ ...item(1, 'beta', { verify: 'false' }) }, 'agent:\n  retries: 0\n');
    const id2 = await launch(r2);
    const agent2 = fakeAgent({ beta: writesAndCommits({ 'beta.txt': 'b\n' }, { learnings: '- A lesson of failure.' }) });
    await runSession({ repoRoot: r2.root, sessionId: id2, mode: 'start', deps: testDeps(agent2.run).deps });
    expect(readState(r2.root, id2).memory).toMatchObject({ outcome: 'skipped', added: 0 });
    expect(git(r2.root, 'rev-parse', `overnight/${id2}`)).toBe(git(r2.root, 'rev-parse', 'main'));
  }, 60_000);
});
