/**
 * scanBacklogAt (loop mode reads the base branch's COMMITTED backlog): real git repositories. What
 * is only in the working tree is not seen; invalid committed items give the same errors as the
 * folder scan; a commit without the folder is an empty backlog.
 */
import { describe, expect, it } from 'vitest';
import { scanBacklogAt, parseLsTree } from '../../src/backlog/at-commit.js';
import { scanBacklog } from '../../src/backlog/read.js';
import { tempRepos } from '../support/repo.js';

const repo = tempRepos();
const text = (title: string, extra = '') => `---\ntitle: ${title}\nstatus: ready\ntype: chore\nverify: npm test\n${extra}---\n## Acceptance criteria\n- works\n`;

describe('scanBacklogAt', () => {
  it('reads the items committed at a commit, not the working tree', async () => {
    const r = repo({ 'backlog/001-first.md': text('First') });
    r.write({ 'backlog/002-second.md': text('Second', 'blocked_by: [1]\n') });
    r.commit('second');
    const second = r.git('rev-parse', 'HEAD');
    r.write({ 'backlog/003-uncommitted.md': text('Not committed') });
    const scan = await scanBacklogAt(r.root, second, { backlog_dir: 'backlog' });
    expect(scan.errors).toEqual([]);
    expect(scan.exists).toBe(true);
    expect(scan.items.map((i) => [i.id, i.slug, i.file, i.dependsOn])).toEqual([
      [1, 'first', 'backlog/001-first.md', []],
      [2, 'second', 'backlog/002-second.md', [1]],
    ]);
    const first = await scanBacklogAt(r.root, `${second}~1`, { backlog_dir: 'backlog' });
    expect(first.items.map((i) => i.slug)).toEqual(['first']);
  });

  it('finds the same problems as the folder scan, naming the file', async () => {
    const r = repo({ 'backlog/001-first.md': text('First', 'blocked_by: [9]\n'), 'backlog/002-bad.md': '---\ntitle: [\n---\n', 'backlog/Bad Name.md': 'x' });
    const [atCommit, onDisk] = await Promise.all([scanBacklogAt(r.root, 'main', { backlog_dir: 'backlog' }), scanBacklog(r.root, { backlog_dir: 'backlog' })]);
    expect(atCommit.errors.length).toBeGreaterThan(0);
    expect(atCommit.errors.map((e) => [e.code, e.file])).toEqual(onDisk.errors.map((e) => [e.code, e.file]));
  });

  it('a commit without the backlog folder is an empty backlog; an unknown commit throws', async () => {
    const r = repo({ 'src/a.js': '1' });
    expect(await scanBacklogAt(r.root, 'main', { backlog_dir: 'backlog' })).toMatchObject({ exists: false, items: [], errors: [] });
    await expect(scanBacklogAt(r.root, 'no-such-branch', { backlog_dir: 'backlog' })).rejects.toThrow();
  });

  it('parseLsTree reads `git ls-tree -z` records', () => {
    expect(parseLsTree('100644 blob abc\t001-a.md\u000040000 tree def\tsub dir\u0000')).toEqual([
      { mode: '100644', type: 'blob', oid: 'abc', name: '001-a.md' },
      { mode: '40000', type: 'tree', oid: 'def', name: 'sub dir' },
    ]);
  });
});
