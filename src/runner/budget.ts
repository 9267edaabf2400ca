/**
 * A budget for the whole night (issue 9, item 8; config `budget_usd`, frozen into session.json at
 * launch): when the cost so far plus the expected cost of an item would pass it, that item does
 * not start. Pure; the scheduler (scheduler.ts) asks, the report and `status` show the result.
 *
 * Costs come from Claude Code's result lines (`total_cost_usd`, USD), which arrive only when an
 * attempt ends, so a running attempt's cost is not known until then. The expected cost of one
 * item is therefore:
 * - the mean cost of the attempts that ended tonight, once there are some (what this night's
 *   items actually cost);
 * - before that, the item's own per-attempt cap (`budget_usd` of the item or `agent.budget_usd`):
 *   the most one attempt may spend (Claude Code's `--max-budget-usd`).
 * An item whose start would pass the budget on what is already spent is deferred for good
 * (spending only grows). One that fits on what is spent but not once the running items' expected
 * cost is added waits until they end, so an estimate never defers an item that would have fit.
 */
import { formatUsd } from '../util/usd.js';
import type { ItemState, ManifestItem } from '../session/state.js';

/** The start of the reason of every item the night's budget kept from starting. */
export const BUDGET_DEFER_PREFIX = "not started: the night's budget";

/** True when an item's reason says the night's budget kept it from starting. */
export function isBudgetDeferral(reason: string | undefined): boolean {
  return Boolean(reason?.startsWith(BUDGET_DEFER_PREFIX));
}

/** USD spent so far: the sum of every recorded attempt's cost. */
export function spentUsd(states: Record<string, ItemState>): number {
  let sum = 0;
  for (const st of Object.values(states)) for (const a of st.attempts) sum += a.costUsd;
  return sum;
}

/** The expected cost of one more item, USD (see the module comment). */
export function expectedItemUsd(item: Pick<ManifestItem, 'budgetUsd'>, states: Record<string, ItemState>): number {
  const ended = Object.values(states).flatMap((st) => st.attempts.filter((a) => a.endedAt !== undefined));
  if (ended.length === 0) return item.budgetUsd;
  return ended.reduce((sum, a) => sum + a.costUsd, 0) / ended.length;
}

/** What the budget says about starting one item now. */
export type BudgetDecision = { step: 'start' } | { step: 'wait' } | { step: 'defer'; reason: string };

export interface BudgetInput {
  /** The night's budget, USD. */
  limitUsd: number;
  /** USD spent so far (spentUsd). */
  spentUsd: number;
  /** The expected cost of the items in flight (their attempts have not reported a cost yet), USD. */
  inFlightUsd: number;
  /** The expected cost of the item that would start, USD. */
  itemUsd: number;
}

/**
 * Whether an item may start: `defer` when spent + its expected cost passes the budget, `wait`
 * when it fits only without the items in flight, else `start`. The reason names the figures.
 */
export function budgetDecision(b: BudgetInput): BudgetDecision {
  if (b.spentUsd + b.itemUsd > b.limitUsd) {
    return {
      step: 'defer',
      reason: `${BUDGET_DEFER_PREFIX} (${formatUsd(b.limitUsd)}) would be passed: ${formatUsd(b.spentUsd)} spent so far, and this item is expected to cost ${formatUsd(b.itemUsd)}`,
    };
  }
  if (b.spentUsd + b.inFlightUsd + b.itemUsd > b.limitUsd) return { step: 'wait' };
  return { step: 'start' };
}
