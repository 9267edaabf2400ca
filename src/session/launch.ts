/**
 * `overnight launch`: turns the approved plan into a session on disk (DESIGN.md, "A session on
 * disk", "Git model"). Nothing is half-written: the session folder is built under
 * `.overnight/sessions/.tmp-<id>` and renamed into place last; the integration branch is deleted
 * again if a later step fails.
 *
 * The repository lock is NOT taken here: it belongs to the runner process (`overnight start`),
 * whose pid it holds. Launch refuses while another session is active (phase neither complete nor
 * abandoned) or while a live runner holds the lock, so only one session exists at a time.
 */
import { reviewSettings } from '../runner/review-settings.js';
import { chmodSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { itemRef } from '../backlog/filename.js';
import { claudeMissingFix, resolveClaude } from '../agent/find-claude.js';
import { loadConfig } from '../config/load.js';
import { CONFIG_FILE, checkCommands, checkJunitFiles, type OvernightConfig } from '../config/schema.js';
import { checkSandboxWorks } from '../doctor/sandbox-check.js';
import { pluginRoot } from '../util/plugin-root.js';
import { preparePlan, type PrepareOptions } from '../plan/prepare.js';
import type { SessionPlan } from '../plan/types.js';
import { buildAgentSettings } from '../safety/settings.js';
import { policyFileFromConfig } from '../hooks/policy-context.js';
import { OvernightError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';
import { activeSessions } from './find.js';
import { liveLockHolder } from './lock.js';
import { integrationBranch, itemBranch, latestLink, OVERNIGHT_DIR, sessionDir, sessionFiles, sessionsDir, worktreesDir } from './paths.js';
import { manifestSchema, type ManifestItem, type SessionManifest } from './state.js';
import { initialState } from '../runner/transitions.js';
import { createBranch, deleteBranch, ensureExcluded, porcelainStatus, resolveCommit } from '../runner/git.js';

/**
 * What `overnight launch` takes: the plan's options (src/plan/prepare.ts), except that `approve`
 * is final here: ask items not named in it are not run (the plan lists them as not approved).
 */
export type LaunchOptions = PrepareOptions;

export interface LaunchResult {
  sessionId: string;
  sessionDir: string;
  integrationBranch: string;
  baseBranch: string;
  baseCommit: string;
  plan: {
    timeLimitMs: number;
    concurrency: number;
    estimateMs: number;
    rounds: Array<{ index: number; items: string[]; estimateMs: number }>;
    excluded: SessionPlan['excluded'];
    /** Items of an `approval.ask` type without a yes (and items waiting for them): not run. */
    notApproved: NonNullable<SessionPlan['notApproved']>;
    ineligible: SessionPlan['ineligible'];
    deferred: SessionPlan['deferred'];
  };
  items: Array<{ id: number; slug: string; title: string; round: number; dependsOn: string[]; estimateMs: number; branch: string }>;
}

/**
 * A session id: local date and time of launch plus a short random suffix, e.g.
 * `20261121-2300-a3f9`. Only `[0-9a-z-]`, so it is safe in branch names (git-check-ref-format)
 * and sorts by time.
 */
export function newSessionId(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Manifest items from the plan's rounds, in plan order (round, then position). */
export function manifestItems(plan: SessionPlan, config: OvernightConfig): ManifestItem[] {
  const planned = plan.rounds.flatMap((r) => r.items);
  const slugById = new Map(planned.map((p) => [p.item.id, p.item.slug]));
  const defaultTimeout = parseDuration(config.agent.timeout) ?? 45 * 60_000;
  return planned.map((p) => ({
    id: p.item.id,
    slug: p.item.slug,
    title: p.item.title,
    file: p.item.file,
    type: p.item.type,
    priority: p.item.priority,
    dependsOn: p.item.dependsOn.map((id) => slugById.get(id)).filter((s): s is string => s !== undefined),
    verify: p.item.verify,
    maxTurns: p.item.maxTurns ?? config.agent.max_turns,
    budgetUsd: p.item.budgetUsd ?? config.agent.budget_usd,
    timeoutMs: p.item.timeoutMs ?? defaultTimeout,
    estimateMs: Math.max(1, Math.round(p.estimateMs)),
    round: p.round,
    body: p.item.body,
    acceptanceCriteria: p.item.acceptanceCriteria,
  }));
}

/** Refuses when a session is active or a live runner holds the lock. */
export function assertNoActiveSession(repoRoot: string): void {
  const holder = liveLockHolder(repoRoot);
  if (holder) {
    throw new OvernightError('session.active', `The runner is still running (pid ${holder.pid}) for session ${holder.sessionId}; one session at a time per repository.`, {
      file: '.overnight/lock',
      fix: `Wait for it, or stop it with \`overnight abandon --session ${holder.sessionId}\`.`,
    });
  }
  const active = activeSessions(repoRoot);
  if (active.length > 0) {
    const { id, state } = active[active.length - 1]!;
    throw new OvernightError('session.active', `Session ${id} is still active (phase ${state.phase}); one session at a time per repository.`, {
      file: `.overnight/sessions/${id}/state.json`,
      fix: `Continue it with \`overnight resume --session ${id}\`, or end it with \`overnight abandon --session ${id}\`.`,
    });
  }
}

/**
 * Refuses (OvernightError `launch.no-claude`) when the runner would not find the claude binary:
 * the same resolution the runner uses (src/agent/find-claude.ts resolveClaude, with this process's
 * PATH and home), so a night is never launched only to stop at its first agent with ENOENT.
 */
export function assertClaudeFound(repoRoot: string, config: OvernightConfig): void {
  const found = resolveClaude({ configured: config.agent.claude_path, pluginRoot: pluginRoot(), cwd: repoRoot });
  if (found.path) return;
  throw new OvernightError('launch.no-claude', `The runner would not find the claude binary (tried: ${found.tried.join(', ')}).`, {
    file: 'overnight.config.yaml',
    field: 'agent.claude_path',
    fix: `${claudeMissingFix(config.agent.claude_path)} Then check with \`overnight doctor\`.`,
  });
}

/**
 * Refuses a night whose agents could not run inside the OS sandbox (issue 8, "Preflight"): unless
 * the config says `safety.sandbox: off`, the sandbox must start here (src/doctor/sandbox-check.ts).
 * Throws OvernightError `launch.sandbox-unavailable` naming what failed and the fix.
 */
async function assertSandboxStarts(config: OvernightConfig, repoRoot: string): Promise<void> {
  if (config.safety.sandbox === 'off') return;
  let root: string | undefined;
  try {
    root = pluginRoot();
  } catch {
    root = undefined;
  }
  const result = await checkSandboxWorks(resolveClaude({ configured: config.agent.claude_path, pluginRoot: root, cwd: repoRoot }).path);
  if (result.ok) return;
  throw new OvernightError('launch.sandbox-unavailable', `The OS sandbox that contains every agent cannot start on this machine: ${result.detail}.`, {
    file: CONFIG_FILE,
    field: 'safety.sandbox',
    fix: result.fix,
  });
}

/**
 * Creates a session from the approved plan. Returns the launch envelope's data.
 * Throws OvernightError: `session.active`, `launch.no-claude` (see assertClaudeFound),
 * `launch.backlog-dirty` (uncommitted backlog changes),
 * `launch.sandbox-unavailable` (the OS sandbox cannot start and the config does not opt out),
 * `launch.nothing-eligible`, `launch.base-branch`, plus whatever planning throws (config, backlog).
 */
export async function launchSession(repoRoot: string, opts: LaunchOptions = {}): Promise<LaunchResult> {
  assertNoActiveSession(repoRoot);
  const config = await loadConfig(repoRoot);
  assertClaudeFound(repoRoot, config);
  const dirty = await porcelainStatus(repoRoot, [config.backlog_dir]);
  if (dirty.length > 0) {
    throw new OvernightError('launch.backlog-dirty', `The backlog has uncommitted changes:\n${dirty.map((l) => `  ${l}`).join('\n')}`, {
      file: config.backlog_dir,
      fix: `Commit them first (git add ${config.backlog_dir} && git commit): the agents work from committed history, so uncommitted items would not be what they see.`,
    });
  }
  await assertSandboxStarts(config, repoRoot);
  const { plan } = await preparePlan(repoRoot, { ...opts, approve: opts.approve ?? [] });
  const items = manifestItems(plan, config);
  if (items.length === 0) {
    const why = [...plan.ineligible, ...plan.excluded, ...(plan.notApproved ?? []), ...plan.deferred].slice(0, 10).map((x) => `  ${itemRef(x)}: ${x.reason}`);
    throw new OvernightError('launch.nothing-eligible', `The plan has no eligible item, so there is nothing to run tonight.${why.length ? `\n${why.join('\n')}` : ''}`, {
      file: config.backlog_dir,
      fix: 'Mark items `status: ready` with an `## Acceptance criteria` section and a success condition (`verify:` or project `checks`), check --only/--exclude, approve the items that need a yes with --approve <ids>, then run `overnight prepare` again.',
    });
  }
  const baseCommit = await resolveCommit(repoRoot, plan.baseBranch);
  if (!baseCommit) {
    throw new OvernightError('launch.base-branch', `The base branch '${plan.baseBranch}' does not exist or has no commits.`, {
      file: 'overnight.config.yaml',
      field: 'base_branch',
      fix: 'Set base_branch to an existing branch, or commit on the current branch first.',
    });
  }

  const now = opts.now ?? new Date();
  const id = newSessionId(now);
  const branch = integrationBranch(id);
  const manifest: SessionManifest = manifestSchema.parse({
    version: 1,
    sandbox: config.safety.sandbox,
    ...(config.budget_usd !== undefined ? { budgetUsd: config.budget_usd } : {}),
    ...(reviewSettings(config) ? { review: reviewSettings(config) } : {}),
    notApproved: (plan.notApproved ?? []).map((i) => ({ id: i.id, slug: i.slug, title: i.title, reason: i.reason })),
    id,
    created: now.toISOString(),
    repoRoot,
    baseBranch: plan.baseBranch,
    baseCommit,
    integrationBranch: branch,
    timeLimitMs: plan.timeLimitMs,
    concurrency: plan.concurrency,
    checks: checkCommands(config.checks),
    ...(config.ratchet ? { ratchet: { junit: checkJunitFiles(config.checks) } } : {}),
    items,
  });

  await ensureExcluded(repoRoot, `/${OVERNIGHT_DIR}/`);
  mkdirSync(sessionsDir(repoRoot), { recursive: true });
  const tmp = join(sessionsDir(repoRoot), `.tmp-${id}`);
  let branchCreated = false;
  try {
    mkdirSync(join(tmp, 'features'), { recursive: true });
    mkdirSync(join(tmp, 'deferred'), { recursive: true });
    const final = sessionFiles(repoRoot, id);
    const at = (file: string) => join(tmp, relative(final.dir, file));
    writeFileSync(at(final.plan), plan.markdown.endsWith('\n') ? plan.markdown : `${plan.markdown}\n`);
    chmodSync(at(final.plan), 0o444);
    writeFileSync(at(final.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(at(final.state), `${JSON.stringify(initialState(manifest, now.toISOString()), null, 2)}\n`);
    const policy = policyFileFromConfig(config.safety, repoRoot);
    writeFileSync(at(final.policy), `${JSON.stringify(policy, null, 2)}\n`);
    const settings = buildAgentSettings(
      {
        worktreeRoot: worktreesDir(repoRoot, id),
        protectedBranches: policy.protectedBranches,
        allowPaths: policy.allowPaths,
        denyPaths: policy.denyPaths,
        allowCommands: policy.allowCommands,
        denyCommands: policy.denyCommands,
        home: homedir(),
      },
      { repoRoot },
    );
    writeFileSync(at(final.settings), `${JSON.stringify(settings, null, 2)}\n`);
    writeFileSync(
      at(final.events),
      `${JSON.stringify({ ts: now.toISOString(), type: 'session_launched', sessionId: id, baseBranch: plan.baseBranch, baseCommit, integrationBranch: branch, items: items.map((i) => i.slug) })}\n`,
    );

    await createBranch(repoRoot, branch, baseCommit);
    branchCreated = true;
    renameSync(tmp, sessionDir(repoRoot, id));
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (branchCreated) await deleteBranch(repoRoot, branch).catch(() => undefined);
    throw error;
  }
  pointLatest(repoRoot, id);

  return {
    sessionId: id,
    sessionDir: sessionDir(repoRoot, id),
    integrationBranch: branch,
    baseBranch: plan.baseBranch,
    baseCommit,
    plan: {
      timeLimitMs: plan.timeLimitMs,
      concurrency: plan.concurrency,
      estimateMs: plan.estimateMs,
      rounds: plan.rounds.map((r) => ({ index: r.index, items: r.items.map((p) => p.item.slug), estimateMs: r.estimateMs })),
      excluded: plan.excluded,
      notApproved: plan.notApproved ?? [],
      ineligible: plan.ineligible,
      deferred: plan.deferred,
    },
    items: items.map((i) => ({ id: i.id, slug: i.slug, title: i.title, round: i.round, dependsOn: i.dependsOn, estimateMs: i.estimateMs, branch: itemBranch(id, i.slug) })),
  };
}

/** Points `.overnight/latest` at `sessions/<id>` (a relative symlink, replaced atomically by rename). */
export function pointLatest(repoRoot: string, id: string): void {
  const link = latestLink(repoRoot);
  const tmp = `${link}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  try {
    symlinkSync(join('sessions', id), tmp);
    renameSync(tmp, link);
  } catch {
    rmSync(tmp, { force: true });
    // Filesystems without symlinks: a plain file holding the path is read the same way by find.ts.
    writeFileSync(link, join('sessions', id));
  }
}
