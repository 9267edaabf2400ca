/**
 * Items shipped on a night's integration branch whose pull request is not merged yet (DESIGN.md,
 * "Git model"; issue 12, item 1). The runner sets an item's backlog file to `status: done` on the
 * integration branch `overnight/<session-id>` when it merges the item (src/runner/mark-done.ts).
 * Until that branch reaches the base branch, the user's backlog still says `ready`: `prepare`
 * must not plan the item again. Read-only: `git for-each-ref` and one `git cat-file --batch`.
 */
import { execa } from 'execa';
import { readItemStatusText } from '../backlog/set-status.js';
import type { BacklogItem } from '../backlog/types.js';
import { readObjects } from '../runner/git.js';

/** Integration branches are `overnight/<session-id>`; item branches are `overnight/<session-id>--<slug>` (src/session/paths.ts). */
const INTEGRATION_BRANCH = /^overnight\/(?!.*--)[^/]+$/;

/** Local integration branches, newest commit first (`git for-each-ref --sort=-committerdate`). */
async function integrationBranches(repoRoot: string): Promise<string[]> {
  const { stdout } = await execa('git', ['for-each-ref', '--sort=-committerdate', '--format=%(refname:short)', 'refs/heads/overnight/'], { cwd: repoRoot });
  return stdout.split('\n').map((l) => l.trim()).filter((name) => INTEGRATION_BRANCH.test(name));
}

/**
 * For each `ready` item of `items`, the integration branch that shipped it and awaits review: a
 * local `overnight/<session-id>` branch whose copy of the item's file says `status: done` while the
 * base branch's copy does not (after the pull request is merged, base says done and the branch no
 * longer counts; a later reopening of the item to `ready` is then honoured). The newest such
 * branch wins. Returns a map from item id to branch name; empty when there are no night branches.
 * Throws only when git itself fails to run.
 */
export async function shippedAwaitingReview(repoRoot: string, baseBranch: string, items: readonly BacklogItem[]): Promise<Map<number, string>> {
  const shipped = new Map<number, string>();
  const ready = items.filter((i) => i.status === 'ready');
  if (ready.length === 0) return shipped;
  const branches = await integrationBranches(repoRoot);
  if (branches.length === 0) return shipped;
  const refs = [baseBranch, ...branches];
  const specs = ready.flatMap((item) => refs.map((ref) => `refs/heads/${ref}:${item.file}`));
  const texts = (await readObjects(repoRoot, specs)).map((o) => (o?.type === 'blob' ? { oid: o.oid, text: o.raw.toString('utf8') } : undefined));
  // The YAML is parsed only for a copy that mentions `done` at all.
  const saysDone = (text: string) => /\bdone\b/.test(text) && readItemStatusText(text) === 'done';
  ready.forEach((item, i) => {
    const [base, ...onBranches] = texts.slice(i * refs.length, (i + 1) * refs.length);
    if (base && saysDone(base.text)) return;
    // Only a copy that differs from the base branch's can say something else (most are the same blob).
    const at = onBranches.findIndex((b) => b !== undefined && b.oid !== base?.oid && saysDone(b.text));
    if (at >= 0) shipped.set(item.id, branches[at]!);
  });
  return shipped;
}
