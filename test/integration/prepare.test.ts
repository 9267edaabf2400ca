/**
 * `overnight prepare` through the built CLI on a sample backlog in a real git repository: the plan
 * in text and JSON, --only/--exclude/--time-limit, and proof that it writes nothing.
 */
import { describe, expect, test } from 'vitest';
import { repoSnapshot, runCli } from '../support/cli.js';
import { backlogItem, tempRepos, type TestRepo } from '../support/repo.js';

const tempRepo = tempRepos();

/** Eight items: done, ready, ready with an in-night dependency, epic, draft, failed, blocked by failed, no criteria. */
function sampleRepo(): TestRepo {
  const repo = tempRepo({
    'overnight.config.yaml': 'concurrency: 2\nchecks:\n  - npm test\nagent:\n  estimate: 40m\n',
    'backlog/README.md': '# Backlog\nOne file per item.\n',
    'backlog/001-project-setup.md': backlogItem({ title: 'Project setup', status: 'done' }),
    'backlog/002-csv-parser.md': backlogItem({ title: 'CSV parser', status: 'ready', priority: 'high', blocked_by: 1, verify: 'npm test -- parser' }),
    'backlog/003-csv-export.md': backlogItem({ title: 'CSV export', status: 'ready', blocked_by: ['csv-parser'], timeout: '1h' }),
    'backlog/004-reporting-epic.md': backlogItem({ title: 'Reporting', status: 'ready', type: 'epic' }),
    'backlog/005-dark-mode.md': backlogItem({ title: 'Dark mode' }),
    'backlog/006-pdf-export.md': backlogItem({ title: 'PDF export', status: 'failed' }),
    'backlog/007-pdf-preview.md': backlogItem({ title: 'PDF preview', status: 'ready', blocked_by: 'pdf-export' }),
    'backlog/008-typo-fixes.md': backlogItem({ title: 'Typo fixes', status: 'ready', type: 'docs', priority: 'low' }, '## Goal\nFix typos.\n'),
    'backlog/009-readme.md': backlogItem({ title: 'README badges', status: 'ready', type: 'docs', priority: 'low', verify: ['test -f README.md'] }),
  });
  return repo;
}

describe('overnight prepare', () => {
  test('text: the plan as markdown, and nothing written', () => {
    const repo = sampleRepo();
    repo.write({ 'notes.txt': 'uncommitted work stays as it is\n' });
    const before = repoSnapshot(repo.root);
    const result = runCli(repo.root, ['prepare']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const text = result.stdout.replace(/- Prepared: .*\n/, '- Prepared: <time>\n');
    expect(text).toBe(`# Overnight session plan

- Base branch: \`main\`
- Time limit: 6h
- Estimate: 1h 40m of 6h (3 items in 2 rounds, up to 2 at once)
- Prepared: <time>

## Round 1 (estimate 40m)

| Id | Slug | Title | Type | Priority | Estimate | Success condition |
| --- | --- | --- | --- | --- | --- | --- |
| 002 | csv-parser | CSV parser (after 001) | feature | high | 40m | \`npm test -- parser\` |
| 009 | readme | README badges | docs | low | 40m | \`test -f README.md\` |

## Round 2 (estimate 1h)

| Id | Slug | Title | Type | Priority | Estimate | Success condition |
| --- | --- | --- | --- | --- | --- | --- |
| 003 | csv-export | CSV export (after 002) | feature | medium | 1h | project checks: \`npm test\` |

## Needs your yes

These items are of a type that needs an explicit yes (\`approval.ask\`); Approve covers the others. An item without a yes is not run, and nothing else changes.

- 002 csv-parser: CSV parser (feature)
- 003 csv-export: CSV export (feature)

From a shell: \`overnight launch --approve 2,3\` (name only the ones you approve).

## Not in this night

### Ineligible

- **004-reporting-epic** (Reporting): epic: split it into items
- **005-dark-mode** (Dark mode): status is draft (only ready items run)
- **006-pdf-export** (PDF export): status is failed (only ready items run)
- **007-pdf-preview** (PDF preview): blocked by 006-pdf-export (status: failed), which is not done and not in this night
- **008-typo-fixes** (Typo fixes): no acceptance criteria: add a '## Acceptance criteria' section with at least one '- ' bullet

Not candidates: 1 done, 0 dropped.
`);
    expect(repoSnapshot(repo.root)).toEqual(before);
  });

  test('json: one envelope with the plan and its markdown', () => {
    const repo = sampleRepo();
    const before = repoSnapshot(repo.root);
    const result = runCli(repo.root, ['prepare', '--format', 'json', '--time-limit', '90m', '--exclude', 'readme']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const envelope = JSON.parse(lines[0]!);
    expect(envelope).toMatchObject({ ok: true, command: 'prepare' });
    const plan = envelope.data;
    expect(plan.baseBranch).toBe('main');
    expect(plan.timeLimit).toBe('90m');
    expect(plan.timeLimitMs).toBe(90 * 60_000);
    expect(plan.concurrency).toBe(2);
    expect(plan.rounds.map((r: { items: Array<{ item: { id: number } }> }) => r.items.map((p) => p.item.id))).toEqual([[2]]);
    expect(plan.rounds[0].items[0].item).toMatchObject({ slug: 'csv-parser', verify: ['npm test -- parser'], dependsOn: [1], acceptanceCriteria: ['It is done.'] });
    expect(plan.deferred).toEqual([
      { id: 3, slug: 'csv-export', title: 'CSV export', file: 'backlog/003-csv-export.md', reason: 'does not fit in the 1h 30m time limit (estimate 1h, 50m left after round 1): deferred to another night' },
    ]);
    expect(plan.excluded).toEqual([{ id: 9, slug: 'readme', title: 'README badges', file: 'backlog/009-readme.md', reason: 'left out by --exclude' }]);
    expect(plan.ineligible.map((i: { id: number }) => i.id)).toEqual([4, 5, 6, 7, 8]);
    expect(plan.notCandidates).toEqual({ done: 1, dropped: 0 });
    expect(plan.estimateMs).toBe(40 * 60_000);
    expect(plan.markdown).toContain('## Round 1 (estimate 40m)');
    expect(plan.markdown).toContain('### Deferred to another night');
    expect(plan.markdown).toContain('### Left out by --only / --exclude');
    expect(repoSnapshot(repo.root)).toEqual(before);
  });

  test('--only with a dependency left out explains what to add', () => {
    const repo = sampleRepo();
    const result = runCli(repo.root, ['prepare', '--only', '3,009-readme', '--concurrency', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| 009 | readme | README badges |');
    expect(result.stdout).toContain('- **002-csv-parser** (CSV parser): not selected by --only');
    expect(result.stdout).toContain(
      '- **003-csv-export** (CSV export): blocked by 002-csv-parser, which is not done and not in this night (002-csv-parser is not selected by --only; add 2 to --only)',
    );
    expect(result.stdout).toContain('up to 1 at once');
  });

  test('runs from a subfolder of the repository', () => {
    const repo = sampleRepo();
    const result = runCli(`${repo.root}/backlog`, ['prepare']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('## Round 1');
  });

  test('outside a git repository: an error, exit 1', () => {
    const result = runCli('/', ['prepare']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Not inside a git repository');
  });
});
