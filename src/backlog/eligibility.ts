/**
 * Which backlog items may run tonight (DESIGN.md, "Backlog items"): `status: ready`, not an epic,
 * a non-empty acceptance-criteria section, a success condition (`verify` or the project `checks`),
 * and every `blocked_by` item done or itself eligible. Every ineligible item gets one reason a
 * person can act on. Pure: no I/O.
 */
import { checkCommands, type OvernightConfig } from '../config/schema.js';
import { itemRef } from './filename.js';
import { dependencyOrder } from './graph.js';
import { successCommands } from './success-condition.js';
import type { BacklogItem, ItemStatus } from './types.js';

/** Why an item is not eligible; `text` is the sentence shown in the plan. */
export interface IneligibleReason {
  kind: 'status' | 'epic' | 'shipped' | 'no-acceptance-criteria' | 'no-success-condition' | 'blocked';
  text: string;
}

/** The reasons' sentences, exactly as the plan shows them (docs/backlog-format.md lists them too). */
export const REASONS = {
  status: (status: ItemStatus) => `status is ${status} (only ready items run)`,
  shipped: (branch: string) => `shipped in ${branch}, awaiting review`,
  epic: 'epic: split it into items',
  noAcceptanceCriteria: "no acceptance criteria: add a '## Acceptance criteria' section with at least one '- ' bullet",
  noSuccessCondition: 'no success condition: add `verify:` to the item, or project `checks` to overnight.config.yaml',
  blockedByStatus: (ref: string, status: ItemStatus) => `blocked by ${ref} (status: ${status}), which is not done and not in this night`,
  blockedByIneligible: (ref: string, why: string) => `blocked by ${ref}, which is not done and not in this night (${why})`,
} as const;

/** The outcome of eligibility: each item of the backlog is in exactly one of the three lists. */
export interface Eligibility {
  /** Eligible items, in dependency order (dependencies first, ties by id). */
  eligible: BacklogItem[];
  /** Items that could run but may not, each with one reason, in dependency order. */
  ineligible: Array<{ item: BacklogItem; reason: IneligibleReason }>;
  /** `done` and `dropped` items: not candidates for a night at all, by id. */
  notCandidates: BacklogItem[];
}

/** Statuses that take an item out of consideration entirely (not reported as ineligible). */
export const NOT_CANDIDATE_STATUSES: readonly ItemStatus[] = ['done', 'dropped'];

/**
 * The reason an item cannot run judged on the item alone (not its dependencies), or undefined.
 * Checked in this order, first failing wins: epic, status, shipped on an open integration branch,
 * acceptance criteria, success condition. `checks` are the project checks from the config (a
 * success condition for items without `verify`); `shippedIn` is the integration branch that
 * shipped the item and awaits review (src/plan/shipped.ts), if any.
 */
export function ownIneligibility(item: BacklogItem, checks: readonly string[], shippedIn?: string): IneligibleReason | undefined {
  if (item.type === 'epic') return { kind: 'epic', text: REASONS.epic };
  if (item.status !== 'ready') return { kind: 'status', text: REASONS.status(item.status) };
  if (shippedIn) return { kind: 'shipped', text: REASONS.shipped(shippedIn) };
  if (item.acceptanceCriteria.length === 0) return { kind: 'no-acceptance-criteria', text: REASONS.noAcceptanceCriteria };
  if (successCommands(item, checks).length === 0) return { kind: 'no-success-condition', text: REASONS.noSuccessCondition };
  return undefined;
}

/**
 * Splits the backlog into eligible, ineligible (with reasons) and not-candidate items.
 * `items` must have `dependsOn` resolved and no cycles (readBacklog guarantees both).
 * An item blocked by an item that is neither done nor eligible is ineligible, transitively; the
 * reason names the first such dependency (in blocked_by order) and, for a chain, the item at its root.
 * `shipped` maps item ids to the integration branch that shipped them, awaiting review
 * (src/plan/shipped.ts): those items are ineligible with the reason "shipped in <branch>, awaiting review".
 */
export function selectEligible(items: readonly BacklogItem[], config: Pick<OvernightConfig, 'checks'>, shipped: ReadonlyMap<number, string> = new Map()): Eligibility {
  const byId = new Map(items.map((i) => [i.id, i]));
  const eligibleIds = new Set<number>();
  const reasons = new Map<number, IneligibleReason>();
  /** For a blocked item, the item at the root of its chain and why that one cannot run. */
  const roots = new Map<number, string>();
  const result: Eligibility = { eligible: [], ineligible: [], notCandidates: [] };

  for (const item of dependencyOrder(items)) {
    if (NOT_CANDIDATE_STATUSES.includes(item.status)) continue;
    let reason = ownIneligibility(item, checkCommands(config.checks), shipped.get(item.id));
    if (!reason) {
      for (const depId of item.dependsOn) {
        const dep = byId.get(depId);
        if (!dep || dep.status === 'done' || eligibleIds.has(depId)) continue;
        const ref = itemRef(dep);
        const depReason = reasons.get(depId);
        if (dep.status !== 'ready' || !depReason) {
          reason = { kind: 'blocked', text: REASONS.blockedByStatus(ref, dep.status) };
          roots.set(item.id, `${ref}, status: ${dep.status}`);
        } else if (depReason.kind === 'blocked') {
          const root = roots.get(depId) ?? ref;
          reason = { kind: 'blocked', text: REASONS.blockedByIneligible(ref, `it waits for ${root}`) };
          roots.set(item.id, root);
        } else {
          reason = { kind: 'blocked', text: REASONS.blockedByIneligible(ref, `${ref}: ${depReason.text}`) };
          roots.set(item.id, `${ref}, ${depReason.kind.replace(/-/g, ' ')}`);
        }
        break;
      }
    }
    if (reason) {
      reasons.set(item.id, reason);
      result.ineligible.push({ item, reason });
    } else {
      eligibleIds.add(item.id);
      result.eligible.push(item);
    }
  }
  result.notCandidates = items.filter((i) => NOT_CANDIDATE_STATUSES.includes(i.status)).sort((a, b) => a.id - b.id);
  return result;
}
