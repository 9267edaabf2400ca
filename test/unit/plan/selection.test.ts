import { describe, expect, test } from 'vitest';
import { applySelection, resolveOptionIds, splitIds } from '../../../src/plan/selection.js';
import { item } from '../backlog/fixtures.js';

const items = [item(1, { slug: 'setup' }), item(2, { slug: 'csv-parser', dependsOn: [1] }), item(3, { slug: 'csv-export', dependsOn: [2] }), item(4, { slug: 'docs' })];

describe('--only and --exclude', () => {
  test('comma-separated ids or slugs', () => {
    expect(splitIds(' 1, csv-parser ,,3')).toEqual(['1', 'csv-parser', '3']);
    expect(splitIds(undefined)).toEqual([]);
    expect([...resolveOptionIds('--only', ['1', 'csv-parser', '003-csv-export'], items, 'backlog')]).toEqual([1, 2, 3]);
  });

  test('a reference to no item is a usage error with the closest item', () => {
    const error = (() => {
      try {
        resolveOptionIds('--exclude', ['csv-parsr'], items, 'backlog');
      } catch (e) {
        return e as { format(): string; exitCode: number };
      }
      return undefined;
    })();
    expect(error?.format()).toBe(
      "--exclude names 'csv-parsr', which is not an item in backlog/ — did you mean 'csv-parser'? [field: --exclude]\n  Fix: Use ids or slugs of backlog items, comma-separated (e.g. --exclude 3,csv-export).",
    );
    expect(error?.exitCode).toBe(2);
  });

  test('--exclude leaves an item and its dependents out, with reasons', () => {
    const s = applySelection(items, undefined, new Set([2]));
    expect(s.selected.map((i) => i.id)).toEqual([1, 4]);
    expect(s.excluded.map((e) => [e.item.id, e.reason])).toEqual([
      [2, 'left out by --exclude'],
      [3, 'blocked by 002-csv-parser, which is not done and not in this night (002-csv-parser is left out by --exclude; do not exclude 2)'],
    ]);
  });

  test('--only keeps just those items; dependencies are not added', () => {
    const s = applySelection(items, new Set([1, 3]), new Set());
    expect(s.selected.map((i) => i.id)).toEqual([1]);
    expect(s.excluded.map((e) => [e.item.id, e.reason])).toEqual([
      [2, 'not selected by --only'],
      [3, 'blocked by 002-csv-parser, which is not done and not in this night (002-csv-parser is not selected by --only; add 2 to --only)'],
      [4, 'not selected by --only'],
    ]);
  });

  test('--exclude wins over --only', () => {
    expect(applySelection(items, new Set([1, 4]), new Set([4])).selected.map((i) => i.id)).toEqual([1]);
  });
});
