import { describe, expect, it } from 'vitest';
import { conflictingItems, conflictReason, conflictReruns, decideConflict, giveUpReason, itemOfMergeSubject, keptWorkRef, parseMergeLog } from '../../../src/runner/conflict.js';
import { conflictLine, conflictLines } from '../../../src/report/conflict-text.js';
import type { AttemptRecord } from '../../../src/session/state.js';
import { mItem } from './helpers.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const items = [mItem('north', { id: 1, title: 'Note north' }), mItem('south', { id: 2 }), mItem('east', { id: 12, title: 'East: with a colon' })];

describe('parseMergeLog', () => {
  it("reads git log's records (commit, subject, files changed against the first parent), oldest first", () => {
    const out = `\x1e${A} overnight: merge 001-north: Note north\n\nCHANGELOG.md\nbacklog/001-north.md\n\x1e${B} a commit without files\n\x1e${C} overnight: merge 012-east: East: with a colon\n\nsrc/e.ts\n`;
    expect(parseMergeLog(out)).toEqual([
      { commit: A, subject: 'overnight: merge 001-north: Note north', files: ['CHANGELOG.md', 'backlog/001-north.md'] },
      { commit: B, subject: 'a commit without files', files: [] },
      { commit: C, subject: 'overnight: merge 012-east: East: with a colon', files: ['src/e.ts'] },
    ]);
    expect(parseMergeLog('')).toEqual([]);
  });
});

describe('itemOfMergeSubject', () => {
  it("finds the item of the runner's merge message by id and slug, and nothing for other commits", () => {
    expect(itemOfMergeSubject('overnight: merge 001-north: Note north', items)?.slug).toBe('north');
    expect(itemOfMergeSubject('overnight: merge 012-east: East: with a colon', items)?.slug).toBe('east');
    expect(itemOfMergeSubject('overnight: merge 002-north: wrong id', items)).toBeUndefined();
    expect(itemOfMergeSubject('Merge branch x', items)).toBeUndefined();
  });
});

describe('conflictingItems', () => {
  const log = [
    { commit: A, subject: 'overnight: merge 001-north: Note north', files: ['CHANGELOG.md', 'backlog/001-north.md'] },
    { commit: B, subject: 'overnight: merge 002-south: Item south', files: ['src/s.ts'] },
    { commit: C, subject: 'overnight: merge 012-east: East', files: ['src/s.ts', 'CHANGELOG.md'] },
  ];
  it('names the merged items whose changes touch a conflicted file, oldest first', () => {
    expect(conflictingItems(log, items, ['CHANGELOG.md'])).toEqual([
      { id: 1, slug: 'north', title: 'Note north', mergeCommit: A },
      { id: 12, slug: 'east', title: 'East: with a colon', mergeCommit: C },
    ]);
    expect(conflictingItems(log, items, ['src/s.ts']).map((i) => i.slug)).toEqual(['south', 'east']);
  });
  it('falls back to every merged item when none touched the files (a rename), and ignores foreign commits', () => {
    expect(conflictingItems(log, items, ['renamed.md']).map((i) => i.slug)).toEqual(['north', 'south', 'east']);
    expect(conflictingItems([{ commit: A, subject: 'by hand', files: ['x'] }], items, ['x'])).toEqual([]);
  });
});

describe('the words of a conflict', () => {
  const facts = { files: ['CHANGELOG.md'], with: [{ id: 1, slug: 'north', title: 'Note north', mergeCommit: A }] };
  it('reason: the files and the item that merged first', () => {
    expect(conflictReason(facts)).toBe('merge conflict with the integration branch in: CHANGELOG.md (#1 north merged first and changed it)');
    expect(conflictReason({ files: ['a', 'b'], with: [] })).toBe('merge conflict with the integration branch in: a, b');
    expect(conflictReason({ files: ['a', 'b'], with: facts.with })).toMatch(/changed them\)$/);
  });
  it('give-up reason names agent.conflict_retries', () => {
    expect(giveUpReason('R', 0, 0)).toBe('R; conflict re-runs are off (agent.conflict_retries: 0)');
    expect(giveUpReason('R', 1, 1)).toBe('R; still conflicting after 1 conflict re-run (agent.conflict_retries: 1)');
    expect(giveUpReason('R', 2, 2)).toBe('R; still conflicting after 2 conflict re-runs (agent.conflict_retries: 2)');
  });
  it('report and status lines, per attempt', () => {
    const conflict = { files: ['CHANGELOG.md'], with: facts.with, integrationTip: B, tip: C, rerun: true };
    expect(conflictLine(conflict)).toBe('re-run after a conflict with #1 north (CHANGELOG.md)');
    expect(conflictLine({ ...conflict, rerun: false })).toBe('no conflict re-run left after a conflict with #1 north (CHANGELOG.md)');
    const attempts = [
      { n: 1, claudeSessionId: 'x', startedAt: 't', turns: 1, costUsd: 0, conflict },
      { n: 2, claudeSessionId: 'y', startedAt: 't', turns: 1, costUsd: 0 },
    ] as AttemptRecord[];
    expect(conflictLines(attempts)).toEqual(['attempt 1: re-run after a conflict with #1 north (CHANGELOG.md)']);
  });
  it('keeps the work under the session backup refs', () => {
    expect(keptWorkRef('20261121-2300', 'north', 2)).toBe('refs/overnight-backup/20261121-2300/conflicts/north/attempt-2');
  });
});

describe('the conflict re-run limit', () => {
  const conflict = { files: ['f'], with: [], integrationTip: A, tip: B };
  const attempt = (n: number, over: Partial<AttemptRecord>): AttemptRecord => ({ n, claudeSessionId: String(n), startedAt: 't', turns: 1, costUsd: 0, ...over });
  it('counts the re-runs of this run only; a task failure or a conflict that was not re-run is none', () => {
    const item = {
      attempts: [
        attempt(1, { run: 1, outcome: 'conflict', failureKind: 'merge', conflict: { ...conflict, rerun: true } }),
        attempt(2, { run: 1, outcome: 'failed', failureKind: 'task' }),
        attempt(3, { run: 2, outcome: 'conflict', failureKind: 'merge', conflict: { ...conflict, rerun: false } }),
      ],
    };
    expect(conflictReruns(item, 1)).toBe(1);
    expect(conflictReruns(item, 2)).toBe(0);
  });
  it('re-runs while fewer than agent.conflict_retries re-runs were made', () => {
    expect(decideConflict(0, 1)).toBe('rerun');
    expect(decideConflict(1, 1)).toBe('give-up');
    expect(decideConflict(0, 0)).toBe('give-up');
    expect(decideConflict(2, 3)).toBe('rerun');
  });
});
