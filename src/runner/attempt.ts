/**
 * The phases of one attempt of one item (the steps of src/runner/item.ts, in order):
 * beginAttempt (a clean worktree, the attempt's record), runAgentPhase (brief, sandbox, the agent),
 * judgePhase (evidence, the success condition, the review pass), then settle: success goes to the
 * merge queue (mergePhase), a failure to failurePhase (retry, pause, stop or give up). Each phase
 * writes its own state and events; they share one Attempt.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import type { BriefInput } from '../agent/brief.js';
import type { AgentOutcomeLike } from './types.js';
import { itemRef } from '../backlog/filename.js';
import { successCommands } from '../backlog/success-condition.js';
import { memoryForBrief } from '../memory/brief-memory.js';
import { runSuccessCondition, toleratedFailures } from '../ratchet/gate.js';
import { ENV, featureDir, itemBranch, objectsPath, scratchPath, worktreePath } from '../session/paths.js';
import type { ManifestItem, SessionState } from '../session/state.js';
import { parseDuration } from '../util/duration.js';
import { onMergeConflict } from './conflict.js';
import type { NightContext } from './context.js';
import { recordDeferredDecisions } from './deferred-decision.js';
import { backupSessionBranchTips, cleanWorktree, commitLeftovers, commitsBetween, currentBranch, porcelainStatus, resolveCommit } from './git.js';
import { ensureIntegrationHolds } from './integration-watch.js';
import { decideNext, judgeAttempt, judgeBeforeVerify, type Verdict, type VerifyEvidence } from './judge.js';
import { mergeItem } from './merge-queue.js';
import { reviewAttempt, reviewFailedClosed } from './review.js';
import { prepareAttemptSandbox } from './sandbox-attempt.js';
import { failureCounts, markMerged, setActivity, setItemStatus, setLearnings, startAttempt, updateAttempt } from './transitions.js';
import type { WorktreeSource } from './item.js';

/** How one item left runItem; the state is already written. `pending` = put back for after a pause. */
export type ItemEnd = 'merged' | 'failed' | 'blocked' | 'interrupted' | 'pending';

/** What the item's attempts share: where it works and what proves it done. */
export interface ItemPlaces {
  item: ManifestItem;
  slug: string;
  branch: string;
  worktree: string;
  scratch: string;
  /** features/<slug>/ in the session folder (transcripts, logs). */
  dir: string;
  /** The success condition's commands. */
  checks: string[];
}

/** The item's places (and its features/<slug>/ folder, made here). */
export function itemPlaces(ctx: NightContext, item: ManifestItem): ItemPlaces {
  const { repoRoot, sessionId, manifest } = ctx;
  const dir = featureDir(repoRoot, sessionId, item.slug);
  mkdirSync(dir, { recursive: true });
  return {
    item,
    slug: item.slug,
    branch: itemBranch(sessionId, item.slug),
    worktree: worktreePath(repoRoot, sessionId, item.slug),
    scratch: scratchPath(repoRoot, sessionId, item.slug),
    dir,
    checks: [...successCommands(item, manifest.checks)],
  };
}

/** Where the runner's own time goes, ms per phase of one attempt (event item_timing). */
export class PhaseClock {
  private mark = Date.now();
  private readonly ms: Record<string, number> = {};
  /** How the attempt got its worktree. */
  source: WorktreeSource = 'fresh';
  /** The attempt number, once known. */
  attempt = 0;

  constructor(
    private readonly ctx: NightContext,
    private readonly slug: string,
  ) {}

  /** Adds the ms since the last lap to `phase`. */
  lap(phase: string): void {
    const t = Date.now();
    this.ms[phase] = (this.ms[phase] ?? 0) + (t - this.mark);
    this.mark = t;
  }

  /** Writes the attempt's item_timing event, with how it ended. */
  end(end: string): void {
    this.lap('state');
    this.ctx.event('item_timing', { slug: this.slug, attempt: this.attempt, end, worktree: this.source, ms: this.ms });
  }
}

/** One attempt under way. */
export interface Attempt {
  n: number;
  startCommit: string;
  claudeSessionId: string;
  transcriptFile: string;
  clock: PhaseClock;
  /** Why the item's previous attempt ended (for the brief), if it failed. */
  previousAttempt: BriefInput['previousAttempt'];
  /** The state when the attempt was recorded. */
  state: SessionState;
}

/** The ISO time now, by the night's clock. */
export function nowIso(ctx: NightContext): string {
  return new Date(ctx.deps.now()).toISOString();
}

/** Why an item's abort signal fired. */
export type AbortReason = 'deadline' | 'stop' | 'permanent';

/** The reason written on an interrupted item. */
export function interruptReason(reason: unknown): string {
  if (reason === 'deadline') return 'stopped at the session time limit';
  if (reason === 'permanent') return 'stopped because the session stopped early (see the session stop reason)';
  return 'the runner was stopped; `overnight resume` starts it over';
}

/** Marks the item interrupted (and its attempt, if one runs) and says so. Out: 'interrupted'. */
export async function markInterrupted(ctx: NightContext, slug: string, signal: AbortSignal): Promise<ItemEnd> {
  const reason = interruptReason(signal.reason);
  await ctx.update((s) => setItemStatus(s, slug, 'interrupted', { now: nowIso(ctx), reason, failureKind: signal.reason === 'deadline' ? 'timeout' : undefined }));
  await ctx.update((s) => updateAttempt(s, slug, { endedAt: nowIso(ctx), outcome: 'interrupted' })).catch(() => undefined);
  ctx.event('item_interrupted', { slug, reason });
  return 'interrupted';
}

/**
 * Phase 1: a clean worktree from the integration branch as it stands now, once it is known to
 * hold every merge the runner made (else undefined: the night stops, integration-watch.ts), after
 * every branch the runner owns is backed up; an empty scratch folder; the attempt's record.
 * `lastFailure` reads why the item's last attempt ended, for the first attempt of a run.
 * Throws when the integration branch does not exist.
 */
export async function beginAttempt(
  ctx: NightContext,
  p: ItemPlaces,
  clock: PhaseClock,
  previous: BriefInput['previousAttempt'],
  lastFailure: (s: SessionState, slug: string) => BriefInput['previousAttempt'],
  prepareWorktree: (ctx: NightContext, worktree: string, branch: string, startCommit: string) => Promise<WorktreeSource>,
): Promise<Attempt | undefined> {
  const { repoRoot, sessionId, manifest } = ctx;
  if (!(await ensureIntegrationHolds(ctx, `before ${itemRef(p.item)} started`))) return undefined;
  // The same read gives the integration tip.
  const tips = await backupSessionBranchTips(repoRoot, sessionId);
  const startCommit = tips.get(manifest.integrationBranch) ?? (await resolveCommit(repoRoot, `refs/heads/${manifest.integrationBranch}`));
  if (!startCommit) throw new Error(`the integration branch ${manifest.integrationBranch} does not exist`);
  clock.lap('backup');
  clock.source = await prepareWorktree(ctx, p.worktree, p.branch, startCommit);
  // The attempt's scratch folder (writable by its gates and its sandbox), empty like its worktree.
  await rm(p.scratch, { recursive: true, force: true });
  mkdirSync(p.scratch, { recursive: true });
  clock.lap('worktree');

  const claudeSessionId = randomUUID();
  let n = 0;
  let transcriptFile = '';
  let previousAttempt = previous;
  const state = await ctx.update((s) => {
    n = (s.items[p.slug]?.attempts.length ?? 0) + 1;
    // The first attempt of a retry (or resume) learns why the item's last attempt ended.
    previousAttempt ??= lastFailure(s, p.slug);
    transcriptFile = join(p.dir, `attempt-${n}.jsonl`);
    return startAttempt(s, p.slug, { claudeSessionId, now: nowIso(ctx), branch: p.branch, worktree: p.worktree, startCommit, transcript: relative(ctx.files.dir, transcriptFile) }).state;
  });
  clock.attempt = n;
  ctx.event(n === 1 ? 'item_started' : 'attempt_started', { slug: p.slug, attempt: n, branch: p.branch, worktree: p.worktree, startCommit, worktreeSource: clock.source });
  ctx.deps.log(`item ${p.slug}: attempt ${n} started in ${p.worktree}`);
  return { n, startCommit, claudeSessionId, transcriptFile, clock, previousAttempt, state };
}

/** The mission brief of the attempt: earlier items' learnings, earlier nights', the tolerated failures. */
async function briefFor(ctx: NightContext, p: ItemPlaces, a: Attempt, learningsOf: (s: SessionState) => BriefInput['learnings']): Promise<string> {
  const learnings = learningsOf(a.state) ?? [];
  // What earlier nights learned: the learnings file as the attempt's start commit has it.
  const memory = await memoryForBrief(ctx.repoRoot, ctx.config, a.startCommit, learnings.map((l) => l.text));
  return ctx.deps.buildBrief({
    sessionId: ctx.sessionId,
    item: p.item,
    branch: p.branch,
    checks: p.checks,
    learnings,
    previousAttempt: a.previousAttempt,
    deadline: a.state.deadline,
    scratchDir: p.scratch,
    tolerated: toleratedFailures(ctx.ratchet),
    ...(memory ? { memory } : {}),
  });
}

/** What the agent left, and the attempt's record of it (written with the next status, in one write). */
export interface AgentEnd {
  outcome: AgentOutcomeLike;
  record: (s: SessionState) => SessionState;
}

/**
 * Phase 2: the agent, in its containment (the OS sandbox settings, a short TMPDIR, its own git
 * object folder: src/runner/sandbox-attempt.ts), with the brief. Its commits are complete only once
 * its objects are imported, which happens even when it was stopped. Records its decisions on the
 * questions it asked (deferred/) and its learnings event. Out: the outcome and its record.
 */
export async function runAgentPhase(ctx: NightContext, p: ItemPlaces, a: Attempt, signal: AbortSignal, learningsOf: (s: SessionState) => BriefInput['learnings']): Promise<AgentEnd> {
  const { repoRoot, sessionId, manifest, config, deps } = ctx;
  const brief = await briefFor(ctx, p, a, learningsOf);
  a.clock.lap('state');
  const sandbox = prepareAttemptSandbox({
    sandbox: manifest.sandbox,
    config,
    repoRoot,
    worktree: p.worktree,
    branch: p.branch,
    scratchDir: p.scratch,
    sessionSettingsFile: ctx.files.settings,
    settingsFile: join(p.dir, `attempt-${a.n}.settings.json`),
    objectDir: objectsPath(repoRoot, sessionId, p.slug),
    home: homedir(),
    env: process.env,
  });
  let lastActivity = 0;
  const outcome = await deps
    .runAgent({
      claudePath: ctx.claudePath ?? config.agent.claude_path,
      cwd: p.worktree,
      brief,
      pluginDir: deps.pluginDir,
      settingsFile: sandbox.settingsFile,
      allowedTools: deps.allowedTools,
      maxTurns: p.item.maxTurns,
      budgetUsd: p.item.budgetUsd,
      model: config.agent.model,
      claudeSessionId: a.claudeSessionId,
      transcriptFile: a.transcriptFile,
      stderrFile: join(p.dir, `attempt-${a.n}.stderr.log`),
      idleTimeoutMs: parseDuration(config.agent.idle_timeout) ?? 10 * 60_000,
      stallTimeoutMs: parseDuration(config.agent.stall_timeout) ?? 20 * 60_000,
      absoluteTimeoutMs: p.item.timeoutMs,
      secretEnv: config.safety.secret_env,
      env: {
        ...(deps.agentEnv ?? {}),
        [ENV.sessionDir]: ctx.files.dir,
        [ENV.worktree]: p.worktree,
        [ENV.itemSlug]: p.slug,
        [ENV.ownBranch]: p.branch,
        [ENV.repoRoot]: repoRoot,
        ...sandbox.env,
        [ENV.scratch]: p.scratch,
      },
      signal,
      onActivity: (act) => {
        const t = deps.now();
        if (t - lastActivity < deps.activityThrottleMs) return;
        lastActivity = t;
        ctx.event('agent_activity', { slug: p.slug, attempt: a.n, kind: act.kind, summary: act.summary, turns: act.turns, costUsd: act.costUsd });
        void ctx.update((s) => setActivity(s, p.slug, act.summary, act.at)).catch(() => undefined);
      },
    })
    .finally(() => sandbox.finish());
  a.clock.lap('agent');
  // The agent's decision on the questions it asked this attempt (deferred/, session folder only).
  await recordDeferredDecisions(ctx.files.deferred, p.slug, outcome.lastText, a.n).catch((error: unknown) => {
    ctx.event('deferred_decision_failed', { slug: p.slug, attempt: a.n, error: String(error) });
  });
  const learned = outcome.learnings?.trim();
  const endedAt = nowIso(ctx);
  const record = (s: SessionState) => {
    const next = updateAttempt(s, p.slug, { endedAt, turns: outcome.turns, costUsd: outcome.costUsd, exitCode: outcome.exitCode, resultSubtype: outcome.result?.subtype, ...(outcome.neverStarted ? { notStarted: true } : {}) });
    return learned ? setLearnings(next, p.slug, learned) : next;
  };
  ctx.event('agent_finished', { slug: p.slug, attempt: a.n, turns: outcome.turns, costUsd: outcome.costUsd, exitCode: outcome.exitCode, killedBy: outcome.killedBy, completion: outcome.completion.kind, durationMs: outcome.durationMs });
  if (learned) ctx.event('learnings', { slug: p.slug, attempt: a.n, text: learned });
  return { outcome, record };
}

/** The attempt judged: its verdict, the commits to merge, and the state write of its record (with the verify log). */
export interface Judged {
  verdict: Verdict;
  commits: string[];
  withLog: (s: SessionState) => SessionState;
}

/** The item branch's commits after leftovers are committed (and whether there were any), and the branch checked out. */
async function branchEvidence(p: ItemPlaces, startCommit: string): Promise<{ onBranch?: string; commits: string[]; leftoverCommitted: boolean }> {
  // Three read-only questions at once: the branch checked out, what is left uncommitted, the commits.
  const [onBranch, status, committed] = await Promise.all([currentBranch(p.worktree), porcelainStatus(p.worktree, [], 'normal'), commitsBetween(p.worktree, startCommit, `refs/heads/${p.branch}`)]);
  const leftoverCommitted = onBranch === p.branch ? await commitLeftovers(p.worktree, status) : false;
  // Count what will be merged: the item branch, not whatever HEAD is.
  const commits = leftoverCommitted ? await commitsBetween(p.worktree, startCommit, `refs/heads/${p.branch}`) : committed;
  return { onBranch, commits, leftoverCommitted };
}

/**
 * Phase 3: the evidence (leftovers committed by the runner, commits counted), the success
 * condition run in the worktree (the test ratchet judges project checks: src/ratchet/gate.ts),
 * the attempt judged on evidence (judge.ts), then the review pass when enabled (review.ts). Out:
 * the judgement; 'interrupted' when the signal fired; 'review-closed' when the review failed closed
 * (the item's failure is already written).
 */
export async function judgePhase(ctx: NightContext, p: ItemPlaces, a: Attempt, end: AgentEnd, signal: AbortSignal): Promise<Judged | 'interrupted' | 'review-closed'> {
  let ev: Awaited<ReturnType<typeof branchEvidence>>;
  try {
    ev = await branchEvidence(p, a.startCommit);
  } catch (error) {
    await ctx.update(end.record).catch(() => undefined);
    throw error;
  }
  if (ev.leftoverCommitted) ctx.event('leftovers_committed', { slug: p.slug, attempt: a.n });
  const evidence = { outcome: end.outcome, commitsAhead: ev.commits.length, leftoverCommitted: ev.leftoverCommitted, branch: { expected: p.branch, actual: ev.onBranch } };
  let verdict: Verdict | undefined = judgeBeforeVerify(evidence);
  a.clock.lap('evidence');
  let verifyLog: string | undefined;
  let recorded = false;
  const withLog = (s: SessionState) => {
    const next = recorded ? s : end.record(s);
    return verifyLog ? updateAttempt(next, p.slug, { verifyLog }) : next;
  };
  if (!verdict) {
    // Written while the checks run: state writes stay in order on their chain, and nothing
    // depends on this one being on disk first (resume starts a verifying item over either way).
    const verifying = ctx.update((s) => setItemStatus(end.record(s), p.slug, 'verifying', { now: nowIso(ctx) }));
    verifying.catch(() => undefined);
    recorded = true;
    const logFile = join(p.dir, `verify-${a.n}.log`);
    ctx.event('verify_started', { slug: p.slug, attempt: a.n, commands: p.checks });
    const result = await runSuccessCondition(ctx, p.item, p.checks, { cwd: p.worktree, logFile, signal });
    await verifying;
    if (result.aborted || signal.aborted) return 'interrupted';
    const verify: VerifyEvidence = result;
    // Written with the attempt's outcome (one state write instead of two).
    verifyLog = relative(ctx.files.dir, logFile);
    ctx.event('verify_finished', { slug: p.slug, attempt: a.n, passed: result.passed, command: result.command });
    verdict = judgeAttempt({ ...evidence, verify });
    a.clock.lap('verify');
  }

  // The review pass (review.ts), when enabled: a rejection is a task failure; no verdict after its retry fails closed.
  if (verdict.verdict === 'success' && ctx.manifest.review) {
    const review = await reviewAttempt(ctx, { item: p.item, n: a.n, worktree: p.worktree, branch: p.branch, startCommit: a.startCommit, checks: p.checks, scratch: p.scratch, dir: p.dir, signal });
    a.clock.lap('review');
    if (review.kind === 'interrupted') {
      await ctx.update(withLog);
      return 'interrupted';
    }
    if (review.kind === 'closed') {
      await ctx.update((s) => reviewFailedClosed(withLog(s), p.slug, review.failure, nowIso(ctx)));
      ctx.event('item_failed', { slug: p.slug, kind: 'review', reason: review.failure.reason });
      a.clock.end('failed');
      return 'review-closed';
    }
    if (review.kind === 'rejected') verdict = review.verdict;
  }
  return { verdict, commits: ev.commits, withLog };
}

/** How an attempt settled: the item's end in this run, or another attempt (told why this one ended). */
export type Settled = { end: ItemEnd } | { again: BriefInput['previousAttempt'] };

/**
 * Phase 4, success: the merge queue. Merged: the worktree becomes a spare. A conflicted merge: a
 * fresh attempt from the integration branch as it is now (conflict.ts), up to
 * agent.conflict_retries. Any other failure to merge fails the item (kind `merge`).
 */
export async function mergePhase(ctx: NightContext, p: ItemPlaces, a: Attempt, j: Judged & { verdict: { verdict: 'success' } }, signal: AbortSignal): Promise<Settled> {
  const { repoRoot, deps } = ctx;
  const note = j.verdict.note;
  // Written while the item waits for and goes through the merge queue (see `verifying` in
  // judgePhase: resume asks git, not the state, whether an item was merged).
  const merging = ctx.update((s) => setItemStatus(updateAttempt(j.withLog(s), p.slug, { outcome: 'complete' }), p.slug, 'merging', { now: nowIso(ctx), note }));
  merging.catch(() => undefined);
  if (note) ctx.event('accepted_without_signal', { slug: p.slug, attempt: a.n, note });
  const merged = await mergeItem(ctx, p.item, a.startCommit, a.n, { commits: j.commits });
  await merging;
  a.clock.lap('merge');
  if (!merged.ok && merged.stopped) return { end: await markInterrupted(ctx, p.slug, signal) };
  if (merged.ok) {
    // Its worktree is done with: cleaned from now on (beside the state write), then the next
    // item may recycle it.
    if (ctx.spareWorktrees) ctx.spareCleaning?.set(p.worktree, cleanWorktree(repoRoot, p.worktree).catch(() => false));
    await ctx.update((s) => markMerged(s, p.slug, { now: nowIso(ctx), mergeCommit: merged.mergeCommit, commits: merged.commits }));
    ctx.spareWorktrees?.push(p.worktree);
    deps.log(`item ${p.slug}: merged (${merged.mergeCommit.slice(0, 10)})`);
    a.clock.end('merged');
    return { end: 'merged' };
  }
  if (merged.conflict) {
    const next = await onMergeConflict(ctx, p.item, { n: a.n, startCommit: a.startCommit, facts: merged.conflict, evidence: merged.evidence, now: nowIso(ctx) });
    a.clock.end(next.step === 'rerun' ? 'conflict: rerun' : 'failed');
    return next.step === 'failed' ? { end: 'failed' } : { again: next.previousAttempt };
  }
  await ctx.update((s) => setItemStatus(s, p.slug, 'failed', { now: nowIso(ctx), reason: merged.reason, failureKind: 'merge', evidence: merged.evidence }));
  ctx.event('item_failed', { slug: p.slug, kind: 'merge', reason: merged.reason });
  deps.log(`item ${p.slug}: failed to merge: ${merged.reason}`);
  a.clock.end('failed');
  return { end: 'failed' };
}

/**
 * Phase 4, failure: what next depends on the earlier failures (judge.ts decideNext), read and
 * recorded in one write: a fresh retry after its delay, a session pause (rate or usage limit), a
 * session stop (permanent), or giving up.
 */
export async function failurePhase(ctx: NightContext, p: ItemPlaces, a: Attempt, failure: Verdict & { verdict: 'failure' }, withLog: Judged['withLog'], signal: AbortSignal): Promise<Settled> {
  const { deps } = ctx;
  let next!: ReturnType<typeof decideNext>;
  await ctx.update((s) => {
    next = decideNext(failure, failureCounts(s.items[p.slug]!, s.run ?? 1), deps.retry);
    return updateAttempt(withLog(s), p.slug, { outcome: next.step === 'pause' ? 'paused' : 'failed', failureKind: failure.kind, failure: failure.reason });
  });
  ctx.event('attempt_failed', { slug: p.slug, attempt: a.n, kind: failure.kind, reason: failure.reason, next: next.step });
  deps.log(`item ${p.slug}: attempt ${a.n} failed (${failure.kind}): ${failure.reason}`);
  a.clock.end(`attempt failed: ${next.step}`);
  if (next.step === 'retry') {
    await sleep(next.delayMs, signal);
    return { again: { n: a.n, failure: failure.reason, evidence: failure.evidence, kind: failure.kind } };
  }
  if (next.step === 'pause') {
    await ctx.update((s) => setItemStatus(s, p.slug, 'pending', { now: nowIso(ctx), reason: `waiting for the ${failure.reason}` }));
    await ctx.pause(next.until, failure.reason);
    return { end: 'pending' };
  }
  const kind = next.step === 'stop-session' ? 'permanent' : failure.kind;
  await ctx.update((s) => setItemStatus(s, p.slug, 'failed', { now: nowIso(ctx), reason: failure.reason, failureKind: kind, evidence: failure.evidence }));
  ctx.event('item_failed', { slug: p.slug, kind, reason: failure.reason });
  if (next.step === 'stop-session') ctx.stopSession(failure.reason);
  return { end: 'failed' };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
