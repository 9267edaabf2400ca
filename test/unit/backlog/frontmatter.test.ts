import { describe, expect, test } from 'vitest';
import { parseItemText } from '../../../src/backlog/frontmatter.js';

const FILE = 'backlog/012-csv-export.md';
const NAME = { id: 12, slug: 'csv-export' };
const BODY = '## Goal\nExport.\n\n## Acceptance criteria\n- a .csv file\n';

function parse(frontmatter: string, body = BODY) {
  return parseItemText(`---\n${frontmatter}---\n${body}`, FILE, NAME);
}

function errorsOf(frontmatter: string) {
  const result = parse(frontmatter);
  if (result.ok) throw new Error('expected errors');
  return result.errors.map((e) => ({ code: e.code, text: e.format(), line: e.line, field: e.field }));
}

describe('backlog frontmatter', () => {
  test('every field is read into the item', () => {
    const result = parse(
      'title: Add CSV export\nstatus: ready\ntype: bug\npriority: high\nblocked_by: [7, csv-parser]\nverify: npm test -- csv\nmax_turns: 40\nbudget_usd: 2.5\ntimeout: 45m\n',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.item).toMatchObject({
      id: 12,
      slug: 'csv-export',
      file: FILE,
      title: 'Add CSV export',
      status: 'ready',
      type: 'bug',
      priority: 'high',
      blockedBy: [7, 'csv-parser'],
      dependsOn: [],
      verify: ['npm test -- csv'],
      maxTurns: 40,
      budgetUsd: 2.5,
      timeoutMs: 45 * 60_000,
      body: BODY,
      acceptanceCriteria: ['a .csv file'],
    });
    expect(result.blockedByLine).toBe(6);
  });

  test('defaults: status draft, type feature, priority medium, no dependencies, no verify, no limits', () => {
    const result = parse('title: Minimal\n');
    expect(result.ok && result.item).toMatchObject({ status: 'draft', type: 'feature', priority: 'medium', blockedBy: [], verify: [] });
    if (!result.ok) return;
    expect(result.item.maxTurns).toBeUndefined();
    expect(result.item.budgetUsd).toBeUndefined();
    expect(result.item.timeoutMs).toBeUndefined();
  });

  test('a single blocked_by value and a list of verify commands; empty values count as unset', () => {
    const one = parse('title: T\nblocked_by: csv-parser\nverify: [npm test, npm run lint]\n');
    expect(one.ok && one.item.blockedBy).toEqual(['csv-parser']);
    expect(one.ok && one.item.verify).toEqual(['npm test', 'npm run lint']);
    const empty = parse('title: T\nblocked_by:\nverify:\nmax_turns:\n');
    expect(empty.ok && empty.item.blockedBy).toEqual([]);
    expect(empty.ok && empty.item.verify).toEqual([]);
  });

  test('CRLF line endings and a byte order mark are fine', () => {
    const result = parseItemText('\uFEFF---\r\ntitle: T\r\nstatus: ready\r\n---\r\n## Acceptance criteria\r\n- x\r\n', FILE, NAME);
    expect(result.ok && result.item.status).toBe('ready');
    expect(result.ok && result.item.acceptanceCriteria).toEqual(['x']);
  });

  test('unknown key: error with the line and the closest valid key', () => {
    expect(errorsOf('title: T\nblockedby: [1]\n')).toEqual([
      {
        code: 'backlog.unknown-key',
        line: 3,
        field: 'blockedby',
        text: "backlog/012-csv-export.md:3: unknown key 'blockedby' — did you mean 'blocked_by'? [field: blockedby]\n  Fix: Rename 'blockedby' to 'blocked_by'.",
      },
    ]);
  });

  test('unknown key far from every valid key lists the valid keys', () => {
    const [error] = errorsOf('title: T\nassignee: bob\n');
    expect(error?.text).toBe(
      "backlog/012-csv-export.md:3: unknown key 'assignee' [field: assignee]\n  Fix: Remove 'assignee'; valid keys are: title, status, type, priority, blocked_by, verify, max_turns, budget_usd, timeout.",
    );
  });

  test('missing title', () => {
    expect(errorsOf('status: ready\n')).toEqual([
      {
        code: 'backlog.missing-key',
        line: undefined,
        field: 'title',
        text: "backlog/012-csv-export.md: missing required key 'title' [field: title]\n  Fix: Add a line 'title: <what this item does>' to the frontmatter.",
      },
    ]);
    expect(errorsOf('title: "  "\n')[0]?.text).toContain("'title' must not be empty");
  });

  test('bad status value, with the closest valid status', () => {
    expect(errorsOf('title: T\nstatus: redy\n')[0]?.text).toBe(
      "backlog/012-csv-export.md:3: 'status' is the text 'redy', which is not one of: draft, ready, in-progress, done, failed, blocked, dropped — did you mean 'ready'? [field: status]\n  Fix: Change it to 'ready'.",
    );
  });

  test('bad types and values of the other fields', () => {
    const errors = errorsOf('title: T\ntype: story\npriority: 1\nblocked_by: {a: 1}\nverify: 3\nmax_turns: 2.5\nbudget_usd: -1\ntimeout: 45 minutes\n');
    expect(errors.map((e) => [e.field, e.code, e.line])).toEqual([
      ['type', 'backlog.bad-value', 3],
      ['priority', 'backlog.bad-value', 4],
      ['blocked_by', 'backlog.bad-type', 5],
      ['verify', 'backlog.bad-type', 6],
      ['max_turns', 'backlog.bad-type', 7],
      ['budget_usd', 'backlog.bad-value', 8],
      ['timeout', 'backlog.bad-value', 9],
    ]);
    expect(errors[2]?.text).toContain("'blocked_by' must be a number or text or a list, not a mapping");
    expect(errors[2]?.text).toContain("Fix: Use an id or slug, or a list of them, e.g. 'blocked_by: [7, csv-parser]'.");
    expect(errors[6]?.text).toContain("'timeout' is the text '45 minutes': expected a duration such as 30s, 45m or 2h");
  });

  test('malformed YAML names the file line', () => {
    expect(errorsOf('title: Fix: the parser\nstatus: ready\n')).toEqual([
      {
        code: 'backlog.yaml',
        line: 2,
        field: undefined,
        text: 'backlog/012-csv-export.md:2: malformed YAML frontmatter: Nested mappings are not allowed in compact mappings (column 8)\n  Fix: Fix the YAML on that line; quote values that contain \': \' or start with a special character, e.g. title: "Fix: the parser".',
      },
    ]);
    expect(errorsOf('title: T\nstatus: ready\nblocked_by: [1, 2\n')[0]?.line).toBe(4);
    expect(errorsOf('title: T\ntitle: U\n')[0]?.text).toContain('Map keys must be unique');
  });

  test('no frontmatter, or frontmatter that is never closed', () => {
    const none = parseItemText('# Just a title\n', FILE, NAME);
    expect(!none.ok && none.errors[0]?.format()).toBe(
      "backlog/012-csv-export.md:1: no YAML frontmatter\n  Fix: Start the file with a '---' line, then 'title: ...' (and status, type...), then a closing '---' line.",
    );
    const open = parseItemText('---\ntitle: T\n## Goal\n', FILE, NAME);
    expect(!open.ok && open.errors[0]?.code).toBe('backlog.unclosed-frontmatter');
  });

  test('every problem of a file is reported, in line order', () => {
    const errors = errorsOf('statos: ready\ntitle: T\npriority: hihg\nfoo: 1\n');
    expect(errors.map((e) => `${e.line} ${e.code} ${e.field}`)).toEqual(['2 backlog.unknown-key statos', '4 backlog.bad-value priority', '5 backlog.unknown-key foo']);
  });
});
