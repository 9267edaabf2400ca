import { describe, expect, test } from 'vitest';
import { boundText } from '../../../src/util/zod-issues.js';

describe('boundText: limits in the words a person would write', () => {
  test.each([
    [{ code: 'too_small', minimum: 1, inclusive: true }, true, 'at least 1'],
    [{ code: 'too_small', minimum: 0, inclusive: false }, true, 'at least 1'],
    [{ code: 'too_small', minimum: 0, inclusive: false }, false, 'more than 0'],
    [{ code: 'too_big', maximum: 5, inclusive: false }, true, 'at most 4'],
    [{ code: 'too_big', maximum: 5, inclusive: false }, false, 'less than 5'],
    [{ code: 'too_big', maximum: 10 }, false, 'at most 10'],
    [{ code: 'too_small', minimum: 2n, inclusive: false }, false, 'at least 3'],
    [{ code: 'too_small', minimum: 0.5, inclusive: false }, true, 'more than 0.5'],
  ] as const)('%o (whole steps: %s) -> %s', (issue, whole, text) => {
    expect(boundText(issue, whole)).toBe(text);
  });
});
