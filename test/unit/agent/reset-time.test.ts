import { describe, expect, it } from 'vitest';
import { cliBackoffCeilingMs, parseRetryAt, retryAfterFromApiRetry } from '../../../src/agent/reset-time.js';

const now = new Date('2026-11-21T12:00:00Z');

describe('parseRetryAt', () => {
  it('reads clock times in UTC, next occurrence', () => {
    expect(parseRetryAt('Claude usage limit reached. Your limit will reset at 3am (UTC).', now)).toBe('2026-11-22T03:00:00.000Z');
    expect(parseRetryAt('Your limit resets 5:30pm (UTC)', now)).toBe('2026-11-21T17:30:00.000Z');
    expect(parseRetryAt('limit resets at 15:00 UTC', now)).toBe('2026-11-21T15:00:00.000Z');
    expect(parseRetryAt('resets at 12am (UTC)', now)).toBe('2026-11-22T00:00:00.000Z');
    expect(parseRetryAt('resets at 12pm (UTC)', new Date('2026-11-21T11:00:00Z'))).toBe('2026-11-21T12:00:00.000Z');
  });

  it('reads clock times in a named time zone', () => {
    // Berlin is UTC+1 in November: 3am Berlin = 02:00Z.
    expect(parseRetryAt('Your limit will reset at 3am (Europe/Berlin).', now)).toBe('2026-11-22T02:00:00.000Z');
    // New York is UTC-5 in November: 5pm = 22:00Z the same day.
    expect(parseRetryAt('resets 5pm (America/New_York)', now)).toBe('2026-11-21T22:00:00.000Z');
  });

  it('reads relative times', () => {
    expect(parseRetryAt('Rate limited. Try again in 5 minutes.', now)).toBe('2026-11-21T12:05:00.000Z');
    expect(parseRetryAt('please retry after 30s', now)).toBe('2026-11-21T12:00:30.000Z');
    expect(parseRetryAt('resets in 2 hours 15 minutes', now)).toBe('2026-11-21T14:15:00.000Z');
    expect(parseRetryAt('try again in 1h 30m', now)).toBe('2026-11-21T13:30:00.000Z');
  });

  it('reads epoch and ISO forms', () => {
    expect(parseRetryAt('Claude AI usage limit reached|1795312800', now)).toBe('2026-11-22T02:00:00.000Z');
    expect(parseRetryAt('rate limit; retry at 2026-11-21T18:00:00Z', now)).toBe('2026-11-21T18:00:00.000Z');
  });

  it('gives nothing when the text names no time', () => {
    expect(parseRetryAt('API Error: 529 Overloaded. try again in a moment.', now)).toBeUndefined();
    expect(parseRetryAt('Number of requests has exceeded your rate limit', now)).toBeUndefined();
    expect(parseRetryAt('the limit resets 3 times a day', now)).toBeUndefined();
    expect(parseRetryAt(undefined, now)).toBeUndefined();
  });
});

describe('retryAfterFromApiRetry', () => {
  const at = new Date('2026-11-21T12:00:00Z');
  it('a 429 retry delay above the CLI backoff ceiling is the retry-after header', () => {
    expect(retryAfterFromApiRetry({ status: 429, attempt: 1, retryDelayMs: 8578 }, at)).toBe('2026-11-21T12:00:08.578Z');
    expect(retryAfterFromApiRetry({ status: 429, attempt: 1, retryDelayMs: 547 }, at)).toBeUndefined();
    expect(retryAfterFromApiRetry({ status: 429, attempt: 3, retryDelayMs: 2400 }, at)).toBeUndefined();
    expect(retryAfterFromApiRetry({ status: 529, attempt: 1, retryDelayMs: 60_000 }, at)).toBeUndefined();
    expect(retryAfterFromApiRetry(undefined, at)).toBeUndefined();
  });
  it('the ceiling doubles per retry', () => {
    expect(cliBackoffCeilingMs(1)).toBe(625);
    expect(cliBackoffCeilingMs(2)).toBe(1250);
    expect(cliBackoffCeilingMs(4)).toBe(5000);
  });
});
