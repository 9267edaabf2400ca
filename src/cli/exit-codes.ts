/**
 * The exit codes of the overnight CLI, one meaning each, so cron, CI and scripts can tell outcomes
 * apart (docs/user-guide.md, "Exit codes").
 */

/** Success; for `start` and `resume`: the night ran to its end (or was stopped by a signal, resumable). */
export const EXIT_OK = 0;
/** An error the message explains (bad input, a refused command): OvernightError's default. */
export const EXIT_ERROR = 1;
/** A usage error: an unknown option or a bad option value (`cli.*` errors). */
export const EXIT_USAGE = 2;
/**
 * `start` / `resume`: the night stopped early on a PERMANENT failure (claude missing, not logged in,
 * an invalid key or model, a broken safety configuration, the integration branch moved under it). The stop reason says what to fix.
 */
export const EXIT_STOPPED_PERMANENT = 3;
/** A bug in overnight: the message holds a stack trace. */
export const EXIT_INTERNAL = 70;

/**
 * The exit code of a finished `start`/`resume` run, from its summary (src/runner/night.ts
 * NightSummary): EXIT_STOPPED_PERMANENT when the night stopped early for a cause (stopKind
 * `permanent`, or the integration branch moved under the runner), EXIT_OK otherwise (a complete
 * night, or a stop by a signal: `signal`, resumable).
 */
export function nightExitCode(summary: { phase: string; stopKind?: string }): number {
  return summary.phase === 'stopped' && summary.stopKind !== undefined && summary.stopKind !== 'signal' ? EXIT_STOPPED_PERMANENT : EXIT_OK;
}
