/**
 * Where the test ratchet decides (issue 9): an item's success condition when it has no `verify`
 * of its own (the project checks, in its worktree), and the project checks after each merge (in
 * the runner's integration worktree). Both pass when the checks add no failure that is not
 * tolerated (compare.ts); an item's own `verify` stays a hard condition (runChecks). After a merge
 * that stays, what is tolerated tightens to the merge's own results, and the failures it fixed are
 * recorded (`checks-baseline.json` fixes, event `checks_fixed`).
 */
import type { ManifestItem } from '../session/state.js';
import type { NightContext } from '../runner/context.js';
import type { VerifyEvidence } from '../runner/judge.js';
import { lastLines, runChecks } from '../runner/verify.js';
import type { NightRatchet } from './baseline.js';
import { compareChecks, regressionLines, type RatchetVerdict } from './compare.js';
import { runCheckSet } from './run.js';
import { writeRatchetFile } from './store.js';
import { checkPassed, type CheckRun } from './types.js';

export interface RatchetEvidence extends VerifyEvidence {
  aborted?: boolean;
  /** The comparison, when the ratchet judged (undefined: a plain pass/fail run). */
  verdict?: RatchetVerdict;
  runs?: CheckRun[];
}

/** The evidence of a ratchet run: passed when nothing is new; the tail ends with what is new or tolerated. */
function evidenceOf(verdict: RatchetVerdict, runs: readonly CheckRun[], tail: string): VerifyEvidence {
  const bad = verdict.checks.find((c) => !c.ok);
  const tolerated = verdict.checks.filter((c) => c.ok && c.tolerated.length > 0).map((c) => `\`${c.command}\`: ${c.tolerated.join(', ')}`);
  const notes = [
    ...(bad ? ['New failures (not failing at baseline):', ...regressionLines(verdict)] : []),
    ...(tolerated.length ? ['Tolerated (failing at baseline):', ...tolerated] : []),
  ];
  const timedOut = bad ? runs.find((r) => r.command === bad.command)?.timedOut : undefined;
  return { passed: verdict.ok, command: bad?.command, tail: lastLines([tail, ...notes].join('\n'), 40), ...(timedOut ? { timedOut } : {}) };
}

/**
 * Runs the project checks in `cwd` and judges them against what the ratchet tolerates now.
 * Resolves with `aborted` when the signal stopped them (no verdict then).
 */
export async function ratchetChecks(ratchet: NightRatchet, opts: { cwd: string; logFile: string; timeoutMs: number; signal?: AbortSignal }): Promise<RatchetEvidence> {
  const result = await runCheckSet({ checks: ratchet.specs, ...opts });
  if (result.aborted) return { passed: false, tail: result.tail, aborted: true };
  const verdict = compareChecks(ratchet.file.current, result.runs);
  return { ...evidenceOf(verdict, result.runs, result.tail), verdict, runs: result.runs };
}

/**
 * An item's success condition in its worktree: its own `verify` (a hard condition: every command
 * must pass), else the project checks, judged by the ratchet when the night has one.
 */
export async function runSuccessCondition(
  ctx: NightContext,
  item: Pick<ManifestItem, 'verify'>,
  commands: string[],
  opts: { cwd: string; logFile: string; signal: AbortSignal },
): Promise<RatchetEvidence> {
  if (item.verify.length > 0 || !ctx.ratchet) return runChecks({ commands, cwd: opts.cwd, logFile: opts.logFile, timeoutMs: ctx.deps.checkTimeoutMs, signal: opts.signal });
  return ratchetChecks(ctx.ratchet, { ...opts, timeoutMs: ctx.deps.checkTimeoutMs });
}

/**
 * The project checks after merging `slug`, in the integration worktree `cwd`: passed or, when
 * they add a failure, the reason the merge is undone (with its evidence). Without a ratchet every
 * check must pass (the rule before the ratchet).
 */
export async function checkMerge(ctx: NightContext, slug: string, cwd: string, logFile: string): Promise<{ passed: true } | { passed: false; reason: string; evidence: string }> {
  const checks = ctx.manifest.checks;
  if (!ctx.ratchet) {
    const result = await runChecks({ commands: checks, cwd, logFile, timeoutMs: ctx.deps.checkTimeoutMs });
    if (result.passed) return { passed: true };
    return { passed: false, reason: `the project checks failed after the merge (\`${result.command ?? checks.join(' && ')}\`${result.timedOut ? ', timed out' : ''}); the merge was undone`, evidence: result.tail };
  }
  const result = await ratchetChecks(ctx.ratchet, { cwd, logFile, timeoutMs: ctx.deps.checkTimeoutMs });
  if (!result.verdict || !result.runs) return { passed: false, reason: 'the project checks were stopped after the merge; the merge was undone', evidence: result.tail };
  if (!result.verdict.ok) {
    const lines = regressionLines(result.verdict);
    ctx.event('checks_regressed', { slug, failures: result.verdict.checks.filter((c) => !c.ok).map((c) => ({ command: c.command, newFailures: c.newFailures })) });
    return { passed: false, reason: `the project checks failed after the merge, with failures that were not failing at baseline (${lines.join('; ')}); the merge was undone`, evidence: result.tail };
  }
  await recordMerge(ctx, ctx.ratchet, slug, result.verdict, result.runs);
  return { passed: true };
}

/** After a merge that stays: what it fixed is recorded, and what is tolerated tightens to its results. */
async function recordMerge(ctx: NightContext, ratchet: NightRatchet, slug: string, verdict: RatchetVerdict, runs: CheckRun[]): Promise<void> {
  const at = new Date(ctx.deps.now()).toISOString();
  const fixes = verdict.checks.filter((c) => c.fixed.length > 0 || c.fixedWhole).map((c) => ({ slug, command: c.command, tests: c.fixed, at }));
  ratchet.file = { ...ratchet.file, current: runs, fixes: [...ratchet.file.fixes, ...fixes] };
  await writeRatchetFile(ratchet.path, ratchet.file);
  if (fixes.length > 0) ctx.event('checks_fixed', { slug, fixes: fixes.map((f) => ({ command: f.command, tests: f.tests })) });
}

/**
 * What the ratchet tolerates now, per failing check: its failing test names, or its exit code
 * (for the mission brief). Undefined without a ratchet or when every check passes. Pure.
 */
export function toleratedFailures(ratchet: NightRatchet | undefined): Array<{ command: string; failures: string[] }> | undefined {
  const failing = (ratchet?.file.current ?? []).filter((r) => !checkPassed(r));
  if (failing.length === 0) return undefined;
  return failing.map((r) => ({ command: r.command, failures: r.format !== 'exit' && r.failing.length ? r.failing : [r.timedOut ? 'it times out' : `it exits with code ${r.exitCode ?? 'none'}`] }));
}
