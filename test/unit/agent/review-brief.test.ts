import { describe, expect, it } from 'vitest';
import { buildReviewBrief, clipBytes, MAX_INLINE_DIFF_BYTES, reviewMarker, type ReviewBriefInput } from '../../../src/agent/review-brief.js';
import { buildMissionBrief, REVIEW_REJECTED_ADVICE } from '../../../src/agent/brief.js';
import { MAX_BRIEF_BYTES } from '../../../src/agent/args.js';
import { REVIEW_REJECTED_PREFIX } from '../../../src/agent/review-verdict.js';
import { mItem } from '../runner/helpers.js';

function input(over: Partial<ReviewBriefInput> = {}): ReviewBriefInput {
  return {
    item: mItem('greet', { title: 'Add greet()', body: '## Goal\nAdd greet(name).\n\n## Acceptance criteria\n- greet("Ada") returns "Hello, Ada"\n', acceptanceCriteria: ['greet("Ada") returns "Hello, Ada"'] }),
    branch: 'overnight/s1--greet',
    startCommit: 'a'.repeat(40),
    checks: ['node --test test/'],
    commits: ['1234567 add greet'],
    diffStat: ' src/greet.js | 3 +++\n 1 file changed, 3 insertions(+)',
    diff: 'diff --git a/src/greet.js b/src/greet.js\n+module.exports = (n) => `Hello, ${n}`;\n',
    diffFile: '/s/features/greet/review-1.diff',
    ...over,
  };
}

describe('buildReviewBrief', () => {
  it('carries the marker, the item, its acceptance criteria, the passed checks, the commits and the whole diff', () => {
    const b = buildReviewBrief(input());
    expect(b).toContain(reviewMarker('greet'));
    expect(b).toContain('# Overnight review: Add greet()');
    expect(b).toContain('greet("Ada") returns "Hello, Ada"');
    expect(b).toContain('node --test test/');
    expect(b).toContain('1234567 add greet');
    expect(b).toContain('1 file changed');
    expect(b).toContain('+module.exports = (n) => `Hello, ${n}`;');
    expect(b).toContain('The whole diff against aaaaaaaaaaaa (also in `/s/features/greet/review-1.diff`)');
    expect(b).toMatch(/Read, Grep and Glob tools\. You cannot edit files or run commands/);
    expect(b).toContain('`REVIEW: APPROVE`');
    expect(b).toContain('`REVIEW: REJECT <reason>`');
    // The verdict instructions come last.
    expect(b.trimEnd().split('\n').at(-1)).toMatch(/counts as no review/);
  });

  it('keeps a diff with backtick fences in one block', () => {
    const b = buildReviewBrief(input({ diff: '+```js\n+x\n+```\n' }));
    expect(b).toContain('````diff\n+```js\n+x\n+```\n````');
  });

  it('cuts a long diff at a line end, says so, names the diff file, and stays one argv string', () => {
    const line = `+${'é'.repeat(99)}\n`;
    const diff = line.repeat(5000);
    const b = buildReviewBrief(input({ diff, item: mItem('greet', { body: 'ü'.repeat(19_000) }) }));
    expect(Buffer.byteLength(b)).toBeLessThanOrEqual(MAX_BRIEF_BYTES);
    expect(b).toContain('too long to show whole');
    expect(b).toContain('`/s/features/greet/review-1.diff` (read it with the Read tool)');
    expect(b).not.toContain('\uFFFD');
    const shown = b.split('```diff\n')[1]!.split('\n```')[0]!;
    expect(Buffer.byteLength(shown)).toBeLessThanOrEqual(MAX_INLINE_DIFF_BYTES);
    expect(shown.endsWith('é')).toBe(true);
  });

  it('clipBytes keeps whole lines', () => {
    expect(clipBytes('abc\ndef\n', 100)).toEqual({ text: 'abc\ndef\n', cut: false });
    expect(clipBytes('abc\ndef\nghi', 6)).toEqual({ text: 'abc', cut: true });
  });
});

describe('the retry brief after a rejected review', () => {
  it('carries the reason and asks to fix exactly that', () => {
    const b = buildMissionBrief({
      sessionId: 's1',
      item: mItem('greet'),
      branch: 'overnight/s1--greet',
      checks: [],
      learnings: [],
      previousAttempt: { n: 1, failure: `${REVIEW_REJECTED_PREFIX}greet() ignores its argument`, kind: 'task' },
    });
    expect(b).toContain('What it ran into: the review rejected the work: greet() ignores its argument');
    expect(b).toContain(REVIEW_REJECTED_ADVICE);
    const other = buildMissionBrief({ sessionId: 's1', item: mItem('greet'), branch: 'b', checks: [], learnings: [], previousAttempt: { n: 1, failure: 'the success condition failed', kind: 'task' } });
    expect(other).not.toContain(REVIEW_REJECTED_ADVICE);
  });
});
