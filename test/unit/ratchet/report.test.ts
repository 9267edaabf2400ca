import { describe, expect, it } from 'vitest';
import { baselineSectionLines, baselineSummaryLine, checksBaselineFacts } from '../../../src/report/checks-baseline.js';
import type { RatchetFile } from '../../../src/ratchet/types.js';

const file: RatchetFile = {
  version: 1,
  baseCommit: '0123456789abcdef',
  ranAt: '2026-12-02T00:00:00.000Z',
  durationMs: 1200,
  baseline: [
    { command: 'npm test', exitCode: 1, timedOut: false, format: 'junit', failing: ['a > one', 'b > two'], passing: ['c'], durationMs: 1000 },
    { command: 'make lint', exitCode: 2, timedOut: false, format: 'exit', failing: [], passing: [], durationMs: 100 },
    { command: 'true', exitCode: 0, timedOut: false, format: 'exit', failing: [], passing: [], durationMs: 1 },
  ],
  current: [],
  fixes: [
    { slug: 'fix-one', command: 'npm test', tests: ['a > one'], at: '2026-12-02T01:00:00.000Z' },
    { slug: 'lint', command: 'make lint', tests: [], at: '2026-12-02T02:00:00.000Z' },
  ],
};

describe('the baseline in the report and status', () => {
  const facts = checksBaselineFacts(file);

  it('status: one line with the failing checks, tests and fixes', () => {
    expect(baselineSummaryLine(facts)).toBe('Project checks at baseline: 2 of 3 failing (2 tests); fixed tonight: a > one (fix-one), `make lint` passes now (lint)');
    expect(baselineSummaryLine({ ...facts, checks: facts.checks.map((c) => ({ ...c, passed: true })) })).toBe('Project checks at baseline: all 3 passing.');
  });

  it('report: each check at baseline, then the fixes by item', () => {
    const md = baselineSectionLines(facts).join('\n');
    expect(md).toContain('on the base commit (01234567)');
    expect(md).toContain('- `npm test`: failed (exit code 1; 2 failing JUnit test(s): a > one, b > two)');
    expect(md).toContain('- `make lint`: failed (exit code 2; compared by exit code)');
    expect(md).toContain('- `true`: passed');
    expect(md).toContain('- fix-one fixed `a > one` in `npm test`');
    expect(md).toContain('- lint fixed the whole check in `make lint`');
  });
});
