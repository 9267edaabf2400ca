import { describe, expect, test } from 'vitest';
import { preparePlan } from '../../../src/plan/prepare.js';
import { renderPlanMarkdown, successCondition } from '../../../src/plan/render.js';
import { OvernightError } from '../../../src/util/errors.js';
import { backlogItem, tempRepos } from '../../support/repo.js';
import { item } from '../backlog/fixtures.js';

const repo = tempRepos();

const NOW = new Date('2026-11-21T20:00:00Z');

describe('preparePlan', () => {
  test('plans eligible items in rounds and explains the rest', async () => {
    const r = repo({
      'overnight.config.yaml': 'concurrency: 2\nchecks: [npm test]\n',
      'backlog/001-setup.md': backlogItem({ title: 'Setup', status: 'done' }),
      'backlog/002-parser.md': backlogItem({ title: 'Parser', status: 'ready', priority: 'high', blocked_by: 1 }),
      'backlog/003-export.md': backlogItem({ title: 'Export', status: 'ready', blocked_by: ['parser'], verify: 'npm test -- export', timeout: '1h' }),
      'backlog/004-idea.md': backlogItem({ title: 'Idea' }),
      'backlog/005-docs.md': backlogItem({ title: 'Docs', status: 'ready', type: 'docs', priority: 'low' }),
    });
    const { plan, config, items } = await preparePlan(r.root, { now: NOW });
    expect(config.concurrency).toBe(2);
    expect(items.map((i) => i.id)).toEqual([1, 2, 3, 4, 5]);
    expect(plan.baseBranch).toBe('main');
    expect(plan.timeLimitMs).toBe(6 * 3_600_000);
    expect(plan.timeLimit).toBe('6h');
    expect(plan.rounds.map((round) => round.items.map((p) => p.item.id))).toEqual([[2, 5], [3]]);
    expect(plan.estimateMs).toBe(30 * 60_000 + 60 * 60_000);
    expect(plan.ineligible).toEqual([{ id: 4, slug: 'idea', title: 'Idea', file: 'backlog/004-idea.md', reason: 'status is draft (only ready items run)' }]);
    expect(plan.deferred).toEqual([]);
    expect(plan.excluded).toEqual([]);
    expect(plan.notCandidates).toEqual({ done: 1, dropped: 0 });
    expect(plan.markdown).toBe(`# Overnight session plan

- Base branch: \`main\`
- Time limit: 6h
- Estimate: 1h 30m of 6h (3 items in 2 rounds, up to 2 at once)
- Prepared: 2026-11-21T20:00:00.000Z

## Round 1 (estimate 30m)

| Id | Slug | Title | Type | Priority | Estimate | Success condition |
| --- | --- | --- | --- | --- | --- | --- |
| 002 | parser | Parser (after 001) | feature | high | 30m | project checks: \`npm test\` |
| 005 | docs | Docs | docs | low | 30m | project checks: \`npm test\` |

## Round 2 (estimate 1h)

| Id | Slug | Title | Type | Priority | Estimate | Success condition |
| --- | --- | --- | --- | --- | --- | --- |
| 003 | export | Export (after 002) | feature | medium | 1h | \`npm test -- export\` |

## Needs your yes

These items are of a type that needs an explicit yes (\`approval.ask\`); Approve covers the others. An item without a yes is not run, and nothing else changes.

- 002 parser: Parser (feature)
- 003 export: Export (feature)

From a shell: \`overnight launch --approve 2,3\` (name only the ones you approve).

## Not in this night

### Ineligible

- **004-idea** (Idea): status is draft (only ready items run)

Not candidates: 1 done, 0 dropped.
`);
  });

  test('options override the config: time limit, concurrency, only, exclude', async () => {
    const r = repo({
      'backlog/001-a.md': backlogItem({ title: 'A', status: 'ready', verify: 'true' }),
      'backlog/002-b.md': backlogItem({ title: 'B', status: 'ready', verify: 'true' }),
      'backlog/003-c.md': backlogItem({ title: 'C', status: 'ready', verify: 'true' }),
    });
    const { plan } = await preparePlan(r.root, { timeLimit: '45m', concurrency: 1, exclude: ['c'], now: NOW });
    expect(plan.concurrency).toBe(1);
    expect(plan.rounds.map((round) => round.items.map((p) => p.item.id))).toEqual([[1]]);
    expect(plan.deferred.map((d) => d.id)).toEqual([2]);
    expect(plan.excluded.map((d) => [d.id, d.reason])).toEqual([[3, 'left out by --exclude']]);
    expect(plan.markdown).toContain('### Deferred to another night\n\n- **002-b** (B): does not fit in the 45m time limit (estimate 30m, 15m left after round 1): deferred to another night');
    expect(plan.markdown).toContain('### Left out by --only / --exclude\n\n- **003-c** (C): left out by --exclude');
    const only = await preparePlan(r.root, { only: ['2'], now: NOW });
    expect(only.plan.rounds.flatMap((round) => round.items.map((p) => p.item.id))).toEqual([2]);
  });

  test('bad input is an OvernightError before anything else', async () => {
    const r = repo({ 'backlog/001-a.md': backlogItem({ title: 'A' }) });
    await expect(preparePlan(r.root, { timeLimit: '6 hours' })).rejects.toMatchObject({ code: 'cli.time-limit', exitCode: 2, message: "invalid time limit '6 hours'" });
    await expect(preparePlan(r.root, { concurrency: 0 })).rejects.toMatchObject({ code: 'cli.concurrency' });
    await expect(preparePlan(r.root, { only: ['zzz'] })).rejects.toMatchObject({ code: 'cli.unknown-item' });
    const empty = repo({});
    await expect(preparePlan(empty.root)).rejects.toMatchObject({ code: 'backlog.missing', message: "there is no backlog folder 'backlog/'" });
  });

  test('base branch: the checked-out branch, or config base_branch when it exists', async () => {
    const r = repo({ 'backlog/001-a.md': backlogItem({ title: 'A' }) });
    r.git('switch', '-q', '-c', 'feature/x');
    expect((await preparePlan(r.root)).plan.baseBranch).toBe('feature/x');
    r.write({ 'overnight.config.yaml': 'base_branch: main\n' });
    expect((await preparePlan(r.root)).plan.baseBranch).toBe('main');
    r.write({ 'overnight.config.yaml': 'base_branch: develop\n' });
    const error = await preparePlan(r.root).catch((e: OvernightError) => e);
    expect((error as OvernightError).format()).toBe(
      "overnight.config.yaml: base_branch 'develop' is not a branch or commit in this repository [field: base_branch]\n  Fix: Set base_branch to an existing branch (see `git branch`), or remove it to start from the checked-out branch.",
    );
    r.write({ 'overnight.config.yaml': '' });
    r.git('checkout', '-q', '--detach');
    await expect(preparePlan(r.root)).rejects.toMatchObject({ code: 'git.detached-head' });
  });

  test('an empty night still renders', async () => {
    const r = repo({ 'backlog/001-a.md': backlogItem({ title: 'A', status: 'done' }) });
    const { plan } = await preparePlan(r.root, { now: NOW });
    expect(plan.rounds).toEqual([]);
    expect(plan.markdown).toContain('- Estimate: nothing to run');
    expect(plan.markdown).toContain('No backlog item can run tonight.');
    expect(plan.markdown).toContain('Every candidate item is in the plan.');
  });
});

describe('plan rendering', () => {
  test('success condition: verify commands, else project checks', () => {
    expect(successCondition(item(1, { verify: ['npm test', 'echo `x`'] }), [])).toBe('`npm test`; `` echo `x` ``');
    expect(successCondition(item(1, { verify: [] }), ['make check'])).toBe('project checks: `make check`');
  });

  test('pipes in titles and commands do not break the table', () => {
    const markdown = renderPlanMarkdown(
      {
        generatedAt: NOW.toISOString(),
        baseBranch: 'main',
        timeLimitMs: 3_600_000,
        concurrency: 1,
        rounds: [{ index: 1, estimateMs: 60_000, items: [{ item: item(1, { title: 'A | B', verify: ['a | b'] }), estimateMs: 60_000, round: 1 }] }],
        excluded: [],
        ineligible: [],
        deferred: [],
        estimateMs: 60_000,
      },
      [],
    );
    expect(markdown).toContain('| 001 | item-1 | A \\| B | feature | medium | 1m | `a \\| b` |');
    expect(markdown).toContain('- Time limit: 1h');
  });
});
