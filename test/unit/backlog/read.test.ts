import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { readBacklog, scanBacklog } from '../../../src/backlog/read.js';
import { OvernightError, OvernightErrors } from '../../../src/util/errors.js';
import { backlogItem } from '../../support/repo.js';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'overnight-backlog-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CONFIG = { backlog_dir: 'backlog' };

describe('reading the backlog folder', () => {
  test('valid items sorted by id with dependencies resolved; non-items skipped', async () => {
    const root = folder({
      'backlog/002-b.md': backlogItem({ title: 'B', blocked_by: 'a' }),
      'backlog/001-a.md': backlogItem({ title: 'A' }),
      'backlog/README.md': '# About the backlog\n',
      'backlog/_template.md': 'anything',
      'backlog/notes.txt': 'x',
      'backlog/archive/003-old.md': 'not read: subfolders are skipped',
    });
    const items = await readBacklog(root, CONFIG);
    expect(items.map((i) => [i.id, i.slug, i.file, i.dependsOn])).toEqual([
      [1, 'a', 'backlog/001-a.md', []],
      [2, 'b', 'backlog/002-b.md', [1]],
    ]);
  });

  test('a missing folder is an empty backlog', async () => {
    const root = folder({});
    expect(await readBacklog(root, CONFIG)).toEqual([]);
    expect((await scanBacklog(root, CONFIG)).exists).toBe(false);
  });

  test('the configured folder is used', async () => {
    const root = folder({ 'docs/todo/001-a.md': backlogItem({ title: 'A' }) });
    expect((await readBacklog(root, { backlog_dir: 'docs/todo/' })).map((i) => i.file)).toEqual(['docs/todo/001-a.md']);
  });

  test('every problem of every file is reported in one pass, in file order, and nothing is written', async () => {
    const root = folder({
      'backlog/001-a.md': backlogItem({ title: 'A', blocked_by: [3] }),
      'backlog/002-b.md': '---\ntitle: B\nstatus: [\n---\n',
      'backlog/003-c.md': backlogItem({ title: 'C', blocked_by: [1] }),
      'backlog/004-d.md': backlogItem({ status: 'ready' }),
      'backlog/005-e.md': backlogItem({ title: 'E', blocked_by: ['nothing-here'] }),
      'backlog/005-f.md': backlogItem({ title: 'F' }),
      'backlog/006-a.md': backlogItem({ title: 'A again' }),
      'backlog/Some Notes.md': 'x',
    });
    const before = readdirSync(join(root, 'backlog')).sort();
    const scan = await scanBacklog(root, CONFIG);
    expect(scan.errors.map((e) => [e.file, e.code])).toEqual([
      ['backlog/001-a.md', 'backlog.cycle'],
      ['backlog/002-b.md', 'backlog.yaml'],
      ['backlog/004-d.md', 'backlog.missing-key'],
      ['backlog/005-e.md', 'backlog.unknown-dependency'],
      ['backlog/005-f.md', 'backlog.duplicate-id'],
      ['backlog/006-a.md', 'backlog.duplicate-slug'],
      ['backlog/Some Notes.md', 'backlog.file-name'],
    ]);
    expect(scan.errors[1]?.line).toBe(3);
    const byCode = Object.fromEntries(scan.errors.map((e) => [e.code, e.format()]));
    expect(byCode['backlog.duplicate-id']).toBe(
      "backlog/005-f.md: duplicate id 5: backlog/005-e.md has it too\n  Fix: Give one of them a free id, e.g. rename this file to '007-f.md'.",
    );
    expect(byCode['backlog.duplicate-slug']).toBe(
      "backlog/006-a.md: duplicate slug 'a': backlog/001-a.md has it too (slugs name branches and worktrees)\n  Fix: Rename one of them to a different slug, e.g. '006-a-2.md'.",
    );
    expect(byCode['backlog.file-name']).toBe(
      "backlog/Some Notes.md: 'Some Notes.md' is not named like a backlog item (NNN-slug.md: a number of at least three digits, a hyphen, lower-case words joined by hyphens)\n  Fix: Rename it, e.g. to '007-some-notes.md' (or start its name with '_' to keep it out of the backlog).",
    );
    await expect(readBacklog(root, CONFIG)).rejects.toBeInstanceOf(OvernightErrors);
    expect(readdirSync(join(root, 'backlog')).sort()).toEqual(before);
  });

  test('a reference to an item whose own file is invalid is not reported twice', async () => {
    const root = folder({
      'backlog/001-a.md': '---\nstatus: ready\n---\n',
      'backlog/002-b.md': backlogItem({ title: 'B', blocked_by: ['a'] }),
    });
    const scan = await scanBacklog(root, CONFIG);
    expect(scan.errors.map((e) => e.code)).toEqual(['backlog.missing-key']);
  });

  test('a single problem is thrown as one OvernightError', async () => {
    const root = folder({ 'backlog/001-a.md': backlogItem({ title: 'A', statuss: 'ready' }) });
    const error = await readBacklog(root, CONFIG).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvernightError);
    expect(error).not.toBeInstanceOf(OvernightErrors);
    expect((error as OvernightError).format()).toBe(
      "backlog/001-a.md:3: unknown key 'statuss' — did you mean 'status'? [field: statuss]\n  Fix: Rename 'statuss' to 'status'.",
    );
  });
});

describe('unusual files', () => {
  test('a symlink to an item file is read; a dangling one is an error naming it', async () => {
    const { symlinkSync } = await import('node:fs');
    const root = folder({ 'elsewhere/a.md': backlogItem({ title: 'Linked' }), 'backlog/002-b.md': backlogItem({ title: 'B' }) });
    symlinkSync(join(root, 'elsewhere/a.md'), join(root, 'backlog/001-linked.md'));
    expect((await readBacklog(root, CONFIG)).map((i) => i.title)).toEqual(['Linked', 'B']);
    symlinkSync(join(root, 'nowhere.md'), join(root, 'backlog/003-dangling.md'));
    const scan = await scanBacklog(root, CONFIG);
    expect(scan.errors.map((e) => e.format())).toEqual([
      'backlog/003-dangling.md: cannot read the file: ENOENT\n  Fix: Make it readable (check its permissions, or where its symlink points).',
    ]);
    expect(scan.items.map((i) => i.id)).toEqual([1, 2]);
  });
});
