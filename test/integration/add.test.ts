/** `overnight add` through the built CLI in a real git repository. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoSnapshot, runCli } from '../support/cli.js';
import { backlogItem, makeRepo, tempRepos } from '../support/repo.js';

const repo = tempRepos();

describe('overnight add', () => {
  test('creates the backlog folder and 001-slug.md, prints the path; the item is valid and a draft', () => {
    const r = repo();
    const result = runCli(r.root, ['add', 'Add CSV export to the report page']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('backlog/001-add-csv-export-to-the-report-page.md\n');
    expect(result.stderr).toBe('Created backlog/001-add-csv-export-to-the-report-page.md (status: draft). Fill in its Goal and Acceptance criteria, then set status: ready.\n');
    const text = readFileSync(join(r.root, 'backlog/001-add-csv-export-to-the-report-page.md'), 'utf8');
    expect(text).toBe(`---
title: Add CSV export to the report page
status: draft
type: feature
priority: medium
# verify: npm test        # success condition (else the project checks)
---
## Goal

<!-- What should be true when this is done, and why. -->

## Acceptance criteria

<!-- One bullet per observable, checkable outcome, e.g. "- Exporting a report gives a .csv file". -->
`);
    const plan = runCli(r.root, ['prepare']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('- **001-add-csv-export-to-the-report-page** (Add CSV export to the report page): status is draft (only ready items run)');
  });

  test('next id after the highest, with type, priority and dependencies; json envelope', () => {
    const r = repo({
      'backlog/001-csv-parser.md': backlogItem({ title: 'CSV parser' }),
      'backlog/007-setup.md': backlogItem({ title: 'Setup', status: 'done' }),
    });
    const result = runCli(r.root, ['add', 'Fix the export: quotes', '--type', 'bug', '--priority', 'high', '--blocked-by', 'csv-parser,7', '--format', 'json']);
    expect(result.code).toBe(0);
    const envelope = JSON.parse(result.stdout);
    expect(envelope).toEqual({
      ok: true,
      command: 'add',
      data: {
        id: 8,
        slug: 'fix-the-export-quotes',
        file: 'backlog/008-fix-the-export-quotes.md',
        path: join(r.root, 'backlog/008-fix-the-export-quotes.md'),
        title: 'Fix the export: quotes',
        type: 'bug',
        priority: 'high',
        status: 'draft',
        blockedBy: ['csv-parser', 7],
      },
    });
    const text = readFileSync(envelope.data.path, 'utf8');
    expect(text).toContain('title: "Fix the export: quotes"\nstatus: draft\ntype: bug\npriority: high\nblocked_by: [csv-parser, 7]\n');
    const json = JSON.parse(runCli(r.root, ['prepare', '--format', 'json']).stdout);
    expect(json.ok).toBe(true);
  });

  test('honours backlog_dir from the config', () => {
    const r = repo({ 'overnight.config.yaml': 'backlog_dir: docs/backlog\n' });
    const result = runCli(r.root, ['add', 'Write docs']);
    expect(result.stdout).toBe('docs/backlog/001-write-docs.md\n');
  });

  test('an invalid config stops it before anything is written', () => {
    const r = repo({ 'overnight.config.yaml': 'backlogdir: x\n' });
    const before = repoSnapshot(r.root);
    const result = runCli(r.root, ['add', 'Anything']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "overnight: overnight.config.yaml:1: unknown key 'backlogdir' — did you mean 'backlog_dir'? [field: backlogdir]\n  Fix: Rename 'backlogdir' to 'backlog_dir'.\n",
    );
    expect(repoSnapshot(r.root)).toEqual(before);
  });
});

describe('overnight add without quotes', () => {
  test('the words of an unquoted title are joined', () => {
    const r = makeRepo();
    try {
      const result = runCli(r.root, ['add', 'Fix', 'the', 'login', 'bug', '--type', 'bug']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('backlog/001-fix-the-login-bug.md\n');
      expect(readFileSync(join(r.root, 'backlog/001-fix-the-login-bug.md'), 'utf8')).toContain('title: Fix the login bug\nstatus: draft\ntype: bug\n');
    } finally {
      r.remove();
    }
  });
});
