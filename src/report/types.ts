/**
 * The morning report's shape (DESIGN.md, "Morning report"): what report.json holds and what
 * morning-report.md renders. Built by `buildReport` from the session's files and git, with no I/O.
 */
import type { FailureKind, ItemRunStatus, MemoryRecord, SessionPhase } from '../session/state.js';
import type { ChecksBaselineFacts } from './checks-baseline.js';

/** One commit: full hash and subject line. */
export interface CommitFact {
  hash: string;
  subject: string;
}

/** What git says about the night, gathered by `collectGitFacts` (I/O) for `buildReport` (pure). */
export interface GitFacts {
  /** Tip of the integration branch, when the branch exists. */
  integrationHead?: string;
  /** Commits on the integration branch since the base commit (`git log base..integration`), newest first. */
  integrationCommits: CommitFact[];
  /** Per item slug: the item branch's commits brought in by its merge commit (`merge^1..merge^2`), oldest first. */
  itemCommits: Record<string, CommitFact[]>;
  /** Names of the repository's remotes (`git remote`). */
  remotes: string[];
  /**
   * Item branches the state names for items that did not ship but that git no longer has (the
   * runner deletes an empty branch at the end of the night). The report names no such branch.
   */
  goneBranches?: string[];
  /**
   * Per item slug: the merge commit of an item the state calls merged that the integration branch
   * no longer holds (rewound or deleted): it is not shipped. Absent when every merge is on the tip.
   */
  lostMerges?: Record<string, string>;
}

/** One `deny` decision of the safety gate, as read from audit.jsonl. */
export interface GateDenial {
  ts?: string;
  item?: string;
  tool?: string;
  ruleId: string;
  reason?: string;
  /** The command or path the agent tried, shortened to one line. */
  target?: string;
}

/** Gate denials grouped by rule id, most frequent first, with a few examples each. */
export interface AuditSummary {
  /** Tool calls recorded in audit.jsonl (allowed and denied). */
  toolCalls: number;
  denials: number;
  byRule: Array<{ ruleId: string; count: number; examples: GateDenial[] }>;
}

/** A question an agent could not ask (one markdown file of `deferred/`). */
export interface DeferredQuestion {
  /** File name inside `deferred/`. */
  file: string;
  item?: string;
  question: string;
  /** The agent's own decision and reasoning, when the file records it. */
  decision?: string;
  ts?: string;
}

/** Files the I/O wrapper found for an item (paths relative to the session folder). */
export interface ItemArtifacts {
  /** verify-N.log, transcripts, ... */
  files: string[];
  /** The newest verify log's text (or its last 200 lines), when there is one. */
  verifyLog?: string;
  /** The attempt number N of that `verify-N.log`. */
  verifyAttempt?: number;
}

/** Cost and effort of one item, for the per-item table. */
export interface ItemCost {
  id: number;
  slug: string;
  title: string;
  status: ItemRunStatus;
  attempts: number;
  turns: number;
  /** USD, as reported by Claude Code's `total_cost_usd`. */
  costUsd: number;
  /** Sum of the attempts' wall-clock time, ms. */
  agentMs: number;
}

interface ItemRef {
  id: number;
  slug: string;
  title: string;
  /** Backlog file relative to the repository root. */
  file: string;
  /** True for an item loop mode added after launch (committed on the base branch during the night). */
  addedInLoop?: boolean;
}

/** An item's last review pass (config `review`; src/report/review.ts reviewFact). */
export interface ReviewFact {
  /** The attempt it reviewed. */
  attempt: number;
  /** `none`: no valid verdict after the retry (the item was not merged). */
  verdict: 'approve' | 'reject' | 'none';
  /** The rejection reason, or why there was no verdict. */
  reason?: string;
  sessions: number;
  turns: number;
  /** USD (included in the item's cost). */
  costUsd: number;
  model?: string;
  /** Reviews of the item's attempts that rejected them. */
  rejections: number;
  /** Review transcripts of that attempt, relative to the session folder. */
  transcripts: string[];
}

export interface ShippedItem extends ItemRef {
  branch?: string;
  mergeCommit?: string;
  commits: CommitFact[];
  /** Commands that passed: the success condition, then the project checks after the merge. */
  checks: string[];
  attempts: number;
  /** Its attempts across runs (night, retries), one line per run; empty when it ran in one run only. */
  history: string[];
  /** Its merge conflicts, one line per attempt that ran into one (`attempt 1: re-run after a conflict with #1 notes (NOTES.md)`). */
  conflicts: string[];
  /** Its last review, when the review pass ran. */
  review?: ReviewFact;
}

export interface FailedItem extends ItemRef {
  failureKind?: FailureKind;
  /** How the last attempt ended (complete, blocked, failed, killed-idle, killed-timeout, interrupted). */
  outcome?: string;
  reason: string;
  /** Last lines of evidence: state evidence, else the verify log's tail. */
  evidence?: string;
  /** What a person should do next, in order. */
  nextSteps: string[];
  /** Kept for inspection. */
  branch?: string;
  /** Logs and transcripts, relative to the session folder. */
  files: string[];
  attempts: number;
  /** Its attempts across runs (night, retries), one line per run; empty when it ran in one run only. */
  history: string[];
  /** Its merge conflicts, one line per attempt that ran into one (src/runner/conflict.ts conflictLines). */
  conflicts: string[];
  /** Its last review, when the review pass ran. */
  review?: ReviewFact;
}

export interface BlockedItem extends ItemRef {
  /** `agent` when the agent said TASK_BLOCKED, `dependency` when an item it depends on failed. */
  cause: 'agent' | 'dependency';
  reason: string;
  dependsOn: string[];
  nextSteps: string[];
  /** Its attempts across runs (night, retries), one line per run; empty when it ran in one run only. */
  history: string[];
}

export interface NotRunItem extends ItemRef {
  status: ItemRunStatus;
  reason: string;
}

export interface ReportSummary {
  items: number;
  shipped: number;
  failed: number;
  blocked: number;
  /** Items the time limit kept from starting (status `deferred`). */
  deferred: number;
  /** Items stopped or not yet settled (interrupted, pending, running...). */
  unfinished: number;
  deferredQuestions: number;
  gateDenials: number;
  /** Wall-clock time from the runner's FIRST start to the end of the night (or now), ms: a resume or retry does not restart it. */
  durationMs: number;
  /** `overnight retry` runs of the session after the night itself. */
  retries: number;
  costUsd: number;
  turns: number;
  attempts: number;
}

/** The night's budget (config `budget_usd` at launch) against what the night spent. */
export interface BudgetFacts {
  /** USD. */
  limitUsd: number;
  /** USD spent (the summary's costUsd). */
  spentUsd: number;
  /** Slugs of the items the budget kept from starting (empty: the budget did not stop the night). */
  stopped: string[];
}

/** The morning report (report.json). */
export interface MorningReport {
  /** Loop mode's outcome (`overnight start --loop`): items added after launch, items seen but not run. */
  loop?: import('./loop.js').LoopReport;
  version: 1;
  sessionId: string;
  generatedAt: string;
  phase: SessionPhase;
  repoRoot: string;
  baseBranch: string;
  baseCommit: string;
  integrationBranch: string;
  integrationHead?: string;
  startedAt?: string;
  endedAt?: string;
  timeLimitMs: number;
  stopReason?: string;
  /** The OS sandbox the agents ran in (`off`: the night ran without OS containment). */
  sandbox: 'on' | 'off';
  summary: ReportSummary;
  /** Items launched without the explicit yes their type needs (approval.ask): not run. */
  notApproved?: Array<{ id: number; slug: string; title: string; reason: string }>;
  /** Set when the night had a budget (session.json `budgetUsd`). */
  budget?: BudgetFacts;
  /** The test ratchet: the project checks on the base commit, and the failures items fixed (checks-baseline.json). */
  checksBaseline?: ChecksBaselineFacts;
  shipped: ShippedItem[];
  failed: FailedItem[];
  blocked: BlockedItem[];
  /** Deferred by the time limit, interrupted, or still pending. */
  notRun: NotRunItem[];
  questions: DeferredQuestion[];
  gate: AuditSummary;
  costs: ItemCost[];
  learnings: Array<{ slug: string; title: string; text: string }>;
  /** What the end of the night did with the learnings file (memory across nights), once that step ran. */
  memory?: MemoryRecord;
  /** The integration branch's commits since the base, newest first. */
  integrationCommits: CommitFact[];
  /** `pending`: no pull request step ran yet; the commands are what would open it. */
  pullRequest?: { url?: string; commands: string[]; note?: string; pending?: boolean };
}
