/**
 * The end-of-night phase of memory across nights (issue 9, mechanism 7): the night's learnings
 * (each item's `## Learnings` section, recorded in state.json by the item lifecycle) are appended,
 * deduplicated and within the size bound, to the learnings file on the integration branch, in one
 * commit made with git plumbing (the user's checkout is never touched). Merging the night's pull
 * request brings the file to the base branch, and the next night's briefs include it.
 */
import { itemRef } from '../backlog/filename.js';
import { MEMORY_OFF } from '../config/schema.js';
import type { OvernightConfig } from '../config/schema.js';
import type { ManifestItem, MemoryRecord, SessionManifest, SessionState } from '../session/state.js';
import type { NightContext } from '../runner/context.js';
import { readSessionView } from '../session/added.js';
import { appendEvent, readState, updateState } from '../session/store.js';
import { backupRefName, gitRaw } from '../runner/git.js';
import { mergeLearnings, parseLearningsFile, renderLearningsFile, type NightLearning } from './learnings-file.js';
import { commitFileOnBranch, readCommittedFile } from './git-file.js';

/**
 * Tonight's learnings, one per item that recorded some (state `items[slug].learnings`), in plan
 * order, dated `date` (`YYYY-MM-DD`), items that did not merge marked `notShipped`. Pure.
 */
export function nightLearnings(items: ManifestItem[], state: Pick<SessionState, 'items'>, date: string): NightLearning[] {
  const out: NightLearning[] = [];
  for (const item of items) {
    const st = state.items[item.slug];
    const text = st?.learnings?.trim();
    if (!st || !text) continue;
    out.push({ date, ref: itemRef(item), title: item.title, text, ...(st.status === 'merged' ? {} : { notShipped: true }) });
  }
  return out;
}

/** The commit message of the learnings commit. */
export function memoryCommitMessage(file: string, sessionId: string, added: number, dropped: number): string {
  return `overnight: learnings of ${sessionId} in ${file}\n\n${added} learning(s) added${dropped ? `, ${dropped} oldest dropped to stay within memory.max_bytes` : ''}.`;
}

/** Where the learnings go and how the outcome is kept: a running night's context, or abandon's files. */
interface MemoryTarget {
  repoRoot: string;
  sessionId: string;
  manifest: SessionManifest;
  config: OvernightConfig;
  /** ISO time of the step. */
  at: string;
  log: (line: string) => void;
  /** Stores the record in state.json and as event `memory_updated`. */
  save: (record: MemoryRecord) => Promise<void>;
  /** Called with the learnings commit before the branch's backup ref moves to it. */
  onCommit?: (commit: string) => void;
}

/**
 * Writes the night's learnings to the learnings file on the integration branch (see the module
 * comment) and records what happened in state.json (`memory`, a MemoryRecord) and as event
 * `memory_updated`. Nothing is written when `memory.file` is `off`, when no item of the session
 * merged (no pull request would carry the file), or when the file already holds every learning.
 * Never throws: a git failure is recorded as outcome `failed` with its message, and logged.
 */
export async function recordNightMemory(ctx: NightContext): Promise<MemoryRecord> {
  return recordMemory({
    ...ctx,
    at: new Date(ctx.deps.now()).toISOString(),
    log: ctx.deps.log,
    // The runner's own commit, like a merge: the integration guard watches it from now on.
    onCommit: (commit) => ctx.integration.merges.add(commit),
    save: async (record) => {
      await ctx.update((s) => {
        s.memory = record;
      });
      ctx.event('memory_updated', { ...record, branch: ctx.manifest.integrationBranch });
    },
  });
}

/**
 * The same step for a session that ends without its runner (`overnight abandon`): run once, when
 * the session has no `memory` record yet (a night that completed or stopped on a permanent
 * failure wrote it already). A git failure is recorded, not thrown (see recordNightMemory); an
 * unreadable state.json or session.json throws their OvernightError. Returns the record, or
 * undefined when one was there.
 */
export async function recordAbandonedMemory(repoRoot: string, sessionId: string, config: OvernightConfig, log: (line: string) => void = () => undefined): Promise<MemoryRecord | undefined> {
  if (readState(repoRoot, sessionId).memory) return undefined;
  const manifest = readSessionView(repoRoot, sessionId);
  return recordMemory({
    repoRoot,
    sessionId,
    manifest,
    config,
    at: new Date().toISOString(),
    log,
    save: async (record) => {
      await updateState(repoRoot, sessionId, (s) => {
        s.memory = record;
      });
      appendEvent(repoRoot, sessionId, 'memory_updated', { ...record, branch: manifest.integrationBranch });
    },
  });
}

async function recordMemory(t: MemoryTarget): Promise<MemoryRecord> {
  const file = t.config.memory.file;
  let record: MemoryRecord;
  try {
    record = await writeNightMemory(t, file);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    t.log(`learnings file ${file} not written: ${message}`);
    record = { file, outcome: 'failed', added: 0, duplicates: 0, dropped: 0, kept: 0, note: message, at: t.at };
  }
  await t.save(record);
  return record;
}

async function writeNightMemory(t: MemoryTarget, file: string): Promise<MemoryRecord> {
  const { repoRoot, sessionId, manifest, config, at } = t;
  const empty = { added: 0, duplicates: 0, dropped: 0, kept: 0, at };
  if (file === MEMORY_OFF) return { file, outcome: 'off', ...empty };
  const state = readState(repoRoot, sessionId);
  const branch = manifest.integrationBranch;
  const current = await readCommittedFile(repoRoot, `refs/heads/${branch}`, file);
  const parsed = parseLearningsFile(current ?? '');
  if (!manifest.items.some((i) => state.items[i.slug]?.status === 'merged')) {
    const kept = parsed.groups.reduce((n, g) => n + g.entries.length, 0);
    return { file, outcome: 'skipped', ...empty, kept, note: 'nothing shipped, so no pull request would carry the file; the learnings are in the morning report' };
  }
  const night = nightLearnings(manifest.items, state, at.slice(0, 10));
  const merged = mergeLearnings(parsed, night, config.memory.max_bytes);
  const counts = { added: merged.added, duplicates: merged.duplicates, dropped: merged.dropped, kept: merged.kept, at };
  if (merged.added === 0 && merged.dropped === 0) return { file, outcome: 'unchanged', ...counts };
  const text = renderLearningsFile(merged.file);
  const made = await commitFileOnBranch(repoRoot, branch, file, text, memoryCommitMessage(file, sessionId, merged.added, merged.dropped));
  if (!made) return { file, outcome: 'unchanged', ...counts };
  // The runner's own commit, like a merge: the branch's backup moves to it.
  t.onCommit?.(made.commit);
  await gitRaw(repoRoot, ['update-ref', '-m', 'overnight: backup after the learnings commit', backupRefName(sessionId, branch), made.commit]);
  return { file, outcome: 'written', ...counts, commit: made.commit };
}
