/**
 * Shapes of one headless agent attempt (`claude -p`, DESIGN.md "One item, one fresh agent
 * session"): what the runner hears while it runs (AgentActivity) and what it gets back when it
 * ends (AgentOutcome). The runner decides success on evidence (result line, commits, checks);
 * these shapes only report what the agent process did.
 */

/** One thing the agent did, for `overnight status` ("current activity"). */
export interface AgentActivity {
  /** ISO time the line arrived. */
  at: string;
  /**
   * `tool`: a tool call ("Bash: npm test"); `text`: a line of assistant text; `turn`: a session
   * event that is neither (session started, API retry); `result`: the final result line.
   */
  kind: 'tool' | 'text' | 'turn' | 'result';
  /** One line for status, e.g. "Bash: npm test" (at most ~160 characters). */
  summary: string;
  /** Assistant turns so far (distinct assistant messages; the result line's num_turns once known). */
  turns: number;
  /** USD so far. Claude Code reports cost only on the result line, so this is 0 until then. */
  costUsd: number;
}

/** The last stream-json line of `claude -p --output-format stream-json --verbose` (`type: "result"`). */
export interface ResultLine {
  /** `success` (also for API errors, with is_error true), `error_max_turns`, `error_max_budget_usd`, `error_during_execution`. */
  subtype: string;
  is_error: boolean;
  num_turns: number;
  /** USD. */
  total_cost_usd: number;
  /** The final assistant text, or the API error message. Absent for max-turns/budget stops. */
  result?: string;
  /** `completed`, `api_error`, `max_turns`, `budget_exhausted`, ... (2.1.330). */
  terminal_reason?: string;
  permission_denials?: unknown[];
  session_id?: string;
  /** HTTP status of the API error that ended the run, when one did (2.1.330). */
  api_error_status?: number | null;
  /** Error strings, e.g. ["Reached maximum number of turns (2)"]. */
  errors?: string[] | null;
  [k: string]: unknown;
}

/** The completion signal the mission brief asks for at the end of the final message. */
export type Completion = { kind: 'complete' } | { kind: 'blocked'; reason: string } | { kind: 'none' };

/** Failure kinds an agent attempt can end with (a subset of session FAILURE_KINDS). */
export type AgentFailureKind = 'transient' | 'task' | 'permanent' | 'stalled';

export interface AgentFailure {
  kind: AgentFailureKind;
  /** One sentence for the report and the next attempt's brief. */
  message: string;
  /** ISO time a rate or usage limit resets, when the message says. */
  retryAt?: string;
  /** Short machine-readable cause: rate-limit, usage-limit, overloaded, api-error, auth, billing, binary-missing, max-turns, max-budget, hang-idle, hang-timeout, stalled, crash, aborted, execution-error, bad-request, bad-model, bad-setup. */
  cause?: string;
}

export interface AgentOutcome {
  /** The parsed result line, if any. */
  result?: ResultLine;
  exitCode: number | null;
  signal?: string;
  /** Set when a watchdog or the runner killed the process group. */
  killedBy?: 'idle' | 'timeout' | 'abort' | 'stalled';
  /** From the final assistant text (or the result text): TASK_COMPLETE or TASK_BLOCKED: <reason>. */
  completion: Completion;
  /** The agent's "Learnings" section from its final message. */
  learnings?: string;
  /** Assistant turns (result num_turns when present). */
  turns: number;
  /** USD (result total_cost_usd when present, else 0). */
  costUsd: number;
  /** Set when the attempt did not end with a clean result (is_error false); see classify.ts. */
  failure?: AgentFailure;
  /** The agent's last assistant text, at most ~2000 characters (the end is kept). */
  lastText: string;
  /** Last ~40 lines of stderr. */
  stderrTail: string;
  /** Wall-clock ms from spawn to the end of the process group. */
  durationMs: number;
  /** The claude session id (from the stream), normally the one passed as --session-id. */
  sessionId?: string;
  /** Tool calls the agent made. */
  toolCalls?: number;
  /** pid of the claude process (= its process group id), when it started. */
  pid?: number;
  /**
   * True when the agent never started: the binary was missing or not executable, the spawn failed
   * (ENOENT, EACCES, EAGAIN), the plugin or settings were unusable, or the runner stopped before the
   * spawn. Such an attempt is recorded (so retries stay bounded) but not counted as an attempt in
   * the morning report.
   */
  neverStarted?: boolean;
}

/** Everything one agent attempt needs. Also exported from run.ts. */
export interface AgentRunOptions {
  /** Path of the claude binary (absolute, or a name on PATH). */
  claudePath: string;
  /** The item's worktree: the agent's working directory. Must exist. */
  cwd: string;
  /** The mission brief (see brief.ts): the prompt given with -p. */
  brief: string;
  /** The overnight plugin root (holds .claude-plugin/plugin.json and hooks/hooks.json). */
  pluginDir: string;
  /** The session settings file (permission deny rules) given with --settings. */
  settingsFile: string;
  /** Tool names for --allowedTools and --tools (see AGENT_ALLOWED_TOOLS). */
  allowedTools: string[];
  /** Tool names for --disallowedTools; default AGENT_DISALLOWED_TOOLS. */
  disallowedTools?: string[];
  maxTurns: number;
  /** USD for --max-budget-usd. */
  budgetUsd: number;
  model?: string;
  /** A UUID, passed as --session-id. */
  claudeSessionId: string;
  /** Every stdout line (stream-json) is appended here as it arrives. */
  transcriptFile: string;
  /** stderr is appended here when given. */
  stderrFile?: string;
  /** Kill the process group after this many ms with no stdout line and no file change in the worktree. */
  idleTimeoutMs: number;
  /** Kill the process group this many ms after spawn, whatever it is doing. */
  absoluteTimeoutMs: number;
  /**
   * Kill the process group after this many ms with no commit and no change to a tracked file in the
   * worktree, however much output it produces (stall.ts; config agent.stall_timeout). Unset: no stall watch.
   */
  stallTimeoutMs?: number;
  /** Extra environment merged over process.env (the runner passes OVERNIGHT_* for the hooks). */
  env?: Record<string, string>;
  /**
   * Whether the child inherits process.env (default true). With false, the child sees only `env`
   * (tests pass a complete, private environment).
   */
  inheritEnv?: boolean;
  /**
   * Extra credential variable names or `PREFIX*` patterns (config `safety.secret_env`) left out of
   * the inherited environment, besides src/safety/sandbox.ts SECRET_ENV_PATTERNS.
   */
  secretEnv?: string[];
  onActivity?: (a: AgentActivity) => void;
  /** Abort = the runner stops (deadline, shutdown): the process group is killed, killedBy 'abort'. */
  signal?: AbortSignal;
  /** ms between SIGTERM and SIGKILL when killing the process group (default 5000). */
  killGraceMs?: number;
}
