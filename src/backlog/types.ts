/** Shapes shared by the backlog, the plan and the runner (DESIGN.md, "Backlog items"). */

export const ITEM_STATUSES = ['draft', 'ready', 'in-progress', 'done', 'failed', 'blocked', 'dropped'] as const;
export const ITEM_TYPES = ['feature', 'bug', 'test', 'docs', 'refactor', 'chore', 'epic'] as const;
export const ITEM_PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;

export type ItemStatus = (typeof ITEM_STATUSES)[number];
export type ItemType = (typeof ITEM_TYPES)[number];
export type ItemPriority = (typeof ITEM_PRIORITIES)[number];

/** One backlog item, read from `backlog/NNN-slug.md` and validated. */
export interface BacklogItem {
  /** Numeric id from the file name (`012-csv-export.md` -> 12). */
  id: number;
  /** Slug from the file name (`csv-export`). */
  slug: string;
  /** Path of the file relative to the repository root, e.g. `backlog/012-csv-export.md`. */
  file: string;
  title: string;
  status: ItemStatus;
  type: ItemType;
  priority: ItemPriority;
  /** Dependencies as written (ids or slugs); resolved to ids in `dependsOn`. */
  blockedBy: Array<number | string>;
  /** Ids of the items this one depends on (resolved from blockedBy). */
  dependsOn: number[];
  /** Success condition commands from `verify` (a string is one command); empty means the project checks. */
  verify: string[];
  maxTurns?: number;
  budgetUsd?: number;
  /** Per-item absolute timeout in ms (from `timeout: 45m`). */
  timeoutMs?: number;
  /** The markdown body (everything after the frontmatter). */
  body: string;
  /** Bullet lines of the `## Acceptance criteria` section, without the bullet. */
  acceptanceCriteria: string[];
}
