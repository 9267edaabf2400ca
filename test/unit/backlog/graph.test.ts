import { describe, expect, test } from 'vitest';
import { dependencyOrder, findCycles, findReferenced, resolveDependencies } from '../../../src/backlog/graph.js';
import { item } from './fixtures.js';

describe('blocked_by references', () => {
  const items = [item(1, { slug: 'setup' }), item(7, { slug: 'csv-parser' }), item(12, { slug: 'csv-export' })];

  test('an id (number or digits), a slug, or NNN-slug names an item', () => {
    expect(findReferenced(7, items)?.id).toBe(7);
    expect(findReferenced('7', items)?.id).toBe(7);
    expect(findReferenced('007', items)?.id).toBe(7);
    expect(findReferenced('csv-parser', items)?.id).toBe(7);
    expect(findReferenced('007-csv-parser', items)?.id).toBe(7);
    expect(findReferenced(99, items)).toBeUndefined();
    expect(findReferenced('csv', items)).toBeUndefined();
  });

  test('dependsOn gets the ids, deduplicated, in the order written', () => {
    const { items: resolved, errors } = resolveDependencies([...items.slice(0, 2), item(12, { slug: 'csv-export', blockedBy: ['csv-parser', 1, 7] })]);
    expect(errors).toEqual([]);
    expect(resolved.find((i) => i.id === 12)?.dependsOn).toEqual([7, 1]);
  });

  test('an unknown reference is an error naming the file, the line and the closest item', () => {
    const { errors } = resolveDependencies([...items.slice(0, 2), item(12, { slug: 'csv-export', blockedBy: ['csv-parsr', 44] })], { lines: new Map([[12, 5]]) });
    expect(errors.map((e) => e.format())).toEqual([
      "backlog/012-csv-export.md:5: blocked_by names 'csv-parsr', which is not an item in backlog/ — did you mean 'csv-parser'? [field: blocked_by]\n  Fix: Change 'csv-parsr' to 'csv-parser'.",
      "backlog/012-csv-export.md:5: blocked_by names '44', which is not an item in backlog/ [field: blocked_by]\n  Fix: Use the id or slug of an item in backlog/ (e.g. 7 or csv-parser), or remove '44'.",
    ]);
    expect(errors.every((e) => e.code === 'backlog.unknown-dependency')).toBe(true);
  });

  test('an item blocked by itself is a cycle', () => {
    const { errors } = resolveDependencies([item(3, { slug: 'me', blockedBy: ['me'] })]);
    expect(errors[0]?.code).toBe('backlog.cycle');
    expect(errors[0]?.message).toBe('dependency cycle: 003-me is blocked by itself');
  });

  test('references may name other targets (files whose own content is invalid)', () => {
    const { errors } = resolveDependencies([item(2, { blockedBy: ['broken'] })], { targets: [{ id: 1, slug: 'broken' }] });
    expect(errors).toEqual([]);
  });
});

describe('cycles', () => {
  test('a two-item cycle is one error on the lower id, with the fix', () => {
    const errors = findCycles([item(1, { slug: 'a', dependsOn: [2] }), item(2, { slug: 'b', dependsOn: [1] }), item(3, { dependsOn: [1] })]);
    expect(errors.map((e) => e.format())).toEqual([
      'backlog/001-a.md: dependency cycle: 001-a -> 002-b -> 001-a (each is blocked by the next) [field: blocked_by]\n  Fix: Remove one of these blocked_by entries: 002-b in 001-a.md, or 001-a in 002-b.md.',
    ]);
  });

  test('a longer cycle is named in full; separate cycles give separate errors', () => {
    const errors = findCycles([
      item(1, { slug: 'a', dependsOn: [3] }),
      item(2, { slug: 'b', dependsOn: [1] }),
      item(3, { slug: 'c', dependsOn: [2] }),
      item(4, { slug: 'd', dependsOn: [5] }),
      item(5, { slug: 'e', dependsOn: [4] }),
      item(6, { slug: 'f', dependsOn: [1, 4] }),
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      'dependency cycle: 001-a -> 003-c -> 002-b -> 001-a (each is blocked by the next)',
      'dependency cycle: 004-d -> 005-e -> 004-d (each is blocked by the next)',
    ]);
  });

  test('an acyclic graph has no cycles', () => {
    expect(findCycles([item(1), item(2, { dependsOn: [1] }), item(3, { dependsOn: [1, 2] })])).toEqual([]);
  });
});

describe('dependency order', () => {
  test('dependencies first, ties by id; outside dependencies ignored', () => {
    const order = dependencyOrder([item(5, { dependsOn: [9] }), item(1, { dependsOn: [4] }), item(4), item(2, { dependsOn: [99] }), item(3, { dependsOn: [1, 2] })]);
    expect(order.map((i) => i.id)).toEqual([2, 4, 1, 3, 5]);
  });
});
