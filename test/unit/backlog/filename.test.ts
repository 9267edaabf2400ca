import { describe, expect, test } from 'vitest';
import { formatId, isIgnoredBacklogFile, itemFileName, itemRef, parseItemFileName, slugForTitle, suggestFileName } from '../../../src/backlog/filename.js';

describe('backlog file names', () => {
  test('NNN-slug.md gives the id and the slug', () => {
    expect(parseItemFileName('012-csv-export.md')).toEqual({ id: 12, slug: 'csv-export' });
    expect(parseItemFileName('001-a.md')).toEqual({ id: 1, slug: 'a' });
    expect(parseItemFileName('1234-big-id-2.md')).toEqual({ id: 1234, slug: 'big-id-2' });
  });

  test.each(['12-short-id.md', '012_csv.md', '012-CSV-export.md', '012-csv--export.md', '012-.md', 'csv-export.md', '012-csv-export.markdown', '012-csv-export-.md'])(
    '%s is not an item name',
    (name) => {
      expect(parseItemFileName(name)).toBeUndefined();
    },
  );

  test('readme, index, hidden, underscore and non-markdown files are ignored', () => {
    for (const name of ['README.md', 'readme.md', 'index.md', 'INDEX.md', '_template.md', '.draft.md', 'notes.txt', 'image.png']) {
      expect(isIgnoredBacklogFile(name), name).toBe(true);
    }
    for (const name of ['012-csv.md', 'notes.md', 'Todo.MD']) expect(isIgnoredBacklogFile(name), name).toBe(false);
  });

  test('ids are zero padded to three digits in names and references', () => {
    expect(formatId(7)).toBe('007');
    expect(formatId(1234)).toBe('1234');
    expect(itemRef({ id: 7, slug: 'csv-parser' })).toBe('007-csv-parser');
    expect(itemFileName(12, 'x')).toBe('012-x.md');
  });

  test('slugs from titles are lower-case ASCII words joined by hyphens, at most 50 characters', () => {
    expect(slugForTitle('Add CSV export to the Report page!')).toBe('add-csv-export-to-the-report-page');
    expect(slugForTitle('Über café: naïve façade')).toBe('ueber-cafe-naive-facade');
    expect(slugForTitle('!!!')).toBe('item');
    const long = slugForTitle('word '.repeat(30));
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long).toMatch(/^word(-word)*$/);
  });

  test('a bad name gets a suggested valid one', () => {
    expect(suggestFileName('12_CSV Export.md', 99)).toBe('012-csv-export.md');
    expect(suggestFileName('Notes about things.md', 4)).toBe('004-notes-about-things.md');
  });
});
