/** The session plan: what `overnight prepare` shows and `overnight launch` freezes into plan.md. */
import type { SessionManifest } from '../session/state.js';
import type { BacklogItem } from '../backlog/types.js';

/** An eligible item placed in the plan, with its planning estimate. */
export interface PlannedItem {
  item: BacklogItem;
  /** Planning estimate in ms (the item's `timeout`, else the config's `agent.estimate`). */
  estimateMs: number;
  /** 1-based round the item is planned in. */
  round: number;
}

/** A backlog item left out of the night, and why (one sentence a person can act on). */
export interface ExcludedItem {
  id: number;
  slug: string;
  title: string;
  file: string;
  reason: string;
}

/** A round: items that can run side by side (their dependencies are in earlier rounds), at most `concurrency` of them. */
export interface PlanRound {
  index: number;
  items: PlannedItem[];
  /** Longest estimate in the round, in ms. */
  estimateMs: number;
}

export interface SessionPlan {
  /** ISO time the plan was computed. */
  generatedAt: string;
  baseBranch: string;
  timeLimitMs: number;
  concurrency: number;
  rounds: PlanRound[];
  /** Eligible by their own state but not in the night: filtered by --only/--exclude. */
  excluded: ExcludedItem[];
  /** Of an `approval.ask` type and not approved (`launch --approve`), or waiting for such an item: not run tonight. */
  notApproved?: ExcludedItem[];
  /**
   * Items in the rounds that need an explicit yes (`ask`: their ids), and whether the yeses were
   * given (`answered`: launch with --approve; false: the plan shown before approval).
   */
  approval?: { ask: number[]; answered: boolean };
  /** Not eligible, each with its reason (draft, epic, blocked by an unfinished item, no acceptance criteria, no success condition...). */
  ineligible: ExcludedItem[];
  /** Eligible but past the time limit: deferred to another night, not dropped. */
  deferred: ExcludedItem[];
  /** Sum of the rounds' estimates, in ms. */
  estimateMs: number;
  /** The plan rendered as markdown (what the skill shows and plan.md holds). */
  markdown: string;
  /** The time limit as text (`6h`, `90m`), as given on the command line or in the config. */
  timeLimit?: string;
  /** The backlog folder, relative to the repository root. */
  backlogDir?: string;
  /** The OS sandbox for the agents (config `safety.sandbox`); `off` is said in plain words in the plan. */
  sandbox?: 'on' | 'off';
  /** The night's budget in USD (config `budget_usd`); shown in the plan when set. */
  budgetUsd?: number;
  /** The review pass (config `review`, when enabled): shown in the plan, frozen into session.json. */
  review?: SessionManifest['review'];
  /** How many items are not candidates at all because they are done or dropped. */
  notCandidates?: { done: number; dropped: number };
}
