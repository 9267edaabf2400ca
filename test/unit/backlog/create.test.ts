import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createBacklogItem, newItemText } from '../../../src/backlog/create.js';
import { readBacklog } from '../../../src/backlog/read.js';
import { backlogItem } from '../../support/repo.js';

const dirs: string[] = [];
function root(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'overnight-add-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const CONFIG = { backlog_dir: 'backlog' };

describe('creating a backlog item', () => {
  test('the first item creates the folder and gets id 001', async () => {
    const dir = root();
    const created = await createBacklogItem(dir, CONFIG, { title: 'Add CSV export: the report page' });
    expect(created).toMatchObject({ id: 1, slug: 'add-csv-export-the-report-page', file: 'backlog/001-add-csv-export-the-report-page.md', status: 'draft', type: 'feature', priority: 'medium' });
    const text = readFileSync(join(dir, created.file), 'utf8');
    expect(text).toBe(created.text);
    expect(text).toContain('title: "Add CSV export: the report page"\nstatus: draft\n');
    expect(text).toContain('## Goal');
    expect(text).toContain('## Acceptance criteria');
    const [item] = await readBacklog(dir, CONFIG);
    expect(item).toMatchObject({ id: 1, title: 'Add CSV export: the report page', status: 'draft', acceptanceCriteria: [] });
  });

  test('next id is the highest id + 1 (invalid files count); a taken slug gets a suffix', async () => {
    const dir = root({ 'backlog/001-a.md': backlogItem({ title: 'A' }), 'backlog/009-csv-export.md': 'broken', 'backlog/README.md': '' });
    const created = await createBacklogItem(dir, CONFIG, { title: 'CSV export', type: 'bug', priority: 'high', blockedBy: ['a', '9'] });
    expect(created.file).toBe('backlog/010-csv-export-2.md');
    expect(created.text).toContain('type: bug\npriority: high\nblocked_by: [a, 9]\n');
  });

  test('bad type, priority, empty title or unknown dependency: an error and nothing written', async () => {
    const dir = root({ 'backlog/001-csv-parser.md': backlogItem({ title: 'A' }) });
    const attempts = [
      [{ title: 'X', type: 'feture' }, "--type 'feture' is not one of: feature, bug, test, docs, refactor, chore, epic — did you mean 'feature'? [field: --type]\n  Fix: Use --type feature."],
      [{ title: 'X', priority: 'urgent' }, "--priority 'urgent' is not one of: critical, high, medium, low [field: --priority]\n  Fix: Use one of: critical, high, medium, low."],
      [{ title: '   ' }, 'the title is empty [field: title]\n  Fix: Give a title: overnight add "Add CSV export".'],
      [
        { title: 'X', blockedBy: ['csv-parsr'] },
        "--blocked-by names 'csv-parsr', which is not an item in backlog/ — did you mean 'csv-parser'? [field: --blocked-by]\n  Fix: Use ids or slugs of existing items, comma-separated (e.g. --blocked-by 1,csv-parser).",
      ],
    ] as const;
    for (const [request, message] of attempts) {
      const error = await createBacklogItem(dir, CONFIG, request).catch((e: { format(): string; exitCode: number }) => e);
      expect((error as { format(): string }).format()).toBe(message);
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
    expect(readdirSync(join(dir, 'backlog'))).toEqual(['001-csv-parser.md']);
  });

  test('an unknown dependency in an empty backlog does not create the folder', async () => {
    const dir = root();
    await expect(createBacklogItem(dir, CONFIG, { title: 'X', blockedBy: ['1'] })).rejects.toThrow(/not an item/);
    expect(existsSync(join(dir, 'backlog'))).toBe(false);
  });

  test('the template is valid frontmatter that is not yet eligible (no criteria, draft)', () => {
    const text = newItemText({ title: "It's 'quoted' # and: colons", type: 'docs', priority: 'low', blockedBy: [3, 'x-y'] });
    expect(text.startsWith('---\n')).toBe(true);
    expect(text).toContain('blocked_by: [3, x-y]');
  });
});
