/**
 * Closing the loop with the backlog (DESIGN.md, "Git model"; issue 12, item 1): the merge of an
 * item into the integration branch also sets its backlog file to `status: done` THERE, in the
 * merge commit's tree, so merging the night's pull request closes the item. The user's checkout is
 * never touched: the change is made on git objects only (src/runner/git.ts treeWithFile).
 */
import { setItemStatusText } from '../backlog/set-status.js';
import { readTreeFile, treeWithFile } from './git.js';

/** What happened to the backlog file in the merged tree. */
export type MarkDoneOutcome =
  | { tree: string; marked: true }
  | { tree: string; marked: false; why: 'already-done' | 'not-tracked' | 'unreadable' };

/**
 * Returns `tree` (a merged tree id) with the item file `file` (relative to the repository root)
 * set to `status: done`, the rest of the file byte-identical (src/backlog/set-status.ts). When the
 * file is not in the tree (the backlog is not committed), says `already done`, or its frontmatter
 * cannot be read, the tree comes back unchanged with the reason. Throws the git error of a failed
 * plumbing step.
 */
export async function markDoneInTree(repoRoot: string, tree: string, file: string): Promise<MarkDoneOutcome> {
  const current = await readTreeFile(repoRoot, tree, file);
  if (!current) return { tree, marked: false, why: 'not-tracked' };
  const next = setItemStatusText(current.text, 'done');
  if (next === undefined) return { tree, marked: false, why: 'unreadable' };
  if (next === current.text) return { tree, marked: false, why: 'already-done' };
  return { tree: await treeWithFile(repoRoot, current, file, next), marked: true };
}
