/**
 * The test ratchet's rule (issue 9): a check run is acceptable when it adds no failure that was
 * not already failing in what is tolerated (the baseline, tightened by every merge). Pure.
 *
 * - A check that passes is always acceptable; the failures it tolerated before are fixed.
 * - A check that passed before and fails now is a regression.
 * - Both failing, both with test names (TAP or JUnit XML): a regression is a test failing now that
 *   did not fail before, or a test that passed before and no longer appears at all (a crash half
 *   way must not look clean).
 * - Otherwise the exit codes are compared: the same non-zero exit code (and no new timeout) is
 *   acceptable, anything else is a regression.
 */
import { checkPassed, type CheckRun } from './types.js';

/** The verdict on one check. */
export interface CheckComparison {
  command: string;
  /** It adds nothing that was not failing before. */
  ok: boolean;
  /** How it was compared: by test names, or by exit code. */
  basis: 'passed' | 'tests' | 'exit';
  /** What is new: failing test names (`... (no longer runs)` for vanished ones), or one sentence about the exit code. */
  newFailures: string[];
  /** Tolerated failures that pass now (test names); `fixedWhole` when the whole check passes now. */
  fixed: string[];
  fixedWhole: boolean;
  /** Failures still tolerated (test names, or the exit code). */
  tolerated: string[];
}

function exitText(run: Pick<CheckRun, 'exitCode' | 'timedOut'>): string {
  if (run.timedOut) return 'timed out';
  return run.exitCode === null ? 'killed' : `exit code ${run.exitCode}`;
}

function hasNames(run: CheckRun): boolean {
  return run.format !== 'exit';
}

/**
 * Compares one check run (`now`) with what was tolerated for the same command (`before`).
 * `before` undefined (a check with no baseline): only a pass is acceptable.
 */
export function compareCheck(before: CheckRun | undefined, now: CheckRun): CheckComparison {
  const base = { command: now.command, fixed: [] as string[], fixedWhole: false, tolerated: [] as string[] };
  if (checkPassed(now)) {
    const wasFailing = before !== undefined && !checkPassed(before);
    const fixed = wasFailing ? before.failing : [];
    return { ...base, ok: true, basis: 'passed', newFailures: [], fixed, fixedWhole: wasFailing && fixed.length === 0 };
  }
  if (!before) return { ...base, ok: false, basis: 'exit', newFailures: [`${exitText(now)} (no baseline for this check)`] };
  if (checkPassed(before)) {
    const newFailures = hasNames(now) && now.failing.length > 0 ? now.failing : [`${exitText(now)} (passed at baseline)`];
    return { ...base, ok: false, basis: hasNames(now) && now.failing.length > 0 ? 'tests' : 'exit', newFailures };
  }
  if (now.timedOut && !before.timedOut) return { ...base, ok: false, basis: 'exit', newFailures: [`timed out (at baseline: ${exitText(before)})`] };
  if (hasNames(now) && hasNames(before) && now.format === before.format) {
    const wasFailing = new Set(before.failing);
    const seen = new Set([...now.failing, ...now.passing]);
    const nowPassing = new Set(now.passing);
    const added = now.failing.filter((t) => !wasFailing.has(t));
    const vanished = before.passing.filter((t) => !seen.has(t)).map((t) => `${t} (no longer runs)`);
    const newFailures = [...added, ...vanished];
    return {
      ...base,
      ok: newFailures.length === 0,
      basis: 'tests',
      newFailures,
      fixed: before.failing.filter((t) => nowPassing.has(t)),
      tolerated: now.failing.filter((t) => wasFailing.has(t)),
    };
  }
  if (now.exitCode === before.exitCode) return { ...base, ok: true, basis: 'exit', newFailures: [], tolerated: [exitText(now)] };
  return { ...base, ok: false, basis: 'exit', newFailures: [`${exitText(now)} (at baseline: ${exitText(before)})`] };
}

/** The verdict on a whole set of checks. */
export interface RatchetVerdict {
  ok: boolean;
  checks: CheckComparison[];
}

/**
 * Compares every check run of `now` with the tolerated run of the same command in `before`
 * (matched by position when the commands agree, else by command). Pure.
 */
export function compareChecks(before: readonly CheckRun[], now: readonly CheckRun[]): RatchetVerdict {
  const checks = now.map((run, i) => compareCheck(before[i]?.command === run.command ? before[i] : before.find((b) => b.command === run.command), run));
  return { ok: checks.every((c) => c.ok), checks };
}

/** One line per check that adds failures: "`cmd`: a, b". Empty when nothing is new. */
export function regressionLines(verdict: RatchetVerdict, most = 5): string[] {
  return verdict.checks
    .filter((c) => !c.ok)
    .map((c) => {
      const names = c.newFailures.slice(0, most).join(', ');
      const more = c.newFailures.length > most ? ` and ${c.newFailures.length - most} more` : '';
      return `\`${c.command}\`: ${names}${more}`;
    });
}

