import { describe, expect, test } from 'vitest';
import { applyApproval, needsApproval } from '../../../src/plan/approval.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { parseConfigText } from '../../../src/config/load.js';
import { OvernightErrors, OvernightError } from '../../../src/util/errors.js';
import { item } from '../backlog/fixtures.js';

const approval = defaultConfig().approval;
const items = [
  item(1, { slug: 'login', type: 'feature' }),
  item(2, { slug: 'login-docs', type: 'docs', dependsOn: [1] }),
  item(3, { slug: 'typo', type: 'bug' }),
  item(4, { slug: 'export', type: 'feature' }),
];

describe('approval categories', () => {
  test('defaults: features need a yes; bug, test, docs, refactor and chore do not', () => {
    expect(approval).toEqual({ auto: ['bug', 'test', 'docs', 'refactor', 'chore'], ask: ['feature'] });
    expect(needsApproval('feature', approval)).toBe(true);
    for (const t of ['bug', 'test', 'docs', 'refactor', 'chore']) expect(needsApproval(t, approval)).toBe(false);
  });

  test('before any answer every item stays (the plan only marks them)', () => {
    expect(applyApproval(items, undefined, approval)).toEqual({ selected: items, notApproved: [] });
  });

  test('an unapproved ask item is left out with its dependents, and nothing else changes', () => {
    const out = applyApproval(items, new Set([4]), approval);
    expect(out.selected.map((i) => i.slug)).toEqual(['typo', 'export']);
    expect(out.notApproved.map((n) => [n.item.slug, n.reason])).toEqual([
      ['login', 'not approved: a feature item needs an explicit yes (approval.ask); run it with `overnight launch --approve 1`'],
      ['login-docs', 'waits for 001-login, which is not approved'],
    ]);
  });

  test('a type listed in neither list needs a yes; one in both is a config error naming approval.ask', () => {
    const config = parseConfigText('approval:\n  auto: [bug]\n  ask: [feature]\n');
    expect(needsApproval('chore', config.approval)).toBe(true);
    let error: unknown;
    try {
      parseConfigText('approval:\n  auto: [feature, bug]\n  ask: [feature]\n');
    } catch (e) {
      error = e;
    }
    const all = error instanceof OvernightErrors ? error.errors : [error as OvernightError];
    expect(all.map((e) => e.message).join('\n')).toMatch(/approval\.ask|type 'feature' is in both approval\.auto and approval\.ask/);
  });
});
