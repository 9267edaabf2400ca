/**
 * Conflict repair (issue 9, mechanism 1). Items that run in parallel often touch the same file:
 * the second one to pass then cannot be merged, because the integration branch moved under it.
 * Instead of failing it, the runner re-runs it as a fresh attempt from the integration branch as
 * it stands now, and its brief names the item that merged first and the files that conflicted
 * (src/agent/brief.ts). At most `agent.conflict_retries` such re-runs per item and run; they do
 * not use up the item's task retries (`agent.retries`, transitions.ts failureCounts counts
 * `task` and `stalled` attempts only, and a conflict attempt is of kind `merge`).
 *
 * No side is ever taken for the agent: the merge is git's own "ort" merge with no `-X ours` or
 * `-X theirs` (git.ts mergeNoFfByTree, `git merge-tree --write-tree`), so a conflict that git can
 * join by itself (changes to different parts of a file) merges without any re-run, and one it
 * cannot is never settled by silently dropping one item's lines.
 *
 * The pure parts (parsing git's log, the texts, the decision) are apart from the I/O (git reads,
 * the ref that keeps the conflicting attempt's work, the state write).
 */
import type { ItemState, ManifestItem, SessionState } from '../session/state.js';
import type { BriefInput } from '../agent/brief.js';
import type { NightContext } from './context.js';
import { conflictingNames } from '../report/conflict-text.js';
import { gitRaw } from './git.js';
import { setItemStatus, updateAttempt } from './transitions.js';

/** An item whose merge into the integration branch came first and touched a conflicted file. */
export interface ConflictingItem {
  id: number;
  slug: string;
  title: string;
  /** Its merge commit on the integration branch. */
  mergeCommit: string;
}

/** What a conflicted merge found: git's conflicted files and the items merged first that touched them. */
export interface ConflictFacts {
  /** Files git's merge could not join (git-merge-tree(1), "Conflicted file info", names only). */
  files: string[];
  /** Items merged since the attempt started whose merges changed those files, oldest first. */
  with: ConflictingItem[];
  /** The integration branch's tip the merge was tried on. */
  integrationTip: string;
  /** The item branch's tip: the attempt's work. */
  tip: string;
}

/** One first-parent commit of the integration branch with the files it changed against its first parent. */
export interface MergeLogEntry {
  commit: string;
  subject: string;
  files: string[];
}

/** The record separator of the log format below (git-log(1), PRETTY FORMATS: `%x1e`). */
const RS = '\x1e';

/**
 * Parses the output of `git log --first-parent --reverse --diff-merges=first-parent --name-only
 * --format=%x1e%H %s` into entries, oldest first. Pure.
 */
export function parseMergeLog(out: string): MergeLogEntry[] {
  const entries: MergeLogEntry[] = [];
  for (const record of out.split(RS)) {
    const lines = record.split('\n');
    const head = lines[0]?.trim() ?? '';
    const sp = head.indexOf(' ');
    if (!/^[0-9a-f]{40,64}/.test(head)) continue;
    entries.push({
      commit: sp < 0 ? head : head.slice(0, sp),
      subject: sp < 0 ? '' : head.slice(sp + 1),
      files: lines.slice(1).map((l) => l.trim()).filter(Boolean),
    });
  }
  return entries;
}

/**
 * The manifest item a runner merge commit's subject names (`overnight: merge <NNN>-<slug>: <title>`,
 * merge-queue.ts mergeMessage), or undefined for any other commit. Pure.
 */
export function itemOfMergeSubject(subject: string, items: readonly ManifestItem[]): ManifestItem | undefined {
  const m = /^overnight: merge (\d+)-(\S+?): /.exec(subject);
  if (!m) return undefined;
  return items.find((i) => i.id === Number(m[1]) && i.slug === m[2]);
}

/**
 * Which items merged first and caused the conflict (pure): the runner's merges of `log` (oldest
 * first) whose changes touch one of `files`; when none does (a rename, or a change git reports
 * under another name), every item merged in `log`, so the brief still names them.
 */
export function conflictingItems(log: readonly MergeLogEntry[], items: readonly ManifestItem[], files: readonly string[]): ConflictingItem[] {
  const merges = log
    .map((e) => ({ e, item: itemOfMergeSubject(e.subject, items) }))
    .filter((x): x is { e: MergeLogEntry; item: ManifestItem } => x.item !== undefined);
  const touching = merges.filter(({ e }) => e.files.some((f) => files.includes(f)));
  return (touching.length > 0 ? touching : merges).map(({ e, item }) => ({ id: item.id, slug: item.slug, title: item.title, mergeCommit: e.commit }));
}

/**
 * Reads from git which items merged into the integration branch since the item's branch left it
 * (the first-parent commits of `integrationTip` that `itemTip` does not hold) changed the
 * conflicted `files` (see conflictingItems). One `git log`; throws when git fails.
 */
export async function findConflictingItems(repoRoot: string, items: readonly ManifestItem[], itemTip: string, integrationTip: string, files: readonly string[]): Promise<ConflictingItem[]> {
  const out = await gitRaw(repoRoot, ['log', '--first-parent', '--reverse', '--diff-merges=first-parent', '--name-only', `--format=${RS}%H %s`, `${itemTip}..${integrationTip}`]);
  return conflictingItems(parseMergeLog(out), items, files);
}

/**
 * The reason of a conflicted merge, e.g. `merge conflict with the integration branch in:
 * CHANGELOG.md (#1 first-note merged first and changed it)`. Pure.
 */
export function conflictReason(facts: Pick<ConflictFacts, 'files' | 'with'>): string {
  const files = facts.files.length > 0 ? facts.files.join(', ') : '(git reported no file list)';
  const who = facts.with.length > 0 ? ` (${conflictingNames(facts.with)} merged first and changed ${facts.files.length > 1 ? 'them' : 'it'})` : '';
  return `merge conflict with the integration branch in: ${files}${who}`;
}

/** How many conflict re-runs the item already had in run `run` (attempts of earlier runs do not count). Pure. */
export function conflictReruns(item: Pick<ItemState, 'attempts'>, run = 1): number {
  return item.attempts.filter((a) => (a.run ?? 1) === run && a.conflict?.rerun === true).length;
}

/**
 * Whether a conflicted item is re-run (pure): while it had fewer than `limit`
 * (`agent.conflict_retries`) conflict re-runs in this run.
 */
export function decideConflict(earlierReruns: number, limit: number): 'rerun' | 'give-up' {
  return earlierReruns < limit ? 'rerun' : 'give-up';
}

/** The ref that keeps a conflicting attempt's work: `refs/overnight-backup/<session>/conflicts/<slug>/attempt-<n>`. */
export function keptWorkRef(sessionId: string, slug: string, n: number): string {
  return `refs/overnight-backup/${sessionId}/conflicts/${slug}/attempt-${n}`;
}

/** What the item's lifecycle does after a conflicted merge. */
export type ConflictStep = { step: 'rerun'; previousAttempt: NonNullable<BriefInput['previousAttempt']> } | { step: 'failed' };

/**
 * After attempt `n` of `item` passed but its merge conflicted: keeps the attempt's work at
 * keptWorkRef (the branch is reset for the re-run), then, in one state write, records the conflict
 * on the attempt (outcome `conflict`, failure kind `merge`) and decides. `rerun`: the caller
 * starts a fresh attempt from the integration branch as it stands now, with `previousAttempt` in
 * its brief. `failed`: no re-run was left; the item is failed (kind `merge`) with a reason that
 * says so and names `agent.conflict_retries`. Throws when git or the state write fails.
 */
export async function onMergeConflict(
  ctx: NightContext,
  item: ManifestItem,
  a: { n: number; startCommit: string; facts: ConflictFacts; evidence?: string; now: string },
): Promise<ConflictStep> {
  const limit = ctx.config.agent.conflict_retries;
  const keptRef = keptWorkRef(ctx.sessionId, item.slug, a.n);
  await gitRaw(ctx.repoRoot, ['update-ref', '-m', 'overnight: the work of an attempt whose merge conflicted', keptRef, a.facts.tip]);
  const base = conflictReason(a.facts);
  let decision: 'rerun' | 'give-up' = 'give-up';
  let used = 0;
  await ctx.update((s: SessionState) => {
    used = conflictReruns(s.items[item.slug]!, s.run ?? 1);
    decision = decideConflict(used, limit);
    const conflict = { files: a.facts.files, with: a.facts.with, integrationTip: a.facts.integrationTip, tip: a.facts.tip, keptRef, rerun: decision === 'rerun' };
    const next = updateAttempt(s, item.slug, { outcome: 'conflict', failureKind: 'merge', failure: base, conflict });
    if (decision === 'rerun') return next;
    return setItemStatus(next, item.slug, 'failed', { now: a.now, reason: giveUpReason(base, used, limit), failureKind: 'merge', evidence: a.evidence });
  });
  ctx.event('merge_conflict', { slug: item.slug, attempt: a.n, files: a.facts.files, with: a.facts.with.map((w) => w.slug), keptRef, next: decision });
  if (decision === 'give-up') {
    const reason = giveUpReason(base, used, limit);
    ctx.event('item_failed', { slug: item.slug, kind: 'merge', reason });
    ctx.deps.log(`item ${item.slug}: failed to merge: ${reason}`);
    return { step: 'failed' };
  }
  ctx.deps.log(`item ${item.slug}: merge conflict with ${conflictingNames(a.facts.with)} in ${a.facts.files.join(', ')}: conflict re-run ${used + 1} of ${limit}`);
  return {
    step: 'rerun',
    previousAttempt: {
      n: a.n,
      failure: base,
      kind: 'merge',
      conflict: { files: a.facts.files, with: a.facts.with.map(({ id, slug, title }) => ({ id, slug, title })), startCommit: a.startCommit, tip: a.facts.tip, keptRef },
    },
  };
}

/** The item's final reason when no conflict re-run is left (names the key to raise). Pure. */
export function giveUpReason(base: string, used: number, limit: number): string {
  return limit === 0
    ? `${base}; conflict re-runs are off (agent.conflict_retries: 0)`
    : `${base}; still conflicting after ${used} conflict re-run${used === 1 ? '' : 's'} (agent.conflict_retries: ${limit})`;
}
