/**
 * The review brief: the prompt of the read-only reviewer session that looks at an item's work
 * after its success condition passed and before it merges (issue 9, mechanism 4, "Review pass").
 * It carries the item (its body and acceptance criteria), the success condition that passed, the
 * item branch's commits and its diff against the attempt's start point, and asks for one verdict
 * line at the end (parsed by review-verdict.ts). Pure.
 */
import { MAX_BRIEF_BYTES } from './args.js';
import { fencedBlock } from '../util/markdown.js';
import type { ManifestItem } from '../session/state.js';

export interface ReviewBriefInput {
  item: Pick<ManifestItem, 'id' | 'slug' | 'title' | 'file' | 'type' | 'body' | 'acceptanceCriteria'>;
  /** The item branch under review. */
  branch: string;
  /** The integration-branch commit the attempt started from (the diff's base). */
  startCommit: string;
  /** The success condition that passed (commands, verbatim). */
  checks: string[];
  /** `git log --format='%h %s'` of the item branch beyond startCommit (newest first). */
  commits: string[];
  /** `git diff --stat` of the same range. */
  diffStat: string;
  /** `git diff` of the same range (cut here to fit one argv string). */
  diff: string;
  /** Absolute path of a file holding the whole diff (for the Read tool when the inline one is cut). */
  diffFile: string;
}

/** Bytes of the diff shown inline at most (the rest is in the diff file). */
export const MAX_INLINE_DIFF_BYTES = 60_000;
const MAX_BODY = 20_000;

/**
 * The text that identifies a review conversation of item `slug` (it is in the review brief and in
 * no mission brief): the scripted stand-in model (src/standin/script.ts) selects by it.
 */
export function reviewMarker(slug: string): string {
  return `overnight-review:${slug}`;
}

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 20).trimEnd()}\n… (cut)` : t;
}

/** The first `maxBytes` bytes of `text` (whole lines), and whether it was cut. */
export function clipBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (Buffer.byteLength(text) <= maxBytes) return { text, cut: false };
  const head = Buffer.from(text).subarray(0, Math.max(0, maxBytes)).toString('utf8');
  const lastNewline = head.lastIndexOf('\n');
  return { text: lastNewline > 0 ? head.slice(0, lastNewline) : head.replace(/\uFFFD$/, ''), cut: true };
}

/** A fence longer than any backtick run in `text`, so a diff of markdown files stays one block. */
function diffBlock(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}diff\n${text}\n${fence}`;
}

/**
 * Builds the review brief for one item attempt. The diff is shown inline up to
 * MAX_INLINE_DIFF_BYTES (and less when the rest of the brief is large), whole lines, so the brief
 * stays within one argv string (args.ts MAX_BRIEF_BYTES); when it is cut the brief says so and
 * names `diffFile`. Pure; never throws.
 */
export function buildReviewBrief(input: ReviewBriefInput): string {
  const { item } = input;
  const head: string[] = [];
  head.push(`# Overnight review: ${item.title}`);
  head.push(
    `You are the reviewer of one backlog item's work in an unattended overnight session (review id: ${reviewMarker(item.slug)}). ` +
      'Nobody will answer questions. Another agent did the work on its own branch; its success condition passed. ' +
      'Decide whether the work may be merged: it does what the item asks, meets every acceptance criterion, and has no clear bug, unsafe change or unrelated change.',
  );
  head.push('## The backlog item');
  head.push([`- Title: ${item.title}`, `- Id: ${item.id} (${item.file})`, `- Type: ${item.type}`].join('\n'));
  head.push(clip(item.body, MAX_BODY) || '(The item has no body.)');
  if (item.acceptanceCriteria.length) head.push(`Acceptance criteria:\n${item.acceptanceCriteria.map((c) => `- ${c}`).join('\n')}`);
  head.push('## What passed');
  head.push(input.checks.length ? `The success condition passed in the item's worktree:\n${fencedBlock(input.checks.join('\n'))}` : 'The item has no success condition commands; only its commits were checked.');
  head.push('## The work');
  head.push(
    `Branch \`${input.branch}\`, ${input.commits.length} commit(s) on top of ${input.startCommit.slice(0, 12)}:\n${fencedBlock(input.commits.join('\n') || '(none)')}\n` +
      `Files changed:\n${fencedBlock(input.diffStat.trim() || '(no file changes)')}`,
  );
  const rules = [
    '## How to review',
    [
      "- Your current directory is the item's worktree with the work checked out. You may read it with the Read, Grep and Glob tools. You cannot edit files or run commands, and must not try.",
      '- Check each acceptance criterion against the diff. Reject only for a concrete problem: a criterion not met, a bug, a change that is unsafe or outside the item. Style preferences are no reason to reject.',
      '- Be brief: a few sentences of findings, then the verdict.',
    ].join('\n'),
    '## Your verdict',
    [
      'The LAST line of your final message must be exactly one of:',
      '- `REVIEW: APPROVE` when the work may be merged;',
      '- `REVIEW: REJECT <reason>` when it may not: the reason in one sentence, saying what is wrong and what a fix must do (it is given to the next attempt).',
      'A final message without one of these lines counts as no review.',
    ].join('\n'),
  ];
  const fixed = `${[...head, '## The diff', ...rules].join('\n\n')}\n`;
  const room = Math.min(MAX_INLINE_DIFF_BYTES, MAX_BRIEF_BYTES - Buffer.byteLength(fixed) - 2_000);
  const { text, cut } = clipBytes(input.diff.trimEnd(), room);
  const diffPart = [
    cut
      ? `The diff is too long to show whole: its first part is below; the whole diff is in \`${input.diffFile}\` (read it with the Read tool).`
      : `The whole diff against ${input.startCommit.slice(0, 12)} (also in \`${input.diffFile}\`):`,
    diffBlock(text || '(empty diff)'),
  ];
  return `${[...head, '## The diff', ...diffPart, ...rules].join('\n\n')}\n`;
}
