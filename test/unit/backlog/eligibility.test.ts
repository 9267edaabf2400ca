import { describe, expect, test } from 'vitest';
import { REASONS, selectEligible } from '../../../src/backlog/eligibility.js';
import type { BacklogItem } from '../../../src/backlog/types.js';
import { item } from './fixtures.js';

function reasons(items: BacklogItem[], checks: string[] = []) {
  const result = selectEligible(items, { checks });
  return {
    eligible: result.eligible.map((i) => i.id),
    ineligible: Object.fromEntries(result.ineligible.map(({ item: i, reason }) => [i.id, reason.text])),
    notCandidates: result.notCandidates.map((i) => i.id),
  };
}

describe('eligibility', () => {
  test('a ready item with acceptance criteria and verify is eligible', () => {
    expect(reasons([item(1)])).toEqual({ eligible: [1], ineligible: {}, notCandidates: [] });
  });

  test.each(['draft', 'in-progress', 'failed', 'blocked'] as const)('status %s is not eligible', (status) => {
    expect(reasons([item(1, { status })]).ineligible[1]).toBe(`status is ${status} (only ready items run)`);
  });

  test('done and dropped items are not candidates (not listed as ineligible)', () => {
    expect(reasons([item(1, { status: 'done' }), item(2, { status: 'dropped' })])).toEqual({ eligible: [], ineligible: {}, notCandidates: [1, 2] });
  });

  test('an epic is not eligible, whatever its status', () => {
    expect(reasons([item(1, { type: 'epic' }), item(2, { type: 'epic', status: 'draft' })]).ineligible).toEqual({
      1: 'epic: split it into items',
      2: 'epic: split it into items',
    });
  });

  test('no acceptance criteria', () => {
    expect(reasons([item(1, { acceptanceCriteria: [] })]).ineligible[1]).toBe(
      "no acceptance criteria: add a '## Acceptance criteria' section with at least one '- ' bullet",
    );
  });

  test('no success condition unless the project has checks', () => {
    expect(reasons([item(1, { verify: [] })]).ineligible[1]).toBe(
      'no success condition: add `verify:` to the item, or project `checks` to overnight.config.yaml',
    );
    expect(reasons([item(1, { verify: [] })], ['npm test']).eligible).toEqual([1]);
  });

  test('blocked by an item that is done, or eligible in the same night, is fine', () => {
    const result = reasons([item(1, { status: 'done' }), item(2), item(3, { dependsOn: [1, 2] })]);
    expect(result.eligible).toEqual([2, 3]);
  });

  test('blocked by an unfinished item that is not in the night', () => {
    const result = reasons([item(7, { slug: 'csv-parser', status: 'failed' }), item(8, { dependsOn: [7] }), item(9, { status: 'dropped' }), item(10, { dependsOn: [9] })]);
    expect(result.ineligible[8]).toBe('blocked by 007-csv-parser (status: failed), which is not done and not in this night');
    expect(result.ineligible[10]).toBe(`blocked by 009-item-9 (status: dropped), which is not done and not in this night`);
  });

  test('blocked by a ready item that is itself ineligible names its reason', () => {
    const result = reasons([item(4, { slug: 'big', type: 'epic' }), item(5, { dependsOn: [4] })]);
    expect(result.ineligible[5]).toBe('blocked by 004-big, which is not done and not in this night (004-big: epic: split it into items)');
  });

  test('transitively: a chain of blocked items names the root of the chain', () => {
    const result = reasons([item(1, { slug: 'root', status: 'draft' }), item(2, { slug: 'mid', dependsOn: [1] }), item(3, { dependsOn: [2] }), item(4, { dependsOn: [3] })]);
    expect(result.eligible).toEqual([]);
    expect(result.ineligible[2]).toBe('blocked by 001-root (status: draft), which is not done and not in this night');
    expect(result.ineligible[3]).toBe('blocked by 002-mid, which is not done and not in this night (it waits for 001-root, status: draft)');
    expect(result.ineligible[4]).toBe('blocked by 003-item-3, which is not done and not in this night (it waits for 001-root, status: draft)');
  });

  test('one reason per item; own problems come before dependencies', () => {
    const result = reasons([item(1, { status: 'draft' }), item(2, { dependsOn: [1], acceptanceCriteria: [] })]);
    expect(result.ineligible[2]).toBe(REASONS.noAcceptanceCriteria);
  });

  test('eligible items come in dependency order', () => {
    expect(reasons([item(3, { dependsOn: [5] }), item(5), item(1)]).eligible).toEqual([1, 5, 3]);
  });
});

describe('items shipped on an open integration branch', () => {
  test('are ineligible with "shipped in <branch>, awaiting review", and their dependents wait for them', () => {
    const items = [item(1), item(2, { blockedBy: [1], dependsOn: [1] }), item(3)];
    const result = selectEligible(items, { checks: [] }, new Map([[1, 'overnight/20261121-2300-abcd']]));
    expect(result.eligible.map((i) => i.id)).toEqual([3]);
    expect(Object.fromEntries(result.ineligible.map(({ item: i, reason }) => [i.id, [reason.kind, reason.text]]))).toEqual({
      1: ['shipped', 'shipped in overnight/20261121-2300-abcd, awaiting review'],
      2: ['blocked', 'blocked by 001-item-1, which is not done and not in this night (001-item-1: shipped in overnight/20261121-2300-abcd, awaiting review)'],
    });
    expect(REASONS.shipped('overnight/x')).toBe('shipped in overnight/x, awaiting review');
  });
});
