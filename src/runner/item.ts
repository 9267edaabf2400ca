/**
 * One item's lifecycle in the night (DESIGN.md, "One item, one fresh agent session" and
 * "Failures, retries, limits"):
 * 1. a clean worktree and branch from the integration branch as it stands now (after backing up
 *    every branch the runner owns);
 * 2. a fresh `claude -p` attempt with the mission brief (earlier learnings, the previous attempt's
 *    failure);
 * 3. leftover uncommitted changes committed by the runner, commits counted, the success condition
 *    run in the worktree, the attempt judged on evidence (src/runner/judge.ts);
 * 4. success: the review pass when enabled (src/runner/review.ts), then the merge queue (a
 *    conflicted merge: a fresh attempt from the integration branch as it is now, up to
 *    agent.conflict_retries, conflict.ts); failure: a fresh retry, a session pause (rate/usage
 *    limit), a stop (permanent) or giving up, as decideNext says.
 * The abort signal ends the attempt cleanly: the item is `interrupted` and resume starts it over.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { homedir } from 'node:os';
import { ENV, featureDir, itemBranch, objectsPath, scratchPath, worktreePath } from '../session/paths.js';
import { prepareAttemptSandbox } from './sandbox-attempt.js';
import type { ManifestItem, SessionState } from '../session/state.js';
import type { BriefInput } from '../agent/brief.js';
import { parseDuration } from '../util/duration.js';
import type { NightContext } from './context.js';
import { addItemWorktree, backupSessionBranchTips, cleanWorktree, commitLeftovers, commitsBetween, currentBranch, linkedWorktreeGitDir, moveWorktree, porcelainStatus, resetItemWorktree, resolveCommit, worktreeIndexIsPlain } from './git.js';
import { recordDeferredDecisions } from './deferred-decision.js';
import { decideNext, judgeAttempt, judgeBeforeVerify, type Verdict, type VerifyEvidence } from './judge.js';
import { mergeItem } from './merge-queue.js';
import { onMergeConflict } from './conflict.js';
import { ensureIntegrationHolds } from './integration-watch.js';
import { itemRef } from '../backlog/filename.js';
import { failureCounts, markMerged, setActivity, setItemStatus, setLearnings, startAttempt, updateAttempt } from './transitions.js';
import { runChecks } from './verify.js';
import { reviewAttempt, reviewFailedClosed } from './review.js';
import { runSuccessCondition, toleratedFailures } from '../ratchet/gate.js';
import { successCommands } from '../backlog/success-condition.js';
import { memoryForBrief } from '../memory/brief-memory.js';

/** Why an item's abort signal fired. */
export type AbortReason = 'deadline' | 'stop' | 'permanent';

/** How one item left runItem; the state is already written. `pending` = put back for after a pause. */
export type ItemEnd = 'merged' | 'failed' | 'blocked' | 'interrupted' | 'pending';

/** The reason written on an interrupted item. */
export function interruptReason(reason: unknown): string {
  if (reason === 'deadline') return 'stopped at the session time limit';
  if (reason === 'permanent') return 'stopped because the session stopped early (see the session stop reason)';
  return 'the runner was stopped; `overnight resume` starts it over';
}

function learningsFor(state: SessionState, items: ManifestItem[], slug: string): Array<{ slug: string; title: string; text: string }> {
  return items
    .filter((i) => i.slug !== slug && state.items[i.slug]?.learnings)
    .map((i) => ({ slug: i.slug, title: i.title, text: state.items[i.slug]!.learnings! }));
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

/**
 * Why the item's last recorded attempt ended, when it failed or ended blocked (its `failure`, with
 * the item's evidence, and its failure kind: `stalled` asks for smaller steps), for the brief of
 * the next attempt; undefined for a first attempt or after
 * an interruption (nothing went wrong with the item itself).
 */
export function lastFailure(state: SessionState, slug: string): BriefInput['previousAttempt'] {
  const item = state.items[slug];
  const last = item?.attempts.at(-1);
  if (!item || !last?.failure || last.outcome === 'interrupted') return undefined;
  const conflict = last.conflict
    ? { files: last.conflict.files, with: last.conflict.with.map(({ id, slug, title }) => ({ id, slug, title })), startCommit: last.startCommit, tip: last.conflict.tip, keptRef: last.conflict.keptRef }
    : undefined;
  return { n: last.n, failure: last.failure, evidence: item.evidence, ...(last.failureKind ? { kind: last.failureKind } : {}), ...(conflict ? { conflict } : {}) };
}

/** How an attempt got its clean worktree: its own reset in place, a merged item's moved here, or a new one. */
export type WorktreeSource = 'reused' | 'recycled' | 'fresh';

/**
 * Gives the attempt a clean worktree at `worktree` on `branch` at `startCommit`: the item's own
 * worktree from an earlier attempt (or run) reset and cleaned in place; else a spare (a worktree
 * of an item merged in this run) moved to `worktree` and reset and cleaned; else
 * `git worktree add`. Whatever cannot be reset soundly is replaced by a fresh one (git.ts).
 */
export async function prepareWorktree(ctx: NightContext, worktree: string, branch: string, startCommit: string): Promise<WorktreeSource> {
  const { repoRoot } = ctx;
  if (existsSync(worktree)) {
    if (await resetItemWorktree(repoRoot, worktree, branch, startCommit)) return 'reused';
  } else {
    const spare = ctx.spareWorktrees?.pop();
    if (spare) {
      // Its clean started when its item merged; it must be over before the folder moves. The
      // index check reads only the admin dir (git clean does not write the index, and a move
      // leaves the admin dir in place): it runs while the clean finishes.
      const cleaning = ctx.spareCleaning?.get(spare);
      ctx.spareCleaning?.delete(spare);
      const admin = await linkedWorktreeGitDir(repoRoot, spare);
      const [cleaned, plain] = await Promise.all([cleaning ? cleaning.catch(() => false) : false, admin ? worktreeIndexIsPlain(repoRoot, admin) : false]);
      const moved = admin !== undefined && plain && (await moveWorktree(repoRoot, spare, worktree));
      if (moved && (await resetItemWorktree(repoRoot, worktree, branch, startCommit, { checked: true, cleaned }))) return 'recycled';
    }
  }
  await addItemWorktree(repoRoot, worktree, branch, startCommit);
  return 'fresh';
}

/**
 * Runs one item to its end in this run (merged, failed, blocked, interrupted, or back to pending
 * for a session pause). Never throws for the item's own problems: an unexpected error (git
 * failure...) fails the item with kind transient and its message.
 */
export async function runItem(ctx: NightContext, item: ManifestItem, signal: AbortSignal): Promise<ItemEnd> {
  try {
    return await lifecycle(ctx, item, signal);
  } catch (error) {
    const now = new Date(ctx.deps.now()).toISOString();
    if (signal.aborted) {
      await ctx.update((s) => setItemStatus(s, item.slug, 'interrupted', { now, reason: interruptReason(signal.reason), failureKind: signal.reason === 'deadline' ? 'timeout' : undefined }));
      ctx.event('item_interrupted', { slug: item.slug, reason: interruptReason(signal.reason) });
      return 'interrupted';
    }
    const message = error instanceof Error ? error.message : String(error);
    await ctx.update((s) => setItemStatus(s, item.slug, 'failed', { now, reason: `the runner hit an error: ${message.split('\n')[0]}`, failureKind: 'transient', evidence: message.slice(-2000) }));
    ctx.event('item_failed', { slug: item.slug, kind: 'transient', reason: message.split('\n')[0] });
    ctx.deps.log(`item ${item.slug}: runner error: ${message}`);
    return 'failed';
  }
}

async function lifecycle(ctx: NightContext, item: ManifestItem, signal: AbortSignal): Promise<ItemEnd> {
  const { repoRoot, sessionId, manifest, config, deps } = ctx;
  const slug = item.slug;
  const branch = itemBranch(sessionId, slug);
  const worktree = worktreePath(repoRoot, sessionId, slug);
  const scratch = scratchPath(repoRoot, sessionId, slug);
  const dir = featureDir(repoRoot, sessionId, slug);
  mkdirSync(dir, { recursive: true });
  const checks = [...successCommands(item, manifest.checks)];
  const idleTimeoutMs = parseDuration(config.agent.idle_timeout) ?? 10 * 60_000;
  const stallTimeoutMs = parseDuration(config.agent.stall_timeout) ?? 20 * 60_000;
  let previousAttempt: BriefInput['previousAttempt'];
  const nowIso = () => new Date(deps.now()).toISOString();
  const interrupted = async (): Promise<ItemEnd> => {
    const reason = interruptReason(signal.reason);
    await ctx.update((s) => setItemStatus(s, slug, 'interrupted', { now: nowIso(), reason, failureKind: signal.reason === 'deadline' ? 'timeout' : undefined }));
    await ctx.update((s) => updateAttempt(s, slug, { endedAt: nowIso(), outcome: 'interrupted' })).catch(() => undefined);
    ctx.event('item_interrupted', { slug, reason });
    return 'interrupted';
  };

  for (;;) {
    if (signal.aborted) return interrupted();
    // Where the runner's own time goes, ms per phase of this attempt (event item_timing).
    const clock = Date.now;
    let mark = clock();
    const ms: Record<string, number> = {};
    const lap = (phase: string) => {
      const t = clock();
      ms[phase] = (ms[phase] ?? 0) + (t - mark);
      mark = t;
    };
    let source: WorktreeSource = 'fresh';
    let timingAttempt = 0;
    const timing = (end: string) => {
      lap('state');
      ctx.event('item_timing', { slug, attempt: timingAttempt, end, worktree: source, ms });
    };
    // 1. A clean worktree from the integration branch as it stands now, once it is known to hold
    // every merge the runner made (else the night stops: integration-watch.ts).
    if (!(await ensureIntegrationHolds(ctx, `before ${itemRef(item)} started`))) return interrupted();
    // Every branch the runner owns is backed up first; the same read gives the integration tip.
    const tips = await backupSessionBranchTips(repoRoot, sessionId);
    const startCommit = tips.get(manifest.integrationBranch) ?? (await resolveCommit(repoRoot, `refs/heads/${manifest.integrationBranch}`));
    if (!startCommit) throw new Error(`the integration branch ${manifest.integrationBranch} does not exist`);
    lap('backup');
    source = await prepareWorktree(ctx, worktree, branch, startCommit);
    // The attempt's scratch folder (writable by its gates and its sandbox), empty like its worktree.
    await rm(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    lap('worktree');

    const claudeSessionId = randomUUID();
    let n = 0;
    let transcriptFile = '';
    let state = await ctx.update((s) => {
      n = (s.items[slug]?.attempts.length ?? 0) + 1;
      // The first attempt of a retry (or resume) learns why the item's last attempt ended.
      previousAttempt ??= lastFailure(s, slug);
      transcriptFile = join(dir, `attempt-${n}.jsonl`);
      return startAttempt(s, slug, { claudeSessionId, now: nowIso(), branch, worktree, startCommit, transcript: relative(ctx.files.dir, transcriptFile) }).state;
    });
    timingAttempt = n;
    ctx.event(n === 1 ? 'item_started' : 'attempt_started', { slug, attempt: n, branch, worktree, startCommit, worktreeSource: source });
    deps.log(`item ${slug}: attempt ${n} started in ${worktree}`);

    // 2. The agent.
    const learnings = learningsFor(state, manifest.items, slug);
    // What earlier nights learned: the learnings file as the attempt's start commit has it.
    const memory = await memoryForBrief(repoRoot, config, startCommit, learnings.map((l) => l.text));
    const brief = deps.buildBrief({
      sessionId,
      item,
      branch,
      checks,
      learnings,
      previousAttempt,
      deadline: state.deadline,
      scratchDir: scratch,
      tolerated: toleratedFailures(ctx.ratchet),
      ...(memory ? { memory } : {}),
    });
    lap('state');
    // Its containment: the OS sandbox settings, a short TMPDIR, its own git object folder.
    const sandbox = prepareAttemptSandbox({
      sandbox: manifest.sandbox,
      config,
      repoRoot,
      worktree,
      branch,
      scratchDir: scratch,
      sessionSettingsFile: ctx.files.settings,
      settingsFile: join(dir, `attempt-${n}.settings.json`),
      objectDir: objectsPath(repoRoot, sessionId, slug),
      home: homedir(),
      env: process.env,
    });
    let lastActivity = 0;
    // The agent's commits are only complete once its objects are imported, even when it was stopped.
    const outcome = await deps.runAgent({
      claudePath: ctx.claudePath ?? config.agent.claude_path,
      cwd: worktree,
      brief,
      pluginDir: deps.pluginDir,
      settingsFile: sandbox.settingsFile,
      allowedTools: deps.allowedTools,
      maxTurns: item.maxTurns,
      budgetUsd: item.budgetUsd,
      model: config.agent.model,
      claudeSessionId,
      transcriptFile,
      stderrFile: join(dir, `attempt-${n}.stderr.log`),
      idleTimeoutMs,
      stallTimeoutMs,
      absoluteTimeoutMs: item.timeoutMs,
      secretEnv: config.safety.secret_env,
      env: {
        ...(deps.agentEnv ?? {}),
        [ENV.sessionDir]: ctx.files.dir,
        [ENV.worktree]: worktree,
        [ENV.itemSlug]: slug,
        [ENV.ownBranch]: branch,
        [ENV.repoRoot]: repoRoot,
        ...sandbox.env,
        [ENV.scratch]: scratch,
      },
      signal,
      onActivity: (a) => {
        const t = deps.now();
        if (t - lastActivity < deps.activityThrottleMs) return;
        lastActivity = t;
        ctx.event('agent_activity', { slug, attempt: n, kind: a.kind, summary: a.summary, turns: a.turns, costUsd: a.costUsd });
        void ctx.update((s) => setActivity(s, slug, a.summary, a.at)).catch(() => undefined);
      },
    }).finally(() => sandbox.finish());
    lap('agent');
    // The agent's decision on the questions it asked this attempt (deferred/, session folder only).
    await recordDeferredDecisions(ctx.files.deferred, slug, outcome.lastText, n).catch((error: unknown) => {
      ctx.event('deferred_decision_failed', { slug, attempt: n, error: String(error) });
    });
    const learned = outcome.learnings?.trim();
    const endedAt = nowIso();
    // The attempt's record (turns, cost, exit, learnings); written with the next status in one write.
    const agentEnd = (s: SessionState) => {
      const next = updateAttempt(s, slug, { endedAt, turns: outcome.turns, costUsd: outcome.costUsd, exitCode: outcome.exitCode, resultSubtype: outcome.result?.subtype, ...(outcome.neverStarted ? { notStarted: true } : {}) });
      return learned ? setLearnings(next, slug, learned) : next;
    };
    ctx.event('agent_finished', { slug, attempt: n, turns: outcome.turns, costUsd: outcome.costUsd, exitCode: outcome.exitCode, killedBy: outcome.killedBy, completion: outcome.completion.kind, durationMs: outcome.durationMs });
    if (learned) ctx.event('learnings', { slug, attempt: n, text: learned });
    if (outcome.killedBy === 'abort' || signal.aborted) {
      await ctx.update(agentEnd);
      return interrupted();
    }

    // 3. Evidence.
    let onBranch: string | undefined;
    let commits: string[];
    let leftoverCommitted: boolean;
    try {
      // Three read-only questions at once: the branch checked out, what is left uncommitted, the commits.
      const [head, status, committed] = await Promise.all([
        currentBranch(worktree),
        porcelainStatus(worktree, [], 'normal'),
        commitsBetween(worktree, startCommit, `refs/heads/${branch}`),
      ]);
      onBranch = head;
      leftoverCommitted = onBranch === branch ? await commitLeftovers(worktree, status) : false;
      // Count what will be merged: the item branch, not whatever HEAD is.
      commits = leftoverCommitted ? await commitsBetween(worktree, startCommit, `refs/heads/${branch}`) : committed;
    } catch (error) {
      await ctx.update(agentEnd).catch(() => undefined);
      throw error;
    }
    if (leftoverCommitted) ctx.event('leftovers_committed', { slug, attempt: n });
    let verify: VerifyEvidence | undefined;
    const evidence = { outcome, commitsAhead: commits.length, leftoverCommitted, branch: { expected: branch, actual: onBranch } };
    let verdict: Verdict | undefined = judgeBeforeVerify(evidence);
    lap('evidence');
    let verifyLog: string | undefined;
    let recorded = false;
    const withLog = (s: SessionState) => {
      const next = recorded ? s : agentEnd(s);
      return verifyLog ? updateAttempt(next, slug, { verifyLog }) : next;
    };
    if (!verdict) {
      // Written while the checks run: state writes stay in order on their chain, and nothing
      // depends on this one being on disk first (resume starts a verifying item over either way).
      const verifying = ctx.update((s) => setItemStatus(agentEnd(s), slug, 'verifying', { now: nowIso() }));
      verifying.catch(() => undefined);
      recorded = true;
      const logFile = join(dir, `verify-${n}.log`);
      ctx.event('verify_started', { slug, attempt: n, commands: checks });
      const result = await runSuccessCondition(ctx, item, checks, { cwd: worktree, logFile, signal });
      await verifying;
      if (result.aborted || signal.aborted) return interrupted();
      verify = result;
      // Written with the attempt's outcome below (one state write instead of two).
      verifyLog = relative(ctx.files.dir, logFile);
      ctx.event('verify_finished', { slug, attempt: n, passed: result.passed, command: result.command });
      verdict = judgeAttempt({ ...evidence, verify });
      lap('verify');
    }

    // 3b. The review pass (review.ts), when enabled: a rejection is a task failure; no verdict after its retry fails closed.
    if (verdict.verdict === 'success' && manifest.review) {
      const review = await reviewAttempt(ctx, { item, n, worktree, branch, startCommit, checks, scratch, dir, signal });
      lap('review');
      if (review.kind === 'interrupted') {
        await ctx.update(withLog);
        return interrupted();
      }
      if (review.kind === 'closed') {
        await ctx.update((s) => reviewFailedClosed(withLog(s), slug, review.failure, nowIso()));
        ctx.event('item_failed', { slug, kind: 'review', reason: review.failure.reason });
        timing('failed');
        return 'failed';
      }
      if (review.kind === 'rejected') verdict = review.verdict;
    }

    // 4. What happens next.
    if (verdict.verdict === 'interrupted') {
      await ctx.update(withLog);
      return interrupted();
    }
    if (verdict.verdict === 'blocked') {
      const reason = verdict.reason;
      await ctx.update((s) => setItemStatus(updateAttempt(withLog(s), slug, { outcome: 'blocked' }), slug, 'blocked', { now: nowIso(), reason, evidence: outcome.lastText?.slice(-2000) }));
      ctx.event('item_blocked', { slug, reason, by: 'agent' });
      timing('blocked');
      return 'blocked';
    }
    if (verdict.verdict === 'success') {
      const note = verdict.note;
      // Written while the item waits for and goes through the merge queue (see `verifying`:
      // resume asks git, not the state, whether an item was merged).
      const merging = ctx.update((s) => setItemStatus(updateAttempt(withLog(s), slug, { outcome: 'complete' }), slug, 'merging', { now: nowIso(), note }));
      merging.catch(() => undefined);
      if (note) ctx.event('accepted_without_signal', { slug, attempt: n, note });
      const merged = await mergeItem(ctx, item, startCommit, n, { commits });
      await merging;
      lap('merge');
      if (!merged.ok && merged.stopped) return interrupted();
      if (merged.ok) {
        // Its worktree is done with: cleaned from now on (beside the state write), then the next
        // item may recycle it.
        if (ctx.spareWorktrees) ctx.spareCleaning?.set(worktree, cleanWorktree(repoRoot, worktree).catch(() => false));
        await ctx.update((s) => markMerged(s, slug, { now: nowIso(), mergeCommit: merged.mergeCommit, commits: merged.commits }));
        ctx.spareWorktrees?.push(worktree);
        deps.log(`item ${slug}: merged (${merged.mergeCommit.slice(0, 10)})`);
        timing('merged');
        return 'merged';
      }
      if (merged.conflict) {
        // Conflict repair (conflict.ts): a fresh attempt from the integration branch as it is now.
        const next = await onMergeConflict(ctx, item, { n, startCommit, facts: merged.conflict, evidence: merged.evidence, now: nowIso() });
        timing(next.step === 'rerun' ? 'conflict: rerun' : 'failed');
        if (next.step === 'failed') return 'failed';
        previousAttempt = next.previousAttempt;
        continue;
      }
      await ctx.update((s) => setItemStatus(s, slug, 'failed', { now: nowIso(), reason: merged.reason, failureKind: 'merge', evidence: merged.evidence }));
      ctx.event('item_failed', { slug, kind: 'merge', reason: merged.reason });
      deps.log(`item ${slug}: failed to merge: ${merged.reason}`);
      timing('failed');
      return 'failed';
    }

    // A failed attempt: what next depends on the earlier failures, read and recorded in one write.
    const failure = verdict;
    let next!: ReturnType<typeof decideNext>;
    await ctx.update((s) => {
      next = decideNext(failure, failureCounts(s.items[slug]!, s.run ?? 1), deps.retry);
      return updateAttempt(withLog(s), slug, { outcome: next.step === 'pause' ? 'paused' : 'failed', failureKind: failure.kind, failure: failure.reason });
    });
    ctx.event('attempt_failed', { slug, attempt: n, kind: failure.kind, reason: failure.reason, next: next.step });
    deps.log(`item ${slug}: attempt ${n} failed (${failure.kind}): ${failure.reason}`);
    timing(`attempt failed: ${next.step}`);
    if (next.step === 'retry') {
      previousAttempt = { n, failure: failure.reason, evidence: failure.evidence, kind: failure.kind };
      await sleep(next.delayMs, signal);
      continue;
    }
    if (next.step === 'pause') {
      await ctx.update((s) => setItemStatus(s, slug, 'pending', { now: nowIso(), reason: `waiting for the ${failure.reason}` }));
      await ctx.pause(next.until, failure.reason);
      return 'pending';
    }
    if (next.step === 'stop-session') {
      await ctx.update((s) => setItemStatus(s, slug, 'failed', { now: nowIso(), reason: failure.reason, failureKind: 'permanent', evidence: failure.evidence }));
      ctx.event('item_failed', { slug, kind: 'permanent', reason: failure.reason });
      ctx.stopSession(failure.reason);
      return 'failed';
    }
    await ctx.update((s) => setItemStatus(s, slug, 'failed', { now: nowIso(), reason: failure.reason, failureKind: failure.kind, evidence: failure.evidence }));
    ctx.event('item_failed', { slug, kind: failure.kind, reason: failure.reason });
    return 'failed';
  }
}
