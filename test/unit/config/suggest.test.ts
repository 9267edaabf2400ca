import { describe, expect, test } from 'vitest';
import { closestMatch } from '../../../src/util/suggest.js';

describe('closest valid key', () => {
  const keys = ['backlog_dir', 'base_branch', 'concurrency', 'time_limit', 'checks', 'agent'];
  test('typos, case and separator differences find the key', () => {
    expect(closestMatch('concurency', keys)).toBe('concurrency');
    expect(closestMatch('timeLimit', keys)).toBe('time_limit');
    expect(closestMatch('backlog-dir', keys)).toBe('backlog_dir');
    expect(closestMatch('check', keys)).toBe('checks');
  });
  test('words far from every key find nothing', () => {
    expect(closestMatch('reviewers', keys)).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });
});
