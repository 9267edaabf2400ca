/**
 * The test ratchet's shapes (issue 9, "Test ratchet"; seeds 000 and 004: "if you break more tests
 * than were passing at start, revert and stop"): one run of one project check, and the session's
 * `checks-baseline.json` (the checks as they ran on the base commit at the start of the night, what
 * is tolerated now, and which item fixed what). Validated with zod when read.
 */
import { z } from 'zod';

/**
 * How a check's outcome is compared: by the names of its failing tests (`tap`: TAP on its output;
 * `junit`: the JUnit XML file it declares) or, when neither could be read, by its exit code (`exit`).
 */
export const CHECK_FORMATS = ['tap', 'junit', 'exit'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export const checkRunSchema = z.object({
  /** The shell command, as configured. */
  command: z.string(),
  /** Its exit code; null when it was killed (timeout, signal). */
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean().default(false),
  format: z.enum(CHECK_FORMATS),
  /** Names of the tests that failed (`tap`/`junit`; empty for `exit`), sorted. */
  failing: z.array(z.string()).default([]),
  /** Names of the tests that passed or were skipped (`tap`/`junit`), sorted. */
  passing: z.array(z.string()).default([]),
  /** Why a declared report could not be used (file missing, not JUnit XML...): compared by exit code. */
  note: z.string().optional(),
  /** Wall-clock time, ms. */
  durationMs: z.number().min(0).default(0),
});
/** One run of one project check. */
export type CheckRun = z.infer<typeof checkRunSchema>;

export { checkPassed } from './passed.js';

export const ratchetFixSchema = z.object({
  /** The item whose merge made them pass. */
  slug: z.string(),
  command: z.string(),
  /** Test names that failed before and pass now; empty when the whole check (compared by exit code) now passes. */
  tests: z.array(z.string()),
  /** ISO time of the merge. */
  at: z.string(),
});
export type RatchetFix = z.infer<typeof ratchetFixSchema>;

export const ratchetFileSchema = z.object({
  version: z.literal(1),
  /** The commit the baseline ran on (session.json baseCommit). */
  baseCommit: z.string(),
  /** ISO time the baseline run started. */
  ranAt: z.string(),
  /** Wall-clock time of the baseline run, ms. */
  durationMs: z.number().min(0),
  /** The project checks on the base commit, in config order. Never changes after it is written. */
  baseline: z.array(checkRunSchema),
  /**
   * What is tolerated now: the checks as they ran after the last merge (starts as `baseline`).
   * A failure an item fixed is no longer tolerated (the ratchet only tightens).
   */
  current: z.array(checkRunSchema),
  /** Failures fixed by merged items, in merge order. */
  fixes: z.array(ratchetFixSchema).default([]),
});
/** `checks-baseline.json` in the session folder. */
export type RatchetFile = z.infer<typeof ratchetFileSchema>;
