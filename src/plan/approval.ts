/**
 * Approval categories (issue 9, item 5; seed 001: auto-approved categories versus "requires
 * approval"). Config `approval.auto` lists the item types the plan's Approve covers; every other
 * type (`approval.ask`, default `feature`) needs an explicit yes per item: `overnight launch
 * --approve <ids>`, or one question per item in the /overnight skill. Pure functions.
 */
import { itemRef } from '../backlog/filename.js';
import type { BacklogItem } from '../backlog/types.js';
import type { OvernightConfig } from '../config/schema.js';

/** True when an item of this type needs an explicit yes (its type is not in `approval.auto`). */
export function needsApproval(type: string, approval: OvernightConfig['approval']): boolean {
  return !(approval.auto as readonly string[]).includes(type);
}

/** The outcome of approval: what runs, and what was not approved (with reasons). */
export interface ApprovalOutcome {
  selected: BacklogItem[];
  notApproved: Array<{ item: BacklogItem; reason: string }>;
}

/**
 * Keeps the items that are approved: an `auto` type, or an id in `approved`. With `approved`
 * undefined (the plan shown before any answer) every item stays. An item that depends on one
 * that was not approved is not run either, with a reason naming it. `selected` is in dependency
 * order, so a dependency is seen before its dependents. Nothing else changes.
 */
export function applyApproval(selected: readonly BacklogItem[], approved: Set<number> | undefined, approval: OvernightConfig['approval']): ApprovalOutcome {
  const out: ApprovalOutcome = { selected: [], notApproved: [] };
  if (!approved) return { selected: [...selected], notApproved: [] };
  const roots = new Map<number, BacklogItem>();
  for (const item of selected) {
    if (needsApproval(item.type, approval) && !approved.has(item.id)) {
      roots.set(item.id, item);
      out.notApproved.push({ item, reason: `not approved: a ${item.type} item needs an explicit yes (approval.ask); run it with \`overnight launch --approve ${item.id}\`` });
      continue;
    }
    const dep = item.dependsOn.find((d) => roots.has(d));
    if (dep !== undefined) {
      const root = roots.get(dep)!;
      roots.set(item.id, root);
      out.notApproved.push({ item, reason: `waits for ${itemRef(root)}, which is not approved` });
      continue;
    }
    out.selected.push(item);
  }
  return out;
}
