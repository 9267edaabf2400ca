import { describe, expect, it } from 'vitest';
import { buildMissionBrief, STALLED_ADVICE, type BriefInput } from '../../../src/agent/brief.js';
import type { ManifestItem } from '../../../src/session/state.js';

const item: ManifestItem = {
  id: 12,
  slug: 'csv-export',
  title: 'Add CSV export to the report page',
  file: 'backlog/012-csv-export.md',
  type: 'feature',
  priority: 'high',
  dependsOn: [],
  verify: ['npm test -- csv', 'npm run lint'],
  maxTurns: 40,
  budgetUsd: 5,
  timeoutMs: 2_700_000,
  estimateMs: 1_800_000,
  round: 1,
  body: '## Goal\nUsers download the report as CSV.\n\n## Acceptance criteria\n- A "Download CSV" button exists.\n- The file has a header row.\n',
  acceptanceCriteria: ['A "Download CSV" button exists.', 'The file has a header row.'],
};

const input: BriefInput = {
  sessionId: '20261121-2300',
  item,
  branch: 'overnight/20261121-2300--csv-export',
  checks: ['npm run typecheck'],
  learnings: [],
};

describe('buildMissionBrief', () => {
  it('holds the item: title, id, type, body with acceptance criteria', () => {
    const b = buildMissionBrief(input);
    expect(b).toContain('Add CSV export to the report page');
    expect(b).toContain('Id: 12 (backlog/012-csv-export.md)');
    expect(b).toContain('Type: feature');
    expect(b).toContain('Users download the report as CSV.');
    expect(b).toContain('- The file has a header row.');
  });

  it('states the success condition verbatim: the verify commands, else the project checks', () => {
    const b = buildMissionBrief(input);
    expect(b).toContain('they must pass');
    expect(b).toContain('npm test -- csv\nnpm run lint');
    expect(b).not.toContain('npm run typecheck');
    const c = buildMissionBrief({ ...input, item: { ...item, verify: [] } });
    expect(c).toContain('npm run typecheck');
    expect(c).toContain('the project checks');
  });

  it('states the rules and the branch', () => {
    const b = buildMissionBrief(input);
    expect(b).toContain('Work only in this worktree');
    expect(b).toMatch(/No questions/);
    expect(b).toMatch(/No deploys, no publishing/);
    expect(b).toMatch(/no destructive commands/);
    expect(b).toMatch(/no force pushes/);
    expect(b).toContain('Commit your work on branch `overnight/20261121-2300--csv-export`');
    expect(b).toMatch(/Do not push or merge to any other branch/);
    expect(b).toMatch(/stuck after 3 tries.*TASK_BLOCKED/);
  });

  it('asks for the completion signal and a Learnings section', () => {
    const b = buildMissionBrief(input);
    expect(b).toContain('`TASK_COMPLETE`');
    expect(b).toContain('`TASK_BLOCKED: <reason>`');
    expect(b).toContain('`## Learnings`');
  });

  it('names the scratch folder, as OVERNIGHT_SCRATCH and never committed, when given', () => {
    const b = buildMissionBrief({ ...input, scratchDir: '/r/.overnight/worktrees/s/_scratch/csv-export' });
    expect(b).toContain('your scratch folder `/r/.overnight/worktrees/s/_scratch/csv-export` (also `$OVERNIGHT_SCRATCH`)');
    expect(b).toContain('never committed');
    expect(buildMissionBrief(input)).not.toContain('scratch folder');
  });

  it('has no learnings, previous attempt or deadline parts unless given', () => {
    const b = buildMissionBrief(input);
    expect(b).not.toContain('earlier items of this night learned');
    expect(b).not.toMatch(/Attempt \d+ of this item failed/);
    expect(b).not.toContain('The session ends at');
  });

  it('includes earlier learnings, the previous attempt and the deadline when given', () => {
    const b = buildMissionBrief({
      ...input,
      learnings: [
        { slug: 'setup-tests', title: 'Set up tests', text: '- Tests run with `npm test`.' },
        { slug: 'empty', title: 'Empty', text: '   ' },
      ],
      previousAttempt: { n: 1, failure: 'checks failed: npm test -- csv exited 1', evidence: 'FAIL csv.test.ts\nexpected 3 columns' },
      deadline: '2026-11-22T05:00:00Z',
    });
    expect(b).toContain('What earlier items of this night learned');
    expect(b).toContain('### Set up tests (setup-tests)\n- Tests run with `npm test`.');
    expect(b).not.toContain('(empty)');
    expect(b).toContain('Attempt 1 of this item failed');
    expect(b).toContain('checks failed: npm test -- csv exited 1');
    expect(b).toContain('expected 3 columns');
    expect(b).toContain('The session ends at 2026-11-22T05:00:00Z');
  });

  it('tells a retry the truth: the branch was reset, the earlier commits are not there', () => {
    const b = buildMissionBrief({ ...input, previousAttempt: { n: 1, failure: 'checks failed' } });
    expect(b).not.toContain('still on the branch');
    expect(b).toContain(`the runner reset your worktree and branch \`${input.branch}\` to the integration branch as it is now, so the earlier attempt's commits and files are NOT here`);
  });

  it('keeps long parts in bounds: the end of the evidence, a capped learnings part', () => {
    const evidence = `${'noise\n'.repeat(2000)}THE REAL ERROR`;
    const b = buildMissionBrief({
      ...input,
      learnings: Array.from({ length: 50 }, (_, i) => ({ slug: `s${i}`, title: `T${i}`, text: 'x'.repeat(1000) })),
      previousAttempt: { n: 2, failure: 'f', evidence },
    });
    expect(b).toContain('THE REAL ERROR');
    expect(b.length).toBeLessThan(40_000);
  });

  it('fences commands that contain backticks safely', () => {
    const b = buildMissionBrief({ ...input, item: { ...item, verify: ['echo ```x```'] } });
    expect(b).toContain('````\necho ```x```\n````');
  });
});

describe('buildMissionBrief with the learnings file (memory across nights)', () => {
  it("includes what earlier nights learned, names the file, and asks the agent not to edit it", () => {
    const b = buildMissionBrief({ ...input, memory: { file: 'docs/overnight-learnings.md', text: '### 2026-12-01 · 001-greeting · Greeting\n- Tests run with `node --test test/`.' } });
    expect(b).toContain('## What earlier nights learned (`docs/overnight-learnings.md`)\n\n### 2026-12-01 · 001-greeting · Greeting\n- Tests run with `node --test test/`.');
    expect(b).toContain('Do not edit `docs/overnight-learnings.md` yourself');
    expect(b.indexOf('What earlier nights learned')).toBeLessThan(b.indexOf('## When you finish'));
  });

  it('no section when the file has no learnings; nothing about the file when memory is off', () => {
    const empty = buildMissionBrief({ ...input, memory: { file: 'docs/overnight-learnings.md' } });
    expect(empty).not.toContain('What earlier nights learned');
    expect(empty).toContain('Do not edit `docs/overnight-learnings.md` yourself');
    const off = buildMissionBrief(input);
    expect(off).not.toContain('What earlier nights learned');
    expect(off).not.toContain('overnight-learnings');
  });
});

describe('buildMissionBrief after a stalled attempt', () => {
  it('says the attempt stalled and asks for smaller steps; other failures do not', () => {
    const stalled = buildMissionBrief({ ...input, previousAttempt: { n: 1, failure: 'Stalled: no commit for 20 m.', kind: 'stalled' } });
    expect(stalled).toContain('## Attempt 1 of this item stalled');
    expect(stalled).toContain(STALLED_ADVICE);
    const task = buildMissionBrief({ ...input, previousAttempt: { n: 1, failure: 'the checks failed', kind: 'task' } });
    expect(task).toContain('## Attempt 1 of this item failed');
    expect(task).not.toContain(STALLED_ADVICE);
  });
});

describe('buildMissionBrief after a merge conflict', () => {
  const conflict = {
    files: ['CHANGELOG.md', 'src/a.ts'],
    with: [{ id: 3, slug: 'north', title: 'Note north' }],
    startCommit: 'a'.repeat(40),
    tip: 'b'.repeat(40),
    keptRef: 'refs/overnight-backup/s/conflicts/csv-export/attempt-1',
  };
  const b = buildMissionBrief({ ...input, previousAttempt: { n: 1, failure: 'merge conflict with the integration branch in: CHANGELOG.md, src/a.ts', kind: 'merge', conflict } });

  it('names the item that merged first and the conflicted files, and asks to keep both changes', () => {
    expect(b).toContain('## Attempt 1 of this item could not be merged: a merge conflict');
    expect(b).toContain('#3 north ("Note north") merged first into the integration branch');
    expect(b).toContain('`CHANGELOG.md`, `src/a.ts`');
    expect(b).toMatch(/keep the other item's changes and add yours: never drop or overwrite lines/);
    expect(b).toContain(`branch \`${input.branch}\` already hold the work of #3`);
  });

  it('says where the earlier attempt\'s work is kept and how to see it; not the failure section', () => {
    expect(b).toContain(`kept at \`${conflict.keptRef}\``);
    expect(b).toContain(`git diff ${'a'.repeat(12)} ${'b'.repeat(12)}`);
    expect(b).not.toContain('## Attempt 1 of this item failed');
    // The section comes before the completion signal, like any previous-attempt section.
    expect(b.indexOf('could not be merged')).toBeLessThan(b.indexOf('## When you finish'));
  });
});
