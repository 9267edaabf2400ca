import { describe, expect, it } from 'vitest';
import { compareCheck, compareChecks, regressionLines } from '../../../src/ratchet/compare.js';
import type { CheckRun } from '../../../src/ratchet/types.js';

const run = (over: Partial<CheckRun>): CheckRun => ({ command: 'sh check.sh', exitCode: 1, timedOut: false, format: 'tap', failing: [], passing: [], durationMs: 1, ...over });

describe('compareCheck (the ratchet rule)', () => {
  const baseline = run({ failing: ['beta'], passing: ['alpha', 'gamma'] });

  it('tolerates a test that already failed at baseline although the check still fails', () => {
    const c = compareCheck(baseline, run({ failing: ['beta'], passing: ['alpha', 'gamma'] }));
    expect(c).toMatchObject({ ok: true, basis: 'tests', newFailures: [], tolerated: ['beta'], fixed: [] });
  });

  it('refuses a test that passed at baseline and fails now', () => {
    const c = compareCheck(baseline, run({ failing: ['beta', 'gamma'], passing: ['alpha'] }));
    expect(c).toMatchObject({ ok: false, basis: 'tests', newFailures: ['gamma'] });
  });

  it('refuses a new test that fails', () => {
    expect(compareCheck(baseline, run({ failing: ['beta', 'new one'], passing: ['alpha', 'gamma'] })).newFailures).toEqual(['new one']);
  });

  it('refuses a run where a test that passed at baseline no longer runs (a crash half way)', () => {
    const c = compareCheck(baseline, run({ failing: ['beta'], passing: ['alpha'] }));
    expect(c).toMatchObject({ ok: false, newFailures: ['gamma (no longer runs)'] });
  });

  it('records the tests an item fixed, while others still fail', () => {
    const base = run({ failing: ['beta', 'delta'], passing: ['alpha'] });
    expect(compareCheck(base, run({ failing: ['delta'], passing: ['alpha', 'beta'] }))).toMatchObject({ ok: true, fixed: ['beta'], tolerated: ['delta'] });
  });

  it('a check that passes now is acceptable and fixes what failed', () => {
    expect(compareCheck(baseline, run({ exitCode: 0, failing: [], passing: ['alpha', 'beta', 'gamma'] }))).toMatchObject({ ok: true, basis: 'passed', fixed: ['beta'], fixedWhole: false });
    expect(compareCheck(run({ format: 'exit', exitCode: 2 }), run({ format: 'exit', exitCode: 0 }))).toMatchObject({ ok: true, fixed: [], fixedWhole: true });
  });

  it('a check that passed at baseline must pass', () => {
    const base = run({ exitCode: 0, passing: ['alpha', 'beta'] });
    expect(compareCheck(base, run({ failing: ['beta'], passing: ['alpha'] }))).toMatchObject({ ok: false, newFailures: ['beta'] });
    expect(compareCheck(run({ format: 'exit', exitCode: 0 }), run({ format: 'exit', exitCode: 1 }))).toMatchObject({ ok: false, basis: 'exit', newFailures: ['exit code 1 (passed at baseline)'] });
  });

  it('without test names, compares exit codes', () => {
    const base = run({ format: 'exit', exitCode: 1 });
    expect(compareCheck(base, run({ format: 'exit', exitCode: 1 }))).toMatchObject({ ok: true, basis: 'exit', tolerated: ['exit code 1'] });
    expect(compareCheck(base, run({ format: 'exit', exitCode: 2 }))).toMatchObject({ ok: false, newFailures: ['exit code 2 (at baseline: exit code 1)'] });
    // Names on one side only: exit codes.
    expect(compareCheck(base, run({ format: 'tap', exitCode: 1, failing: ['x'] }))).toMatchObject({ ok: true, basis: 'exit' });
  });

  it('a timeout that was not one at baseline is new', () => {
    expect(compareCheck(baseline, run({ exitCode: null, timedOut: true, failing: ['beta'], passing: ['alpha', 'gamma'] }))).toMatchObject({ ok: false, newFailures: ['timed out (at baseline: exit code 1)'] });
  });

  it('a check with no baseline must pass', () => {
    expect(compareCheck(undefined, run({ exitCode: 0 })).ok).toBe(true);
    expect(compareCheck(undefined, run({ exitCode: 1 })).ok).toBe(false);
  });
});

describe('compareChecks', () => {
  it('matches checks by command and names every regression', () => {
    const before = [run({ command: 'a', exitCode: 0, passing: ['t1'] }), run({ command: 'b', format: 'exit', exitCode: 3 })];
    const now = [run({ command: 'b', format: 'exit', exitCode: 3 }), run({ command: 'a', failing: ['t1', 't2', 't3', 't4', 't5', 't6', 't7'] })];
    const v = compareChecks(before, now);
    expect(v.ok).toBe(false);
    expect(v.checks.map((c) => c.ok)).toEqual([true, false]);
    expect(regressionLines(v)).toEqual(['`a`: t1, t2, t3, t4, t5 and 2 more']);
  });
});
