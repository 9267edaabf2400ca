/**
 * `--only` and `--exclude`: which eligible items the user keeps in tonight's plan. Pure functions.
 */
import { itemRef } from '../backlog/filename.js';
import { findReferenced } from '../backlog/graph.js';
import type { BacklogItem } from '../backlog/types.js';
import { OvernightError } from '../util/errors.js';
import { closestMatch } from '../util/suggest.js';

/**
 * Splits a comma-separated option value (`3,csv-export, 7`) into trimmed, non-empty references.
 * Accepts an array of such values too (a repeated option).
 */
export function splitIds(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = Array.isArray(value) ? value : [value];
  return parts.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Resolves the references of an option (`--only`, `--exclude`) to item ids among `items`
 * (ids, slugs or `NNN-slug`). Throws OvernightError `cli.unknown-item` (exit code 2) naming the
 * option and the closest item for a reference that names no item.
 */
export function resolveOptionIds(option: string, references: readonly string[], items: readonly BacklogItem[], backlogDir: string): Set<number> {
  const ids = new Set<number>();
  for (const reference of references) {
    const item = findReferenced(reference, items);
    if (!item) {
      const suggestion = closestMatch(reference, items.flatMap((i) => [i.slug, itemRef(i)]));
      throw new OvernightError('cli.unknown-item', `${option} names '${reference}', which is not an item in ${backlogDir}/${suggestion ? ` — did you mean '${suggestion}'?` : ''}`, {
        field: option,
        fix: `Use ids or slugs of backlog items, comma-separated (e.g. ${option} 3,csv-export).`,
        exitCode: 2,
      });
    }
    ids.add(item.id);
  }
  return ids;
}

/** The outcome of --only/--exclude: what stays in the night and what the options left out (with reasons). */
export interface Selection {
  selected: BacklogItem[];
  excluded: Array<{ item: BacklogItem; reason: string }>;
}

/**
 * Applies --only (`only`, when given, keeps just those ids) and --exclude (removes those ids; it
 * wins over --only) to the eligible items (in dependency order). An item whose dependency (not done)
 * was left out is left out too, with a reason naming it: dependencies are not added automatically.
 */
export function applySelection(eligible: readonly BacklogItem[], only: Set<number> | undefined, exclude: Set<number>): Selection {
  const selection: Selection = { selected: [], excluded: [] };
  /** For each left-out item, the item at the root of its chain and the option that left it out. */
  const roots = new Map<number, { item: BacklogItem; by: 'exclude' | 'only' }>();
  for (const item of eligible) {
    let reason: string | undefined;
    if (exclude.has(item.id)) {
      reason = 'left out by --exclude';
      roots.set(item.id, { item, by: 'exclude' });
    } else if (only && !only.has(item.id)) {
      reason = 'not selected by --only';
      roots.set(item.id, { item, by: 'only' });
    } else {
      const dep = item.dependsOn.find((d) => roots.has(d));
      const root = dep === undefined ? undefined : roots.get(dep);
      if (dep !== undefined && root) {
        const depItem = eligible.find((i) => i.id === dep)!;
        const why = root.by === 'exclude' ? `${itemRef(root.item)} is left out by --exclude` : `${itemRef(root.item)} is not selected by --only`;
        const fix = root.by === 'exclude' ? `do not exclude ${root.item.id}` : `add ${root.item.id} to --only`;
        reason = `blocked by ${itemRef(depItem)}, which is not done and not in this night (${why}; ${fix})`;
        roots.set(item.id, root);
      }
    }
    if (reason) {
      selection.excluded.push({ item, reason });
    } else {
      selection.selected.push(item);
    }
  }
  return selection;
}
