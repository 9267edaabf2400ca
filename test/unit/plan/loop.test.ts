import { describe, expect, it } from 'vitest';
import { planLoopItems, type LoopPlanInput } from '../../../src/plan/loop.js';
import { configSchema } from '../../../src/config/schema.js';
import { item } from '../backlog/fixtures.js';

const config = configSchema.parse({ agent: { estimate: '20m', timeout: '40m' } });

function input(fields: Partial<LoopPlanInput>): LoopPlanInput {
  return { tip: [], atLaunch: [], session: [{ id: 1, slug: 'item-1', round: 1 }], approve: [], config, ...fields };
}

describe('planLoopItems (loop mode: which items committed after launch join the night)', () => {
  it('adds a new ready item of an approval.auto type, as the manifest entry the runner runs', () => {
    const plan = planLoopItems(input({ tip: [item(1), item(2, { type: 'chore', maxTurns: 7 })], atLaunch: [item(1)] }));
    expect(plan.skip).toEqual([]);
    expect(plan.add).toHaveLength(1);
    expect(plan.add[0]).toMatchObject({ id: 2, slug: 'item-2', type: 'chore', maxTurns: 7, budgetUsd: 5, timeoutMs: 40 * 60_000, estimateMs: 20 * 60_000, round: 1, dependsOn: [], file: 'backlog/002-item-2.md' });
  });

  it('never adds an item already in the session (by id or by slug), and never twice', () => {
    const tip = [item(1, { type: 'chore' }), item(2, { type: 'chore' }), item(3, { type: 'chore', slug: 'item-9' })];
    const plan = planLoopItems(input({ tip, session: [{ id: 1, slug: 'item-1', round: 1 }, { id: 2, slug: 'item-2', round: 2 }, { id: 9, slug: 'item-9', round: 1 }] }));
    expect(plan.add).toEqual([]);
    expect(plan.skip).toEqual([]);
  });

  it('leaves alone items that were ready at launch (a choice made then: --exclude, --only, no approval)', () => {
    const plan = planLoopItems(input({ tip: [item(1), item(4, { type: 'chore' })], atLaunch: [item(1), item(4, { type: 'chore' })] }));
    expect(plan.add).toEqual([]);
    expect(plan.skip).toEqual([]);
  });

  it('picks up a draft of the launch commit that was made ready since', () => {
    const plan = planLoopItems(input({ tip: [item(4, { type: 'docs' })], atLaunch: [item(4, { type: 'docs', status: 'draft' })] }));
    expect(plan.add.map((i) => i.id)).toEqual([4]);
  });

  it('applies the plan eligibility rules, with their reasons', () => {
    const tip = [item(2, { type: 'chore', acceptanceCriteria: [] }), item(3, { type: 'chore', status: 'draft' }), item(5, { type: 'epic' })];
    const plan = planLoopItems(input({ tip }));
    expect(plan.add).toEqual([]);
    // A draft did not "become ready": it is no candidate at all.
    expect(plan.skip.map((s) => [s.item.id, s.reason])).toEqual([
      [2, expect.stringMatching(/^no acceptance criteria/)],
      [5, 'epic: split it into items'],
    ]);
  });

  it('an item depending on an item of the session runs after it; one depending on neither done nor session work is skipped', () => {
    const tip = [item(1), item(2, { type: 'bug', dependsOn: [1] }), item(3, { type: 'bug', dependsOn: [6] }), item(6, { type: 'bug', status: 'draft' }), item(7, { type: 'bug', dependsOn: [8] }), item(8, { type: 'bug', status: 'done' })];
    const plan = planLoopItems(input({ tip, session: [{ id: 1, slug: 'item-1', round: 2 }] }));
    expect(plan.add.map((i) => [i.slug, i.dependsOn, i.round])).toEqual([
      ['item-2', ['item-1'], 3],
      ['item-7', [], 1],
    ]);
    expect(plan.skip.map((s) => [s.item.id, s.reason])).toEqual([[3, 'blocked by 006-item-6 (status: draft), which is not done and not in this night']]);
  });

  it('items added in the same poll may depend on each other', () => {
    const tip = [item(2, { type: 'chore' }), item(3, { type: 'chore', dependsOn: [2] })];
    const plan = planLoopItems(input({ tip }));
    expect(plan.add.map((i) => [i.slug, i.dependsOn])).toEqual([
      ['item-2', []],
      ['item-3', ['item-2']],
    ]);
  });

  it('an approval.ask item runs only when named by --approve (id or slug); its dependents wait with it', () => {
    const tip = [item(2), item(3, { slug: 'csv' }), item(4, { type: 'bug', dependsOn: [2] })];
    const plan = planLoopItems(input({ tip, approve: ['csv', '99'] }));
    expect(plan.add.map((i) => i.slug)).toEqual(['csv']);
    expect(plan.skip.map((s) => [s.item.id, s.reason])).toEqual([
      [2, expect.stringMatching(/^not approved: a feature item needs an explicit yes \(approval\.ask\); .*--loop --approve 2/)],
      [4, 'waits for 002-item-2, which loop mode did not add'],
    ]);
  });

  it('an item shipped on an integration branch awaiting review is not added', () => {
    const plan = planLoopItems(input({ tip: [item(2, { type: 'chore' })], shipped: new Map([[2, 'overnight/x']]) }));
    expect(plan.add).toEqual([]);
    expect(plan.skip[0]!.reason).toBe('shipped in overnight/x, awaiting review');
  });
});
