/** Failure classification: each kind, from captured result lines and from synthetic cases. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyApiError, classifyOutcome, joinDistinct } from '../../../src/agent/classify.js';
import { applyStreamLine, newStreamState } from '../../../src/agent/stream.js';

const now = new Date('2026-11-21T12:00:00Z');

/** Classifies a captured run as runAgent would (exit code 1 for every error result). */
function classifyFixture(name: string) {
  const state = newStreamState();
  for (const line of readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split('\n')) applyStreamLine(state, line);
  return classifyOutcome({ result: state.result, exitCode: state.result?.is_error ? 1 : 0, apiError: state.apiError, lastApiRetry: state.lastApiError, now });
}

describe('classifyOutcome on captured runs', () => {
  it('a clean result is no failure', () => {
    expect(classifyFixture('complete.jsonl')).toBeUndefined();
  });
  it('max turns and budget are task failures', () => {
    expect(classifyFixture('max-turns.jsonl')).toMatchObject({ kind: 'task', cause: 'max-turns' });
    expect(classifyFixture('max-turns.jsonl')!.message).toMatch(/^error_max_turns/);
    expect(classifyFixture('max-budget.jsonl')).toMatchObject({ kind: 'task', cause: 'max-budget' });
    expect(classifyFixture('max-budget.jsonl')!.message).toMatch(/^error_max_budget_usd/);
  });
  it('overloaded and 5xx are transient', () => {
    expect(classifyFixture('overloaded-529.jsonl')).toMatchObject({ kind: 'transient', cause: 'overloaded' });
    expect(classifyFixture('server-500.jsonl')).toMatchObject({ kind: 'transient', cause: 'api-error' });
  });
  it('an invalid API key is permanent', () => {
    expect(classifyFixture('auth-401.jsonl')).toMatchObject({ kind: 'permanent', cause: 'auth' });
  });
  it('a usage limit is transient with its reset time', () => {
    expect(classifyFixture('usage-limit-429.jsonl')).toMatchObject({ kind: 'transient', cause: 'usage-limit', retryAt: '2026-11-22T03:00:00.000Z' });
  });
});

describe('classifyOutcome', () => {
  it('a missing binary is permanent; other spawn errors transient', () => {
    expect(classifyOutcome({ exitCode: null, spawnError: { code: 'ENOENT', message: 'spawn claude ENOENT' }, claudePath: 'claude' })).toMatchObject({ kind: 'permanent', cause: 'binary-missing' });
    expect(classifyOutcome({ exitCode: null, spawnError: { code: 'EACCES', message: 'x' } })).toMatchObject({ kind: 'permanent' });
    expect(classifyOutcome({ exitCode: null, spawnError: { code: 'EAGAIN', message: 'fork failed' } })).toMatchObject({ kind: 'transient', cause: 'crash' });
  });

  it('watchdog kills are transient hangs, whatever the stream said; abort is its own cause', () => {
    const result = { subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: 0 };
    expect(classifyOutcome({ exitCode: null, signal: 'SIGTERM', killedBy: 'idle', idleTimeoutMs: 600_000 })).toMatchObject({ kind: 'transient', cause: 'hang-idle' });
    expect(classifyOutcome({ exitCode: null, killedBy: 'idle', idleTimeoutMs: 600_000 })!.message).toContain('600 s');
    expect(classifyOutcome({ exitCode: 143, killedBy: 'timeout', result })).toMatchObject({ kind: 'transient', cause: 'hang-timeout' });
    expect(classifyOutcome({ exitCode: 143, killedBy: 'abort' })).toMatchObject({ kind: 'transient', cause: 'aborted' });
  });

  it('no result line is a crash, not a hang, and quotes stderr', () => {
    const f = classifyOutcome({ exitCode: 3, stderrTail: 'starting\nSegmentation fault' });
    expect(f).toMatchObject({ kind: 'transient', cause: 'crash' });
    expect(f!.message).toContain('exited with code 3');
    expect(f!.message).toContain('Segmentation fault');
    expect(classifyOutcome({ exitCode: null, signal: 'SIGKILL' })!.message).toContain('killed by SIGKILL');
  });

  it('no result line but stderr says not logged in: permanent', () => {
    expect(classifyOutcome({ exitCode: 1, stderrTail: 'Invalid API key · Please run /login' })).toMatchObject({ kind: 'permanent', cause: 'auth' });
  });

  it('no result line but stderr names a usage limit: transient with reset', () => {
    expect(classifyOutcome({ exitCode: 1, stderrTail: 'Claude AI usage limit reached|1795312800', now })).toMatchObject({ kind: 'transient', cause: 'usage-limit', retryAt: '2026-11-22T02:00:00.000Z' });
  });

  it('error_during_execution is transient', () => {
    expect(classifyOutcome({ exitCode: 1, result: { subtype: 'error_during_execution', is_error: true, num_turns: 2, total_cost_usd: 0.1 } })).toMatchObject({ kind: 'transient', cause: 'execution-error' });
  });

  it('a clean result wins over a non-zero exit code', () => {
    expect(classifyOutcome({ exitCode: 1, result: { subtype: 'success', is_error: false, num_turns: 2, total_cost_usd: 0.1 } })).toBeUndefined();
  });
});

describe('classifyApiError', () => {
  it('rate limits, with and without a reset time', () => {
    expect(classifyApiError({ status: 429, type: 'rate_limit_error', text: 'Number of requests has exceeded your rate limit', now })).toEqual({
      kind: 'transient',
      cause: 'rate-limit',
      message: 'API rate limit (HTTP 429): Number of requests has exceeded your rate limit',
    });
    expect(classifyApiError({ status: 429, text: 'rate_limit_error: try again in 5 minutes', now })).toMatchObject({ retryAt: '2026-11-21T12:05:00.000Z' });
  });
  it('auth, billing, permission and model problems are permanent', () => {
    expect(classifyApiError({ status: 401, text: 'invalid x-api-key' })).toMatchObject({ kind: 'permanent', cause: 'auth' });
    expect(classifyApiError({ text: 'Not logged in · Please run /login' })).toMatchObject({ kind: 'permanent', cause: 'auth' });
    expect(classifyApiError({ status: 400, text: 'Your credit balance is too low to access the Anthropic API' })).toMatchObject({ kind: 'permanent', cause: 'billing' });
    expect(classifyApiError({ status: 403, type: 'permission_error', text: 'forbidden' })).toMatchObject({ kind: 'permanent' });
    expect(classifyApiError({ status: 404, type: 'not_found_error', text: 'model: claude-nope does not exist' })).toMatchObject({ kind: 'permanent', cause: 'bad-model' });
  });
  it('server and network errors are transient', () => {
    expect(classifyApiError({ status: 503, text: 'Service Unavailable' })).toMatchObject({ kind: 'transient', cause: 'api-error' });
    expect(classifyApiError({ text: 'Connection error: ECONNREFUSED 127.0.0.1:443' })).toMatchObject({ kind: 'transient', cause: 'api-error' });
    expect(classifyApiError({ status: 529, text: 'Overloaded' })).toMatchObject({ kind: 'transient', cause: 'overloaded' });
  });
  it('a context overflow is a task failure; plain text is nothing', () => {
    expect(classifyApiError({ status: 400, text: 'prompt is too long: 250000 tokens > 200000 maximum' })).toMatchObject({ kind: 'task' });
    expect(classifyApiError({ text: 'all good' })).toBeUndefined();
  });
});

describe('night two: reasons said once, retry-after honoured', () => {
  it('the 401 reason does not repeat the API error text', () => {
    const failure = classifyFixture('auth-401.jsonl')!;
    expect(failure.message.match(/Invalid API key/g)).toHaveLength(1);
    expect(failure.message.match(/Fix external API key/g)).toHaveLength(1);
  });
  it('joinDistinct keeps each part once, the longer of two that contain each other', () => {
    expect(joinDistinct(['Invalid API key · Fix external API key', 'Invalid API key', undefined, 'invalid api key · Fix external API key'])).toBe('Invalid API key · Fix external API key');
    expect(joinDistinct(['rate limited', 'Request rejected (429) · rate limited'])).toBe('rate limited · Request rejected (429)');
    expect(joinDistinct([])).toBe('');
  });
  it("a 429 whose retry-after the CLI waited for pauses until now + that delay", () => {
    const result = { type: 'result', subtype: 'success', is_error: true, api_error_status: 429, result: 'API Error: Request rejected (429) · per-minute rate limit', num_turns: 0, total_cost_usd: 0 } as const;
    // Measured with Claude Code 2.1.330: `retry-after: 7` -> retry_delay_ms 8578 then 7170.
    const withHeader = classifyOutcome({ result, exitCode: 1, lastApiRetry: { status: 429, error: 'rate_limit', attempt: 2, retryDelayMs: 7170 }, now });
    expect(withHeader).toMatchObject({ kind: 'transient', cause: 'rate-limit', retryAt: '2026-11-21T12:00:07.170Z' });
    // No header: the CLI's own backoff (547, then 1101 ms) is no reset time.
    const backoff = classifyOutcome({ result, exitCode: 1, lastApiRetry: { status: 429, error: 'rate_limit', attempt: 2, retryDelayMs: 1101 }, now });
    expect(backoff).toMatchObject({ kind: 'transient', cause: 'rate-limit' });
    expect(backoff!.retryAt).toBeUndefined();
  });
});
