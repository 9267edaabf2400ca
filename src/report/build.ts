/**
 * Building the morning report from a session's facts (DESIGN.md, "Morning report"). Pure: the
 * caller reads session.json, state.json, events.jsonl, audit.jsonl, deferred/ and git.
 */
import { addedSlugs } from '../session/added.js';
import { loopReport } from './loop.js';
import { isBudgetDeferral } from '../runner/budget.js';
import type { ItemState, SessionEvent, SessionManifest, SessionState } from '../session/state.js';
import { successCommands } from '../backlog/success-condition.js';
import { countedAttempts, historyLines, isoMs, sumAttempts } from './attempts.js';
import { conflictLines } from './conflict-text.js';
import { nextStepsFor, retryCommand } from './next-steps.js';
import { reviewFact } from './review.js';
import { checksBaselineFacts } from './checks-baseline.js';
import type { RatchetFile } from '../ratchet/types.js';
import type {
  AuditSummary,
  BlockedItem,
  CommitFact,
  DeferredQuestion,
  FailedItem,
  GitFacts,
  ItemArtifacts,
  ItemCost,
  MorningReport,
  NotRunItem,
  ShippedItem,
} from './types.js';

/** Most lines of evidence kept per failed item. */
export const EVIDENCE_LINES = 20;
/** Most characters of evidence kept per failed item. */
export const EVIDENCE_CHARS = 2000;

/** The last `lines` non-empty-trailing lines of a text, at most `chars` characters. */
export function tailLines(text: string, lines = EVIDENCE_LINES, chars = EVIDENCE_CHARS): string {
  const all = text.replace(/\s+$/, '').split('\n');
  let out = all.slice(-lines).join('\n');
  if (out.length > chars) out = `…${out.slice(out.length - chars + 1)}`;
  return out;
}

const INTERESTING = /\b(error|expected|actual|assert\w*|fail\w*|not ok|exception|cannot|missing|denied)\b/i;
const STACK = /^\s+(at\s|[\w.<>]+\s\(|node:internal)/;

/**
 * The evidence a person reads first: for a long log, up to 8 lines that name the problem (error,
 * expected/actual, assert, fail, not ok...; stack frames skipped) from before the tail, then the
 * last 10 lines; a short log whole. Never more than EVIDENCE_CHARS characters.
 */
export function evidenceExcerpt(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  if (lines.length <= EVIDENCE_LINES) return tailLines(text);
  const head = lines.slice(0, -10).filter((l) => INTERESTING.test(l) && !STACK.test(l)).slice(0, 8);
  const out = [...head, ...(head.length > 0 ? ['…'] : []), ...lines.slice(-10)].join('\n');
  return tailLines(out, EVIDENCE_LINES, EVIDENCE_CHARS);
}

/** A state for an item the runner never touched (state.json missing it). */
function pendingState(slug: string): ItemState {
  return { slug, status: 'pending', attempts: [], commits: [] };
}

function isAgentBlocked(st: ItemState): boolean {
  if (st.failureKind === 'dependency') return false;
  const last = st.attempts[st.attempts.length - 1];
  return last !== undefined && (last.outcome === 'blocked' || st.failureKind === undefined);
}

/** Options of buildReport that only the I/O wrapper knows. */
export interface BuildReportOptions {
  /** The report's clock; default now. */
  now?: Date;
  /** Per item slug: its log files and the newest verify log's tail. */
  artifacts?: Record<string, ItemArtifacts>;
  /** The test ratchet's file (checks-baseline.json), when the night has one. */
  ratchet?: RatchetFile;
}

/**
 * Builds the morning report.
 * - manifest, state: the session's session.json and state.json (validated).
 * - events: events.jsonl lines, used for the start time when state has none.
 * - git: commits of the integration branch and of each merged item (see collectGitFacts).
 * - audit: gate denials from audit.jsonl (see summarizeAudit).
 * - deferred: questions from deferred/*.md (see readDeferredQuestions).
 * Returns report.json's object; never throws on partial state (an item missing from state.json is
 * reported as not run).
 */
export function buildReport(
  manifest: SessionManifest,
  state: SessionState,
  events: SessionEvent[],
  git: GitFacts,
  audit: AuditSummary,
  deferred: DeferredQuestion[],
  options: BuildReportOptions = {},
): MorningReport {
  const now = options.now ?? new Date();
  const artifacts = options.artifacts ?? {};
  const stateOf = (slug: string): ItemState => state.items[slug] ?? pendingState(slug);

  const shipped: ShippedItem[] = [];
  const failed: FailedItem[] = [];
  const blocked: BlockedItem[] = [];
  const notRun: NotRunItem[] = [];
  const costs: ItemCost[] = [];
  const learnings: MorningReport['learnings'] = [];
  let turns = 0;
  let costUsd = 0;
  let attempts = 0;

  const added = addedSlugs(state);
  for (const item of manifest.items) {
    const st = stateOf(item.slug);
    const ref = { id: item.id, slug: item.slug, title: item.title, file: item.file, ...(added.has(item.slug) ? { addedInLoop: true } : {}) };
    const sums = sumAttempts(st.attempts);
    turns += sums.turns;
    costUsd += sums.costUsd;
    attempts += countedAttempts(st.attempts);
    costs.push({ ...ref, status: st.status, attempts: countedAttempts(st.attempts), turns: sums.turns, costUsd: sums.costUsd, agentMs: sums.agentMs });
    if (st.learnings && st.learnings.trim() !== '') learnings.push({ slug: item.slug, title: item.title, text: st.learnings.trim() });
    const last = st.attempts[st.attempts.length - 1];
    // A branch the runner deleted (empty: no commits beyond its start) is not "kept for inspection".
    const keptBranch = st.branch && !git.goneBranches?.includes(st.branch) ? st.branch : undefined;
    const files = artifacts[item.slug]?.files ?? [];
    const failedDeps = item.dependsOn.filter((d) => {
      const s = state.items[d]?.status;
      return s === 'failed' || s === 'blocked';
    });

    switch (st.status) {
      case 'merged': {
        const lost = git.lostMerges?.[item.slug];
        if (lost) {
          notRun.push({
            ...ref,
            status: st.status,
            reason: `Merged as ${lost.slice(0, 10)} during the night, but ${manifest.integrationBranch} no longer holds that merge, so it did not ship. See why the session stopped for how to restore the branch from its backup (refs/overnight-backup/${manifest.id}/${manifest.integrationBranch}).`,
          });
          break;
        }
        const fromGit = git.itemCommits[item.slug];
        const commits: CommitFact[] = fromGit && fromGit.length > 0 ? fromGit : st.commits.map((hash) => ({ hash, subject: '' }));
        const checks = [...new Set([...successCommands(item, manifest.checks), ...manifest.checks])];
        const review = reviewFact(st.attempts);
        shipped.push({ ...ref, branch: st.branch, mergeCommit: st.mergeCommit, commits, checks, attempts: countedAttempts(st.attempts), history: historyLines(st.attempts), conflicts: conflictLines(st.attempts), ...(review ? { review } : {}) });
        break;
      }
      case 'failed': {
        // The last attempt's full verify log says more than the state's 20-line tail.
        const art = artifacts[item.slug];
        const fromLog = art?.verifyLog && (last === undefined || art.verifyAttempt === last.n) ? evidenceExcerpt(art.verifyLog) : undefined;
        // A rejected or unreviewed attempt's success condition passed: the reviewer's words are its evidence.
        const review = reviewFact(st.attempts);
        const reviewedLast = review !== undefined && review.attempt === last?.n && review.verdict !== 'approve';
        const evidence = reviewedLast && st.evidence?.trim() ? evidenceExcerpt(st.evidence) : (fromLog ?? (st.evidence?.trim() ? evidenceExcerpt(st.evidence) : art?.verifyLog ? evidenceExcerpt(art.verifyLog) : undefined));
        failed.push({
          ...ref,
          failureKind: st.failureKind,
          outcome: last?.outcome,
          reason: st.reason ?? last?.failure ?? 'No reason was recorded.',
          evidence: evidence && evidence.trim() !== '' ? evidence : undefined,
          nextSteps: nextStepsFor(manifest, {
            slug: item.slug,
            file: item.file,
            failureKind: st.failureKind,
            outcome: last?.outcome,
            attempt: last?.n ?? 1,
            branch: keptBranch,
            files,
            failedDependencies: failedDeps,
            reason: st.reason,
          }),
          branch: keptBranch,
          files,
          attempts: countedAttempts(st.attempts),
          history: historyLines(st.attempts),
          conflicts: conflictLines(st.attempts),
          ...(review ? { review } : {}),
        });
        break;
      }
      case 'blocked': {
        const cause = isAgentBlocked(st) ? 'agent' : 'dependency';
        blocked.push({
          ...ref,
          cause,
          reason: st.reason ?? (cause === 'dependency' ? `An item it depends on (${failedDeps.join(', ') || item.dependsOn.join(', ')}) did not ship.` : 'The agent said TASK_BLOCKED without a reason.'),
          dependsOn: item.dependsOn,
          history: historyLines(st.attempts),
          nextSteps:
            cause === 'dependency'
              ? nextStepsFor(manifest, { slug: item.slug, file: item.file, failureKind: 'dependency', attempt: 1, files, failedDependencies: failedDeps })
              : [
                  `The agent could not finish it: read its reason above. If it needs a decision or something from you, add that to ${item.file} (or split the item) and plan it for another night.`,
                  `If it was stopped by something that is fixed now, \`${retryCommand(manifest.id, item.slug)}\` runs it again as a fresh attempt (with its reason in the brief), merged into ${manifest.integrationBranch} when it passes.`,
                ],
        });
        break;
      }
      default: {
        const reason =
          st.status === 'deferred'
            ? (st.reason ?? 'The time limit would not let it finish; it stays ready for another night.')
            : st.status === 'interrupted'
              ? (st.reason ?? 'Stopped before it finished; `overnight resume` starts it over.')
              : (st.reason ?? `Not settled yet (${st.status}).`);
        notRun.push({ ...ref, status: st.status, reason });
      }
    }
  }

  const startedMs = isoMs(state.startedAt) ?? isoMs(events[0]?.ts) ?? isoMs(manifest.created) ?? now.getTime();
  const endedMs = isoMs(state.endedAt) ?? now.getTime();
  const deferredCount = notRun.filter((n) => n.status === 'deferred').length;

  return {
    version: 1,
    sessionId: manifest.id,
    generatedAt: now.toISOString(),
    phase: state.phase,
    repoRoot: manifest.repoRoot,
    baseBranch: manifest.baseBranch,
    baseCommit: manifest.baseCommit,
    integrationBranch: manifest.integrationBranch,
    integrationHead: git.integrationHead,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    timeLimitMs: manifest.timeLimitMs,
    stopReason: state.stopReason,
    sandbox: manifest.sandbox,
    ...(manifest.notApproved?.length ? { notApproved: manifest.notApproved } : {}),
    ...(state.loop ? { loop: loopReport(manifest, state) } : {}),
    ...(manifest.budgetUsd !== undefined
      ? { budget: { limitUsd: manifest.budgetUsd, spentUsd: Math.round(costUsd * 1e6) / 1e6, stopped: manifest.items.filter((i) => isBudgetDeferral(state.items[i.slug]?.status === 'deferred' ? state.items[i.slug]?.reason : undefined)).map((i) => i.slug) } }
      : {}),
    ...(options.ratchet ? { checksBaseline: checksBaselineFacts(options.ratchet) } : {}),
    summary: {
      items: manifest.items.length,
      shipped: shipped.length,
      failed: failed.length,
      blocked: blocked.length,
      deferred: deferredCount,
      unfinished: notRun.length - deferredCount,
      deferredQuestions: deferred.length,
      gateDenials: audit.denials,
      durationMs: Math.max(0, endedMs - startedMs),
      retries: state.retries?.length ?? 0,
      costUsd: Math.round(costUsd * 1e6) / 1e6,
      turns,
      attempts,
    },
    shipped,
    failed,
    blocked,
    notRun,
    questions: deferred,
    gate: audit,
    costs,
    learnings,
    ...(state.memory ? { memory: state.memory } : {}),
    integrationCommits: git.integrationCommits,
    pullRequest: state.pullRequest,
  };
}
