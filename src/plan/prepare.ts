/**
 * `overnight prepare` as a function: config, backlog, eligibility, --only/--exclude, rounds within
 * the time limit, and the markdown plan. Read-only: it writes nothing (files, git refs, index).
 * `overnight launch` calls it too and freezes `plan.markdown` into plan.md.
 */
import { reviewSettings } from '../runner/review-settings.js';
import { selectEligible } from '../backlog/eligibility.js';
import { scanBacklog } from '../backlog/read.js';
import type { BacklogItem } from '../backlog/types.js';
import { loadConfig } from '../config/load.js';
import { checkCommands, type OvernightConfig } from '../config/schema.js';
import { parseDuration, parseTimeLimit } from '../util/duration.js';
import { OvernightError } from '../util/errors.js';
import { combineErrors } from '../util/zod-issues.js';
import { resolveBaseBranch } from './base-branch.js';
import { renderPlanMarkdown, toExcluded } from './render.js';
import { fitTimeLimit } from './rounds.js';
import { shippedAwaitingReview } from './shipped.js';
import { applySelection, resolveOptionIds } from './selection.js';
import { applyApproval, needsApproval } from './approval.js';
import type { SessionPlan } from './types.js';

export interface PrepareOptions {
  /** Time limit text (`6h`, `1.5h`, `90m`); default: config `time_limit`. */
  timeLimit?: string;
  /** Keep only these items (ids, slugs or `NNN-slug`). */
  only?: string[];
  /** Leave these items out (ids, slugs or `NNN-slug`). */
  exclude?: string[];
  /** Agents at once (1-16); default: config `concurrency`. */
  concurrency?: number;
  /**
   * `--approve`: the items of an `approval.ask` type that got an explicit yes (ids, slugs or
   * `NNN-slug`). Undefined: the plan as shown before any answer (every item stays, those needing
   * a yes are marked); given (launch): ask items not named here are not run.
   */
  approve?: string[];
  /** The plan's timestamp (tests); default: now. */
  now?: Date;
}

/** Validates a --time-limit value; throws `cli.time-limit` (exit code 2). Returns ms. */
export function parseTimeLimitOption(text: string): number {
  const ms = parseTimeLimit(text);
  if (ms === undefined) {
    throw new OvernightError('cli.time-limit', `invalid time limit '${text}'`, {
      field: '--time-limit',
      fix: "Use hours such as '6h' or '1.5h', or minutes such as '90m'.",
      exitCode: 2,
    });
  }
  return ms;
}

/** Validates a --concurrency value (a whole number from 1 to 16); throws `cli.concurrency` (exit code 2). */
export function checkConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 16) {
    throw new OvernightError('cli.concurrency', `invalid concurrency '${value}'`, {
      field: '--concurrency',
      fix: 'Use a whole number from 1 to 16.',
      exitCode: 2,
    });
  }
  return value;
}

/**
 * Computes tonight's session plan for the repository at `repoRoot` (its top-level folder).
 * Returns the plan (rounds, ineligible with reasons, deferred, excluded, markdown), the validated
 * config and every valid backlog item (sorted by id, `dependsOn` resolved).
 * Throws OvernightError/OvernightErrors on bad input, before anything else happens: invalid
 * --time-limit or --concurrency (exit 2), invalid config (every problem), a missing backlog folder
 * (`backlog.missing`), an invalid backlog (every problem in every file), --only/--exclude naming
 * no item (exit 2), a configured base branch that does not exist, or a detached HEAD.
 * Items shipped on a still-open integration branch are ineligible (src/plan/shipped.ts).
 * Read-only: reads files and runs `git rev-parse`, `git symbolic-ref`, `git for-each-ref` and `git cat-file` only.
 */
export async function preparePlan(
  repoRoot: string,
  options: PrepareOptions = {},
): Promise<{ plan: SessionPlan; config: OvernightConfig; items: BacklogItem[] }> {
  if (options.timeLimit !== undefined) parseTimeLimitOption(options.timeLimit);
  if (options.concurrency !== undefined) checkConcurrency(options.concurrency);
  const config = await loadConfig(repoRoot);
  const timeLimit = options.timeLimit ?? config.time_limit;
  const timeLimitMs = parseTimeLimitOption(timeLimit);
  const concurrency = options.concurrency ?? config.concurrency;

  const scan = await scanBacklog(repoRoot, config);
  if (scan.errors.length > 0) throw combineErrors(scan.errors);
  if (!scan.exists) {
    throw new OvernightError('backlog.missing', `there is no backlog folder '${scan.dir}/'`, {
      file: `${scan.dir}/`,
      fix: `Create a first item with: overnight add "<title>" (or set backlog_dir in overnight.config.yaml).`,
    });
  }
  const items = scan.items;
  const only = options.only && options.only.length > 0 ? resolveOptionIds('--only', options.only, items, scan.dir) : undefined;
  const exclude = resolveOptionIds('--exclude', options.exclude ?? [], items, scan.dir);
  const baseBranch = await resolveBaseBranch(repoRoot, config);

  const eligibility = selectEligible(items, config, await shippedAwaitingReview(repoRoot, baseBranch, items));
  const selection = applySelection(eligibility.eligible, only, exclude);
  const approved = options.approve ? resolveOptionIds('--approve', options.approve, items, scan.dir) : undefined;
  const approval = applyApproval(selection.selected, approved, config.approval);
  const defaultEstimate = parseDuration(config.agent.estimate) ?? 30 * 60_000;
  const fit = fitTimeLimit(approval.selected, concurrency, (item) => item.timeoutMs ?? defaultEstimate, timeLimitMs);

  const withoutMarkdown: Omit<SessionPlan, 'markdown'> = {
    generatedAt: (options.now ?? new Date()).toISOString(),
    baseBranch,
    timeLimitMs,
    timeLimit,
    concurrency,
    backlogDir: scan.dir,
    sandbox: config.safety.sandbox,
    ...(config.budget_usd !== undefined ? { budgetUsd: config.budget_usd } : {}),
    ...(reviewSettings(config) ? { review: reviewSettings(config) } : {}),
    rounds: fit.rounds,
    excluded: selection.excluded.map(({ item, reason }) => toExcluded(item, reason)),
    notApproved: approval.notApproved.map(({ item, reason }) => toExcluded(item, reason)),
    approval: {
      ask: fit.rounds.flatMap((r) => r.items.map((p) => p.item)).filter((i) => needsApproval(i.type, config.approval)).map((i) => i.id),
      answered: approved !== undefined,
    },
    ineligible: eligibility.ineligible.map(({ item, reason }) => toExcluded(item, reason.text)),
    deferred: fit.deferred.map(({ item, reason }) => toExcluded(item, reason)),
    estimateMs: fit.estimateMs,
    notCandidates: {
      done: eligibility.notCandidates.filter((i) => i.status === 'done').length,
      dropped: eligibility.notCandidates.filter((i) => i.status === 'dropped').length,
    },
  };
  const plan: SessionPlan = { ...withoutMarkdown, markdown: renderPlanMarkdown(withoutMarkdown, checkCommands(config.checks)) };
  return { plan, config, items };
}
