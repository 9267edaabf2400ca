/**
 * The test ratchet in the morning report and in `overnight status` (issue 9: "the report lists
 * the baseline failures, and any failures an item fixed"): facts from the session's
 * `checks-baseline.json`, and the lines that show them. Pure.
 */
import { baselineLines } from '../ratchet/describe.js';
import { checkPassed } from '../ratchet/passed.js';
import type { CheckFormat, RatchetFile } from '../ratchet/types.js';

/** The project checks on the base commit, and what items fixed (report.json `checksBaseline`). */
export interface ChecksBaselineFacts {
  /** The commit the checks ran on. */
  baseCommit: string;
  /** How long the baseline run took, ms. */
  durationMs: number;
  checks: Array<{ command: string; passed: boolean; exitCode: number | null; timedOut: boolean; format: CheckFormat; failing: string[]; note?: string }>;
  /** Failures fixed by merged items, in merge order (`tests` empty: the whole check, compared by exit code, passes now). */
  fixes: Array<{ slug: string; command: string; tests: string[] }>;
}

/** The report's facts from the ratchet file. */
export function checksBaselineFacts(file: RatchetFile): ChecksBaselineFacts {
  return {
    baseCommit: file.baseCommit,
    durationMs: file.durationMs,
    checks: file.baseline.map((r) => ({ command: r.command, passed: checkPassed(r), exitCode: r.exitCode, timedOut: r.timedOut, format: r.format, failing: r.failing, ...(r.note ? { note: r.note } : {}) })),
    fixes: file.fixes.map((f) => ({ slug: f.slug, command: f.command, tests: f.tests })),
  };
}

/** One fix in words: "beta (fixer)", or "`cmd` passes now (fixer)". */
function fixText(f: ChecksBaselineFacts['fixes'][number]): string {
  return f.tests.length > 0 ? `${f.tests.join(', ')} (${f.slug})` : `\`${f.command}\` passes now (${f.slug})`;
}

/**
 * One line for `overnight status`: "Project checks at baseline: all 2 passing." or "Project checks
 * at baseline: 1 of 2 failing (3 tests); fixed tonight: beta (fixer)".
 */
export function baselineSummaryLine(b: ChecksBaselineFacts): string {
  const failing = b.checks.filter((c) => !c.passed);
  if (failing.length === 0) return `Project checks at baseline: all ${b.checks.length} passing.`;
  const tests = failing.reduce((n, c) => n + c.failing.length, 0);
  const fixed = b.fixes.length ? `; fixed tonight: ${b.fixes.map(fixText).join(', ')}` : '';
  return `Project checks at baseline: ${failing.length} of ${b.checks.length} failing${tests ? ` (${tests} test${tests === 1 ? '' : 's'})` : ''}${fixed}`;
}

/** The morning report's section, as markdown lines. */
export function baselineSectionLines(b: ChecksBaselineFacts): string[] {
  const out = [
    `The project checks ran on the base commit (${b.baseCommit.slice(0, 8)}) before any item. A merge may not add a failure that was not failing there; failures an item fixed are not tolerated afterwards.`,
    '',
    ...baselineLines({ baseline: b.checks.map((c) => ({ ...c, passing: [], durationMs: 0 })) }).map((l) => `- ${l}`),
    '',
  ];
  if (b.fixes.length === 0) out.push(b.checks.some((c) => !c.passed) ? 'No item fixed a baseline failure.' : 'Every check passed at baseline.', '');
  else out.push('Fixed tonight:', '', ...b.fixes.map((f) => `- ${f.slug} fixed ${f.tests.length ? f.tests.map((t) => `\`${t}\``).join(', ') : 'the whole check'} in \`${f.command}\``), '');
  return out;
}
