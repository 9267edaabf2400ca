/**
 * The words for merge conflicts (src/runner/conflict.ts), shared by the runner, the morning
 * report and `overnight status`. Pure, and free of git and process code so the report and status
 * load it cheaply.
 */
import type { AttemptRecord } from '../session/state.js';

/** `#1 first-note` for each item, joined with `, ` (`another item` when none is known). Pure. */
export function conflictingNames(items: ReadonlyArray<{ id: number; slug: string }>): string {
  return items.length > 0 ? items.map((i) => `#${i.id} ${i.slug}`).join(', ') : 'another item';
}

/**
 * The line the morning report and `overnight status` show for an attempt that ran into a
 * conflict: `re-run after a conflict with #1 first-note (CHANGELOG.md)`, or `no conflict re-run left after
 * a conflict with ...` when the item failed on it. Pure.
 */
export function conflictLine(conflict: NonNullable<AttemptRecord['conflict']>): string {
  const what = `a conflict with ${conflictingNames(conflict.with)} (${conflict.files.join(', ') || 'files unknown'})`;
  return conflict.rerun ? `re-run after ${what}` : `no conflict re-run left after ${what}`;
}

/** The conflict lines of an item's attempts, `attempt N: ...`, oldest first. Pure. */
export function conflictLines(attempts: readonly AttemptRecord[]): string[] {
  return attempts.filter((a) => a.conflict).map((a) => `attempt ${a.n}: ${conflictLine(a.conflict!)}`);
}
