import { describe, expect, it } from 'vitest';
import { extractCompletion, extractLearnings, MAX_LEARNINGS_CHARS } from '../../../src/agent/completion.js';

describe('extractCompletion', () => {
  it('finds TASK_COMPLETE on its own line', () => {
    expect(extractCompletion('All done.\n\nTASK_COMPLETE')).toEqual({ kind: 'complete' });
    expect(extractCompletion('All done.\n\n**TASK_COMPLETE**\n')).toEqual({ kind: 'complete' });
    expect(extractCompletion('`TASK_COMPLETE`')).toEqual({ kind: 'complete' });
  });

  it('finds TASK_BLOCKED with its reason', () => {
    expect(extractCompletion('Tried 3 times.\nTASK_BLOCKED: the database schema is not in the repo')).toEqual({
      kind: 'blocked',
      reason: 'the database schema is not in the repo',
    });
    expect(extractCompletion('**TASK_BLOCKED**: needs a decision on the API shape')).toEqual({ kind: 'blocked', reason: 'needs a decision on the API shape' });
    expect(extractCompletion('TASK_BLOCKED')).toEqual({ kind: 'blocked', reason: 'no reason given' });
  });

  it('takes the last signal line', () => {
    expect(extractCompletion('TASK_BLOCKED: flaky test\nretried, it passes now\nTASK_COMPLETE')).toEqual({ kind: 'complete' });
    expect(extractCompletion('TASK_COMPLETE\nActually no.\nTASK_BLOCKED: tests fail')).toEqual({ kind: 'blocked', reason: 'tests fail' });
  });

  it('does not count a mention inside a sentence, or nothing at all', () => {
    expect(extractCompletion('I will print TASK_COMPLETE when the tests pass.')).toEqual({ kind: 'none' });
    expect(extractCompletion('Done with the change.')).toEqual({ kind: 'none' });
    expect(extractCompletion('')).toEqual({ kind: 'none' });
    expect(extractCompletion(undefined)).toEqual({ kind: 'none' });
  });
});

describe('extractLearnings', () => {
  it('reads a ## Learnings section up to the completion signal', () => {
    const text = 'Done.\n\n## Learnings\n- Tests: `npm test`.\n- Use pnpm, not npm install.\n\nTASK_COMPLETE';
    expect(extractLearnings(text)).toBe('- Tests: `npm test`.\n- Use pnpm, not npm install.');
  });

  it('stops at the next heading of the same or a higher level, keeps deeper ones', () => {
    const text = '## Learnings\n- a\n### Details\n- b\n## Summary\nx';
    expect(extractLearnings(text)).toBe('- a\n### Details\n- b');
  });

  it('reads a "Learnings:" label block', () => {
    expect(extractLearnings('Summary.\n\nLearnings:\n- one\n- two\n\nTASK_COMPLETE')).toBe('- one\n- two');
    expect(extractLearnings('**Learnings:**\n- one\n\n- two\n\nThe end.')).toBe('- one\n\n- two');
    expect(extractLearnings('Learnings: the build needs make first.')).toBe('the build needs make first.');
  });

  it('ignores lines that only start with the word', () => {
    expect(extractLearnings('Learnings from this task are few.\nTASK_COMPLETE')).toBeUndefined();
  });

  it('is undefined when absent or empty', () => {
    expect(extractLearnings('Done.\nTASK_COMPLETE')).toBeUndefined();
    expect(extractLearnings('## Learnings\n\nTASK_COMPLETE')).toBeUndefined();
    expect(extractLearnings(undefined)).toBeUndefined();
  });

  it('is cut to its maximum length', () => {
    const long = `## Learnings\n${'- fact\n'.repeat(1000)}`;
    expect(extractLearnings(long)!.length).toBeLessThanOrEqual(MAX_LEARNINGS_CHARS);
  });
});
