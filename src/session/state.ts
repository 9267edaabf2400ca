/**
 * The shapes of a session on disk (DESIGN.md, "A session on disk"): the manifest (session.json,
 * written once at launch), the runner state (state.json, rewritten atomically, zod-validated on
 * read) and the event log (events.jsonl, append-only). The runner, status, resume, abandon and the
 * morning report all read these; nothing else is shared between processes.
 */
import { z } from 'zod';

/** What the night does with one item, as frozen at launch. */
export const manifestItemSchema = z.object({
  id: z.number().int(),
  slug: z.string(),
  title: z.string(),
  /** Backlog file relative to the repository root. */
  file: z.string(),
  type: z.string(),
  priority: z.string(),
  /** Slugs of items of this session it depends on. */
  dependsOn: z.array(z.string()),
  /** Success condition commands; empty means the project checks. */
  verify: z.array(z.string()),
  maxTurns: z.number().int().positive(),
  budgetUsd: z.number().positive(),
  /** Absolute timeout per attempt, ms. */
  timeoutMs: z.number().int().positive(),
  /** Planning estimate, ms. */
  estimateMs: z.number().int().positive(),
  round: z.number().int().positive(),
  /** The item's markdown body (goal, acceptance criteria...). */
  body: z.string(),
  acceptanceCriteria: z.array(z.string()),
});
export type ManifestItem = z.infer<typeof manifestItemSchema>;

export const manifestSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  /** ISO time of launch. */
  created: z.string(),
  repoRoot: z.string(),
  baseBranch: z.string(),
  /** Commit the integration branch was created from. */
  baseCommit: z.string(),
  integrationBranch: z.string(),
  timeLimitMs: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  /** Project checks run after each merge. */
  checks: z.array(z.string()),
  items: z.array(manifestItemSchema),
  /**
   * The test ratchet (config `ratchet` at launch): present when it is on, with the JUnit XML
   * report file of each check that declares one (by command). Absent: every check must pass.
   */
  ratchet: z.object({ junit: z.record(z.string(), z.string()).default({}) }).optional(),
  /** Claude Code's OS sandbox for the agents (config `safety.sandbox` at launch); sessions from before it existed read as `on`. */
  sandbox: z.enum(['on', 'off']).default('on'),
  /** The night's budget in USD (config `budget_usd` at launch); unset: no budget for the night. */
  budgetUsd: z.number().positive().optional(),
  /**
   * The review pass (config `review` at launch, src/runner/review.ts): when present, every item whose
   * success condition passed is reviewed before it merges. Absent: no review (and older sessions).
   */
  review: z
    .object({
      /** Model of the reviewer; absent: agent.model, else Claude Code's default. */
      model: z.string().optional(),
      maxTurns: z.number().int().positive(),
      /** USD per review session. */
      budgetUsd: z.number().positive(),
      /** Absolute timeout of a review session, ms. */
      timeoutMs: z.number().int().positive(),
    })
    .optional(),
  /** Items of an `approval.ask` type launched without a yes (and items waiting for them): not run tonight. */
  notApproved: z.array(z.object({ id: z.number().int(), slug: z.string(), title: z.string(), reason: z.string() })).optional(),
});
export type SessionManifest = z.infer<typeof manifestSchema>;

export const ITEM_RUN_STATUSES = [
  'pending', // waiting for its dependencies or a free slot
  'running', // an agent attempt is under way
  'verifying', // the agent finished; the success condition is running
  'merging', // waiting for or inside the merge queue
  'merged', // on the integration branch: shipped
  'failed', // gave up: see failureKind and reason
  'blocked', // the agent said TASK_BLOCKED, or a dependency failed
  'deferred', // not started: the time limit would not let it finish
  'interrupted', // stopped at the deadline or by a runner stop; resume starts it over
] as const;
export type ItemRunStatus = (typeof ITEM_RUN_STATUSES)[number];

/**
 * Statuses in which an item's run is over for this run of the runner (tonight): nothing more
 * happens to it until `overnight resume`, which starts deferred and interrupted items over. The
 * runner's scheduler is finished when every item is in one of these; entering one stamps `endedAt`.
 */
export const ITEM_STATUSES_ENDED_TONIGHT: readonly ItemRunStatus[] = ['merged', 'failed', 'blocked', 'deferred', 'interrupted'];

/**
 * Statuses in which an item is settled for the session: it has an outcome (shipped, given up,
 * blocked, or deferred for lack of time). `interrupted` is not among them: the item was cut short
 * at the time limit or by a runner stop, and is not done. Used by `overnight status`'s progress.
 */
export const ITEM_STATUSES_SETTLED: readonly ItemRunStatus[] = ['merged', 'failed', 'blocked', 'deferred'];

/** Failure kinds decide what happens next (DESIGN.md, "Failures, retries, limits"). */
export const FAILURE_KINDS = [
  'transient', // API error, rate/usage limit, crash, hang: retried or waited out
  'task', // checks fail, no changes, max turns, budget: a fresh attempt with the failure in its brief
  'permanent', // claude missing, not logged in, invalid config: stop the session early
  'merge', // merge conflict or project checks failing after the merge
  'dependency', // an item it depends on failed
  'timeout', // the session time limit ended it
  'stalled', // no commit and no tracked file change for agent.stall_timeout: a fresh attempt asked for smaller steps
  'review', // the review pass gave no verdict after its retry: not merged (fails closed)
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/**
 * The review pass of one attempt (config `review`, src/runner/review.ts): its verdict (`none`: no
 * valid verdict after the retry, so the item was not merged), the rejection reason or the problem,
 * and the review sessions' own turns, USD and transcripts. The attempt's `turns` and `costUsd`
 * include these (the review counts toward the item's cost).
 */
export const reviewRecordSchema = z.object({
  verdict: z.enum(['approve', 'reject', 'none']),
  /** The rejection reason, or why there was no verdict. */
  reason: z.string().optional(),
  /** Review sessions run (1, or 2 after a missing or malformed verdict). */
  sessions: z.number().int().min(0),
  turns: z.number().int().min(0),
  /** USD. */
  costUsd: z.number().min(0),
  /** Transcript paths relative to the session folder, one per session. */
  transcripts: z.array(z.string()).default([]),
  /** The model the reviewer ran (config review.model or agent.model); absent: Claude Code's default. */
  model: z.string().optional(),
});
export type ReviewRecord = z.infer<typeof reviewRecordSchema>;

export const attemptSchema = z.object({
  n: z.number().int().positive(),
  /** Which run of the session made it: 1 for the first night (and its resumes), 2 for the first `overnight retry`, ... Absent in older state files: 1. */
  run: z.number().int().positive().optional(),
  /** The `--session-id` given to claude. */
  claudeSessionId: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** How the attempt ended, in one word: complete, blocked, failed, killed-idle, killed-timeout, interrupted. */
  outcome: z.string().optional(),
  failureKind: z.enum(FAILURE_KINDS).optional(),
  /** One-paragraph description of what went wrong, fed to the next attempt's brief. */
  failure: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
  resultSubtype: z.string().optional(),
  turns: z.number().int().min(0).default(0),
  costUsd: z.number().min(0).default(0),
  /** Transcript path relative to the session folder. */
  transcript: z.string().optional(),
  /** Integration-branch commit the attempt's worktree and branch started from. */
  startCommit: z.string().optional(),
  /** Success-condition output, relative to the session folder. */
  verifyLog: z.string().optional(),
  /** The agent never started (claude missing, spawn failure): not counted as an attempt in the report. */
  notStarted: z.boolean().optional(),
  /**
   * Its work passed but its merge conflicted (outcome `conflict`, failure kind `merge`): the files
   * git's merge could not join, the items merged since the attempt started whose merges touched
   * them (`with`, the first one first), and where its work is kept. Set by src/runner/conflict.ts.
   */
  conflict: z
    .object({
      files: z.array(z.string()),
      with: z.array(z.object({ id: z.number().int(), slug: z.string(), title: z.string(), mergeCommit: z.string() })),
      /** The integration branch's tip the merge was tried on. */
      integrationTip: z.string(),
      /** The attempt's branch tip (its work), kept at `keptRef`. */
      tip: z.string(),
      keptRef: z.string().optional(),
      /** Whether the item was re-run for it (false: no conflict re-run was left, the item failed). */
      rerun: z.boolean(),
    })
    .optional(),
  /** The review pass of this attempt, when one ran (config `review.enabled`). */
  review: reviewRecordSchema.optional(),
});
export type AttemptRecord = z.infer<typeof attemptSchema>;

export const itemStateSchema = z.object({
  slug: z.string(),
  status: z.enum(ITEM_RUN_STATUSES),
  attempts: z.array(attemptSchema).default([]),
  failureKind: z.enum(FAILURE_KINDS).optional(),
  /** Why it failed, is blocked or deferred: one sentence for the report. */
  reason: z.string().optional(),
  /** Last lines of evidence (verify output, stderr, the agent's last words). */
  evidence: z.string().optional(),
  branch: z.string().optional(),
  worktree: z.string().optional(),
  /** Commits of the item's branch that were merged (oldest first). */
  commits: z.array(z.string()).default([]),
  /** The merge commit on the integration branch. */
  mergeCommit: z.string().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  /** Latest thing the agent did (a tool call, a line of text), for status. */
  activity: z.string().optional(),
  activityAt: z.string().optional(),
  /** What the agent learned (its "Learnings" section), passed to later briefs. */
  learnings: z.string().optional(),
  /** Integration-branch commit the current attempt started from (commits ahead are counted from it). */
  startCommit: z.string().optional(),
  /** Set when the runner accepted the item without an explicit TASK_COMPLETE (commits + passing success condition). */
  note: z.string().optional(),
});
export type ItemState = z.infer<typeof itemStateSchema>;

export const SESSION_PHASES = ['launched', 'scheduled', 'running', 'paused', 'stopped', 'complete', 'abandoned'] as const;
export type SessionPhase = (typeof SESSION_PHASES)[number];

/**
 * Who wakes the session up at its scheduled start, or at the end of a usage-limit pause
 * (src/wake/install.ts): an operating-system scheduler, which survives a reboot, or the sleeping
 * runner process itself (`process`, the last resort, which does not).
 */
export const wakeUpSchema = z.object({
  mechanism: z.enum(['systemd', 'launchd', 'at', 'cron', 'process']),
  /** ISO time it fires. */
  at: z.string(),
  /** What it runs: `overnight start` (a scheduled session) or `overnight resume` (after a pause). */
  command: z.enum(['start', 'resume']),
  /** How to find it again: the timer unit, the plist path, the at job number, the crontab marker, or the pid. */
  handle: z.string(),
  /** For people: `the systemd user timer overnight-<id>.timer`, `the at job 12`... */
  description: z.string(),
});
export type WakeUp = z.infer<typeof wakeUpSchema>;

/**
 * Loop mode (issue 9, mechanism 6; seed 004 `--loop`): chosen with `overnight start --loop`, kept
 * here so a detached runner and `overnight resume` go on with it. `approve`: the references (ids,
 * slugs, `NNN-slug`) given with `--approve` at start, the explicit yes for loop items of an
 * `approval.ask` type (they may name items that do not exist yet).
 */
export const loopStateSchema = z.object({
  /** ISO time loop mode was turned on. */
  since: z.string(),
  /** Poll interval, ms (config `loop.poll_interval`). */
  pollIntervalMs: z.number().int().positive(),
  /** No poll once less than this is left before the deadline, ms (config `loop.stop_before`). */
  stopBeforeMs: z.number().int().min(0),
  approve: z.array(z.string()).default([]),
  /** The base-branch commit last read (a poll with no new commit reads nothing). */
  lastCommit: z.string().optional(),
  /** ISO time of the last poll. */
  lastPollAt: z.string().optional(),
  /** ISO time polling stopped (the time limit neared), and why. */
  stoppedAt: z.string().optional(),
  stopReason: z.string().optional(),
  /** Items that became ready after launch but were not added, with the reason (each recorded once, the latest reason kept). */
  skipped: z.array(z.object({ id: z.number().int(), slug: z.string(), title: z.string(), reason: z.string(), commit: z.string() })).default([]),
});
export type LoopState = z.infer<typeof loopStateSchema>;

/** An item added to the night by loop mode: the manifest entry it runs with, when, and the base-branch commit it was read from. */
export const addedItemSchema = z.object({
  slug: z.string(),
  /** ISO time it was added. */
  at: z.string(),
  /** The base-branch commit whose backlog held it (merged into the integration branch before it runs). */
  commit: z.string(),
  item: manifestItemSchema,
});
export type AddedItem = z.infer<typeof addedItemSchema>;

/** state.stopKind when the integration branch lost the runner's merges mid-night (src/runner/integration-guard.ts). */
export const INTEGRATION_MOVED = 'integration-branch-moved';

/**
 * What the end of the night did with the learnings file (memory across nights): `written` (a
 * commit on the integration branch), `unchanged` (nothing new to add), `off` (`memory.file: off`),
 * `skipped` (nothing shipped, so no pull request would carry it), `failed` (git failed: `note`).
 */
export const memoryRecordSchema = z.object({
  file: z.string(),
  outcome: z.enum(['written', 'unchanged', 'off', 'skipped', 'failed']),
  /** Tonight's learnings added to the file. */
  added: z.number().int().min(0).default(0),
  /** Tonight's learnings the file already had. */
  duplicates: z.number().int().min(0).default(0),
  /** Entries dropped (oldest first) to keep the file within memory.max_bytes. */
  dropped: z.number().int().min(0).default(0),
  /** Entries the file holds after the step. */
  kept: z.number().int().min(0).default(0),
  /** The commit on the integration branch, for `written`. */
  commit: z.string().optional(),
  note: z.string().optional(),
  at: z.string(),
});
export type MemoryRecord = z.infer<typeof memoryRecordSchema>;

export const sessionStateSchema = z.object({
  version: z.literal(1),
  sessionId: z.string(),
  phase: z.enum(SESSION_PHASES),
  /** ISO time of the scheduled start (phase `scheduled`). */
  scheduledFor: z.string().optional(),
  /** ISO time the runner first started, and when the night ended. */
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  /** ISO time after which no item starts and running ones are stopped. */
  deadline: z.string().optional(),
  /** Pause (rate or usage limit) until this ISO time, and why. */
  pausedUntil: z.string().optional(),
  pausedReason: z.string().optional(),
  /** Why the session stopped early (a permanent failure), if it did. */
  stopReason: z.string().optional(),
  /** The kind of early stop: `permanent` (claude missing, not logged in...), INTEGRATION_MOVED. */
  stopKind: z.string().optional(),
  runnerPid: z.number().int().optional(),
  /** Who wakes the session at its scheduled start or at the end of its pause (wakeUpSchema). */
  wakeUp: wakeUpSchema.optional(),
  /** The current run: 1 for the night itself (and its resumes); each `overnight retry` adds one. Absent: 1. */
  run: z.number().int().positive().optional(),
  /** Every `overnight retry` of the session: when, and which items it ran again (slugs). */
  retries: z.array(z.object({ run: z.number().int().positive(), at: z.string(), items: z.array(z.string()) })).optional(),
  /** Loop mode, when `overnight start --loop` turned it on (loopStateSchema). */
  loop: loopStateSchema.optional(),
  /** Items added by loop mode after launch, in the order they were added; session.json (the approved plan) never changes. */
  added: z.array(addedItemSchema).optional(),
  /** Items keyed by slug, in plan order. */
  items: z.record(z.string(), itemStateSchema),
  /** Pull request URL, or the exact commands that would open it. */
  pullRequest: z.object({ url: z.string().optional(), commands: z.array(z.string()).default([]), note: z.string().optional() }).optional(),
  /** The learnings file at the end of the night (src/memory/night-end.ts), when that step ran. */
  memory: memoryRecordSchema.optional(),
  updatedAt: z.string(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

/** The stop reason written when a signal (SIGTERM, SIGINT, SIGHUP) stopped the runner: nothing needs fixing, `overnight resume` goes on. */
export const STOP_REASON_SIGNAL = 'the runner was stopped by a signal';

/** One line of events.jsonl: a timestamp, a type, the item it concerns (if any) and free-form data. */
export const eventSchema = z
  .object({
    ts: z.string(),
    type: z.string(),
    slug: z.string().optional(),
  })
  .loose();
export type SessionEvent = z.infer<typeof eventSchema>;
