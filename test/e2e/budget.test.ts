/**
 * A budget for the night, end to end (issue 9, item 8): the built CLI, the real Claude Code CLI
 * and its hooks, real git, scripted agents. `budget_usd` is set between one and two items' cost
 * (Claude Code prices the stand-in's token counts; one simple item costs about COST_USD), so the
 * first item runs and ships, and then no new item starts: the cost so far plus the expected cost
 * of the next one (what tonight's attempts cost on average) would pass the budget.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { simpleItemScript } from '../../src/demo/scripts.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { doneFileItem, launch, makeNightRepo, startNight, nightEnv, nightFixture, overnight, type NightRepo, type SessionSnapshot } from '../support/night.js';

/** What one simple item's attempt costs against the stand-in (measured; Claude Code's own pricing of its token counts). */
const COST_USD = Number(process.env.OVERNIGHT_TEST_ITEM_COST ?? '0.06');
/** The night's budget, also each attempt's cap: above one item's cost, below two. */
const BUDGET = Math.round(COST_USD * 1.5 * 1e4) / 1e4;

const item = doneFileItem;
const ITEMS = [item(1, 'first'), item(2, 'second'), item(3, 'third')];

describe('a budget for the night (budget_usd)', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let id: string;
  let s: SessionSnapshot;
  let env: Record<string, string>;
  let output = '';

  beforeAll(async () => {
    model = fixture.model = await startStandinModel({ scripts: ITEMS.map((i) => simpleItemScript(i.slug)) });
    repo = fixture.repo = await makeNightRepo({ items: ITEMS, concurrency: 1, retries: 0, checks: [], extraConfig: [`budget_usd: ${BUDGET}`], agentBudgetUsd: BUDGET });
    env = nightEnv(model.url);
    id = await launch(repo.root, env);
    ({ output, s } = await startNight(repo.root, env, id, 200_000));
  }, 240_000);

  it('runs the first item, then starts no item whose expected cost would pass the budget', () => {
    const first = s.state.items.first!;
    expect(first.status, output).toBe('merged');
    const spent = first.attempts.reduce((n, a) => n + a.costUsd, 0);
    // The measured cost is where the test expects it: one item fits, two do not.
    expect(spent, `one item cost ${spent}; set OVERNIGHT_TEST_ITEM_COST`).toBeGreaterThan(BUDGET / 2);
    expect(spent).toBeLessThanOrEqual(BUDGET);
    for (const slug of ['second', 'third']) {
      expect(s.state.items[slug]!.status, output).toBe('deferred');
      expect(s.state.items[slug]!.reason).toMatch(/^not started: the night's budget \(\$[\d.]+\) would be passed: \$[\d.]+ spent so far/);
      expect(model.requestsFor(demoMarker(slug))).toHaveLength(0);
    }
    expect(s.events.filter((e) => e.type === 'item_started').map((e) => e.slug)).toEqual(['first']);
  });

  it('the morning report says the budget stopped the night', async () => {
    expect(s.report!.budget).toMatchObject({ limitUsd: BUDGET, stopped: ['second', 'third'] });
    expect(s.report!.budget!.spentUsd).toBeCloseTo(s.report!.summary.costUsd, 6);
    const report = await overnight(repo.root, env, ['report']);
    expect(report.stdout).toContain("The night's budget stopped the night");
    expect(report.stdout).toMatch(/Night budget: \$[\d.]+ spent of \$[\d.]+/);
  });

  it('`status` shows the spend against the budget', async () => {
    const status = await overnight(repo.root, env, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Cost so far \$[\d.]+ of the \$[\d.]+ night budget/);
    const json = await overnight(repo.root, env, ['status', '--format', 'json']);
    const view = JSON.parse(json.stdout).data.session;
    expect(view.budgetUsd).toBe(BUDGET);
    expect(view.costUsd).toBeLessThanOrEqual(BUDGET);
  });
});
