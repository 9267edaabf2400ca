/** What one night's components share: the session, its files, its dependencies and its controls. */
import type { OvernightConfig } from '../config/schema.js';
import type { sessionFiles } from '../session/paths.js';
import type { SessionManifest, SessionState } from '../session/state.js';
import type { RetryPolicy } from './judge.js';
import type { RunAgentFn } from './types.js';
import type { BriefInput } from '../agent/brief.js';
import type { IntegrationWatch } from './integration-watch.js';
import type { NightRatchet } from '../ratchet/baseline.js';

/** The night's replaceable dependencies (tests inject a fake agent; the CLI uses the real adapter). */
export interface NightDeps {
  /** Runs one agent attempt: runAgent from src/agent/run.ts, or a fake in tests. */
  runAgent: RunAgentFn;
  /** Builds the mission brief: buildMissionBrief from src/agent/brief.ts. */
  buildBrief: (input: BriefInput) => string;
  /** The explicit --allowedTools list (AGENT_ALLOWED_TOOLS plus config agent.extra_allowed_tools). */
  allowedTools: string[];
  /** The plugin folder given as --plugin-dir. */
  pluginDir: string;
  /** Extra environment for every agent (besides the OVERNIGHT_* variables). */
  agentEnv?: Record<string, string>;
  /** Clock, ms since the epoch. */
  now: () => number;
  /** Retry limits and backoff. */
  retry: RetryPolicy;
  /** Per-command timeout of the success condition and project checks, ms. */
  checkTimeoutMs: number;
  /** Minimum interval between agent_activity events of one item, ms. */
  activityThrottleMs: number;
  /** End of the night: write the morning report (src/report/write.ts). Errors are logged, not fatal. */
  writeReport?: (repoRoot: string, sessionId: string) => Promise<unknown>;
  /** End of the night: push and open the pull request (src/report/pull-request.ts). Errors are logged, not fatal. */
  finishPullRequest?: (repoRoot: string, sessionId: string) => Promise<unknown>;
  /** An item finally failed (after its `item_failed` event): notify the `on_item_failure` targets (src/report/notify.ts notifyItemFailed). Never throws. */
  notifyItemFailed?: (repoRoot: string, sessionId: string, slug: string) => Promise<unknown>;
  /** The night paused for a rate or usage limit until `until` (ISO): notify every target (notifyNightEnd, kind `paused`). Never throws. */
  notifyPaused?: (repoRoot: string, sessionId: string, until: string, reason: string) => Promise<unknown>;
  /** The night stopped early without a pull-request step (e.g. the integration branch moved): notify every target (notifyNightEnd, kind `stopped`). Never throws. */
  notifyStopped?: (repoRoot: string, sessionId: string, reason: string) => Promise<unknown>;
  /** Measures free disk and load before items start (default: src/runner/resources.ts measureResources at the repository root). */
  measureResources?: () => { freeDiskMb: number; loadPerCore: number };
  /** Where progress lines go (runner.log when detached). */
  log: (line: string) => void;
}

export interface NightContext {
  repoRoot: string;
  sessionId: string;
  manifest: SessionManifest;
  config: OvernightConfig;
  files: ReturnType<typeof sessionFiles>;
  deps: NightDeps;
  /**
   * The claude binary every agent of the night runs: resolveClaude's path (src/agent/find-claude.ts),
   * or agent.claude_path as configured when nothing was found (the spawn then fails with ENOENT, a
   * permanent failure that stops the night). Optional for contexts built by tests.
   */
  claudePath?: string;
  /** The runner's own worktree with the integration branch checked out. */
  integrationWorktree: string;
  /** Serialised read-modify-write of state.json. */
  update: (mutate: (s: SessionState) => SessionState | void) => Promise<SessionState>;
  /** Appends an event. */
  event: (type: string, data?: Record<string, unknown>) => void;
  /** Pauses the whole session until an ISO time (rate or usage limit). */
  pause: (until: string, reason: string) => Promise<void>;
  /**
   * Stops the session early (a permanent failure): running agents are aborted, nothing new starts.
   * `kind` is recorded as state.stopKind (default `permanent`; `integration-branch-moved`...).
   */
  stopSession: (reason: string, kind?: string) => void;
  /** The watch over the integration branch: this run's merges, and whether it was found moved (integration-watch.ts). */
  integration: IntegrationWatch;
  /**
   * The test ratchet (src/ratchet/): the project checks' baseline and what is tolerated now.
   * Undefined when the night has no project checks or the ratchet is off: every check must pass.
   */
  ratchet?: NightRatchet;
  /** Runs `fn` alone in the merge queue (one merge into the integration branch at a time). */
  mergeQueue: <T>(fn: () => Promise<T>) => Promise<T>;
  /**
   * Worktrees of items merged in this run, free to be recycled by the next item
   * (`git worktree move` to its path, then reset and cleaned: git.ts resetItemWorktree).
   * Optional: without it every new item gets a fresh `git worktree add`.
   */
  spareWorktrees?: string[];
  /** A spare's `git clean -ffdx` started when its item merged (resolves true when it ran). */
  spareCleaning?: Map<string, Promise<boolean>>;
  /** Removals of spares no item will take (night.ts retireSpares); the end of the night awaits them. */
  spareRemovals?: Array<Promise<void>>;
}
