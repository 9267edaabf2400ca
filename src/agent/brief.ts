/**
 * The mission brief: the prompt of one agent attempt (DESIGN.md, "One item, one fresh agent
 * session"; seed 004, "Layer 3: Mission Brief"). It is the weakest safety layer (the model can
 * ignore it; the hooks and CLI limits are the hard ones), so it says plainly what to do, what not
 * to do, how to prove success and how to signal the end.
 */
import { successCommands } from '../backlog/success-condition.js';
import { fencedBlock } from '../util/markdown.js';
import { REVIEW_REJECTED_PREFIX } from './review-verdict.js';
import type { ManifestItem } from '../session/state.js';

export interface BriefInput {
  sessionId: string;
  item: ManifestItem;
  /** The item's branch, checked out in the worktree. */
  branch: string;
  /** The project checks (used as the success condition when the item has no `verify`). */
  checks: string[];
  /** What earlier items of the night learned (their "Learnings" sections). */
  learnings: Array<{ slug: string; title: string; text: string }>;
  /**
   * What the previous failed attempt of this item ran into; `kind` is its failure kind
   * (src/session/state.ts FAILURE_KINDS): `stalled` adds the request for smaller steps.
   */
  previousAttempt?: { n: number; failure: string; evidence?: string; kind?: string; conflict?: ConflictBrief };
  /** ISO time the session ends. */
  deadline?: string;
  /** The agent's scratch folder (absolute; OVERNIGHT_SCRATCH), outside the worktree and never committed. */
  scratchDir?: string;
  /**
   * The test ratchet (src/ratchet/): per project check that fails on the integration branch now,
   * what is tolerated (failing test names, or its exit code). Said in the brief of an item without
   * `verify`, whose success condition the ratchet judges.
   */
  tolerated?: Array<{ command: string; failures: string[] }>;
  /**
   * The learnings file (memory across nights, src/memory/brief-memory.ts): its path, and what
   * earlier nights learned (absent when the file is missing or empty). Unset: `memory.file: off`.
   */
  memory?: { file: string; text?: string };
}

/** Most tolerated failures named per check in the brief. */
const MAX_TOLERATED = 20;

/** The test ratchet's paragraph: which failures already fail before this item (and may still). */
function toleratedText(tolerated: NonNullable<BriefInput['tolerated']>): string {
  const lines = tolerated.map((t) => {
    const names = t.failures.slice(0, MAX_TOLERATED).join(', ');
    return `- \`${t.command}\`: ${names}${t.failures.length > MAX_TOLERATED ? ` and ${t.failures.length - MAX_TOLERATED} more` : ''}`;
  });
  return `Some project checks already fail on the integration branch, before your work. These failures are tolerated; the checks pass for you when you add no failure to them (no other test may fail, and no test that passes may stop running):\n${lines.join('\n')}\nFix them only if your item asks for it.`;
}

/**
 * A previous attempt whose work passed but whose merge conflicted (src/runner/conflict.ts): the
 * files git could not join, the items merged first that changed them, and where that work is kept.
 */
export interface ConflictBrief {
  files: string[];
  with: Array<{ id: number; slug: string; title: string }>;
  /** Where the earlier attempt's branch started, and its tip (its work), for `git diff`. */
  startCommit?: string;
  tip: string;
  /** A ref that keeps the earlier attempt's commits. */
  keptRef?: string;
}

/** Caps so the brief stays one argv string (see args.ts MAX_BRIEF_BYTES) and readable. */
const MAX_BODY = 24_000;
const MAX_LEARNINGS_TOTAL = 8_000;
const MAX_EVIDENCE = 3_000;

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 20).trimEnd()}\n… (cut)` : t;
}

/** Evidence keeps its END (the last lines of output say most). */
function clipEnd(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `(… cut)\n${t.slice(-(max - 10)).trimStart()}` : t;
}


/** Words of the retry after a stalled attempt (the stall watch, src/agent/stall.ts). */
export const STALLED_ADVICE =
  'It was stopped as stalled: it kept working without committing or changing any tracked file. Work in smaller steps this time: make one small change, check it, commit it, then take the next step. Commit early and often; an attempt that makes no commit and no edit for a while is stopped again.';

/**
 * The section for a re-run after a merge conflict: which item merged first, which files
 * conflicted, that this attempt starts from the integration branch that now holds that item's
 * work, that both items' changes must be kept, and where the earlier attempt's work is.
 */
function conflictSection(p: NonNullable<BriefInput['previousAttempt']>, c: ConflictBrief, branch: string): string[] {
  const first = c.with.length > 0 ? c.with.map((w) => `#${w.id} ${w.slug} ("${w.title}")`).join(', ') : 'another item of this night';
  const files = c.files.map((f) => `\`${f}\``).join(', ') || '(git named no file)';
  const show = c.startCommit ? `git diff ${c.startCommit.slice(0, 12)} ${c.tip.slice(0, 12)}` : `git log -p ${c.tip.slice(0, 12)}`;
  return [
    `## Attempt ${p.n} of this item could not be merged: a merge conflict`,
    [
      `Its work passed its success condition, but while it ran ${first} merged first into the integration branch, and git's merge could not join the two in: ${files}.`,
      `This is a fresh session from the integration branch as it is now: your worktree and branch \`${branch}\` already hold the work of ${c.with.length > 0 ? c.with.map((w) => `#${w.id}`).join(', ') : 'that item'}. Do this item again on top of it.`,
      `In ${files}, keep the other item's changes and add yours: never drop or overwrite lines that another item added.`,
      `The earlier attempt's commits are kept${c.keptRef ? ` at \`${c.keptRef}\`` : ''}; \`${show}\` shows what it changed, if you want to reuse it.`,
    ].join('\n'),
  ];
}

/** Words of the retry after the review pass rejected the previous attempt (src/runner/review.ts). */
export const REVIEW_REJECTED_ADVICE =
  "A reviewer read that attempt's diff against this item and its acceptance criteria and rejected it for the reason above. Fix exactly that, and make sure every acceptance criterion holds: the same review runs again before this attempt can merge.";

/** The "Attempt N failed" section: what it ran into, its last evidence, and for a stall the request for smaller steps. */
function previousAttemptSection(p: NonNullable<BriefInput['previousAttempt']>, branch: string): string[] {
  const stalled = p.kind === 'stalled';
  const rejected = p.failure.trim().startsWith(REVIEW_REJECTED_PREFIX);
  return [
    `## Attempt ${p.n} of this item ${stalled ? 'stalled' : 'failed'}`,
    `What it ran into: ${p.failure.trim()}` +
      (stalled ? `\n${STALLED_ADVICE}` : '') +
      (rejected ? `\n${REVIEW_REJECTED_ADVICE}` : '') +
      (p.evidence?.trim() ? `\nLast evidence:\n${fencedBlock(clipEnd(p.evidence, MAX_EVIDENCE))}` : '') +
      `\nThis is a fresh session, and a fresh start: the runner reset your worktree and branch \`${branch}\` to the integration branch as it is now, so the earlier attempt's commits and files are NOT here (they are kept in a backup ref for people to inspect). Start the work over and do not repeat what failed.`,
  ];
}

/**
 * Builds the mission brief for one attempt of one item: the item (title, id, type, body with its
 * acceptance criteria), the success condition (the item's verify commands, else the project
 * checks, verbatim), the rules, earlier items' learnings (only when there are some), the previous
 * failed attempt (only when given; after a merge conflict: which item merged first and which files
 * conflicted), what earlier nights learned (the learnings file, when it has learnings), the
 * completion signal and the request for a `## Learnings` section. Long parts are cut (body
 * 24 000, learnings 8 000 in all, evidence the last 3 000
 * characters). Pure; never throws.
 */
export function buildMissionBrief(input: BriefInput): string {
  const { item } = input;
  const out: string[] = [];
  out.push(`# Overnight mission: ${item.title}`);
  out.push(
    `You are working alone, unattended, in an overnight session (${input.sessionId}). Nobody will answer questions until the morning. ` +
      `Do this one backlog item completely, verify it, commit it, and report.`,
  );

  out.push('## The backlog item');
  out.push([`- Title: ${item.title}`, `- Id: ${item.id} (${item.file})`, `- Type: ${item.type}`, `- Priority: ${item.priority}`].join('\n'));
  out.push(clip(item.body, MAX_BODY) || '(The item has no body.)');
  if (item.acceptanceCriteria.length && !/acceptance criteria/i.test(item.body)) {
    out.push(`Acceptance criteria:\n${item.acceptanceCriteria.map((c) => `- ${c}`).join('\n')}`);
  }

  const commands = successCommands(item, input.checks);
  out.push('## Success condition');
  if (commands.length) {
    out.push(
      `The runner will run these in your worktree after you finish; they must pass${item.verify.length ? '' : ' (the project checks)'}:\n` +
        fencedBlock(commands.join('\n')) +
        '\nRun them yourself before you finish. Every acceptance criterion must hold. Saying TASK_COMPLETE does not count: only passing commands and commits on your branch do.',
    );
    if (!item.verify.length && input.tolerated?.length) out.push(toleratedText(input.tolerated));
  } else {
    out.push('Every acceptance criterion must hold, and your work must be committed on your branch. Saying TASK_COMPLETE does not count: only your commits do.');
  }

  out.push('## Rules');
  out.push(
    [
      `- Work only in this worktree (your current directory). Do not change files outside it${input.scratchDir ? ' (but see the scratch folder below)' : ''}.`,
      ...(input.scratchDir
        ? [
            `- Scratch files (notes, experiments, downloads, logs) go in your scratch folder \`${input.scratchDir}\` (also \`$OVERNIGHT_SCRATCH\`): it is outside the repository, never committed, and emptied before each attempt. Write its path out in full in shell commands (the safety gate cannot read variables). Do not leave scratch files in the worktree: whatever is left there is committed.`,
          ]
        : []),
      `- Commit your work on branch \`${input.branch}\` with clear messages. Do not push or merge to any other branch, and never switch branches.`,
      `- No questions: nobody is there to answer. Decide, write down your reasoning (in the commit message or your final message), and go on.`,
      `- No deploys, no publishing (npm publish, docker push, releases), no destructive commands (rm -rf outside build output, git reset --hard, git clean, dropping data), no force pushes, no reading or printing secrets.`,
      `- If a safety hook denies a command, do not try to get around it; find another way or report TASK_BLOCKED.`,
      `- Stay on this item; do not fix unrelated things.`,
      `- If you are stuck after 3 tries at the same problem, stop and report TASK_BLOCKED with the reason.`,
      ...(input.deadline ? [`- The session ends at ${input.deadline}; finish and commit well before then.`] : []),
    ].join('\n'),
  );

  if (input.learnings.length) {
    out.push('## What earlier items of this night learned');
    let budget = MAX_LEARNINGS_TOTAL;
    const parts: string[] = [];
    for (const l of input.learnings) {
      const text = l.text.trim();
      if (!text || budget <= 0) continue;
      const part = clip(`### ${l.title} (${l.slug})\n${text}`, budget);
      budget -= part.length;
      parts.push(part);
    }
    out.push(parts.join('\n\n'));
  }

  if (input.memory?.text?.trim()) {
    out.push(`## What earlier nights learned (\`${input.memory.file}\`)`);
    out.push(input.memory.text.trim());
  }

  const previous = input.previousAttempt;
  if (previous) out.push(...(previous.conflict ? conflictSection(previous, previous.conflict, input.branch) : previousAttemptSection(previous, input.branch)));

  out.push('## When you finish');
  out.push(
    [
      'End your final message with a short `## Learnings` section: 3 to 6 bullets of facts about this codebase that later items should know (commands, conventions, pitfalls). Then, on its own last line, exactly one of:',
      '- `TASK_COMPLETE` when the item is done, committed, and the success condition passes;',
      '- `TASK_BLOCKED: <reason>` when you cannot finish it (say what is missing or what a human must decide).',
      ...(input.memory
        ? [`Do not edit \`${input.memory.file}\` yourself: at the end of the night the runner adds your \`## Learnings\` bullets to it for later nights.`]
        : []),
    ].join('\n'),
  );
  return `${out.join('\n\n')}\n`;
}
