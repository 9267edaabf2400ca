/**
 * Helpers for the runner's integration tests: a repository with a backlog, a launched session,
 * and a FAKE agent (the night loop takes its agent function as a dependency) that edits files and
 * commits in the item's worktree like a real one would. The end-to-end proof with the real claude
 * CLI lives in test/e2e.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NightDeps } from '../../src/runner/context.js';
import type { AgentOutcomeLike, RunAgentOptions } from '../../src/runner/types.js';
import { launchSession } from '../../src/session/launch.js';
import { approveAllIds, backlogItem, GIT_ENV, makeRepo, type TestRepo } from '../support/repo.js';

export function item(id: number, slug: string, fields: Record<string, unknown> = {}): Record<string, string> {
  return { [`backlog/${String(id).padStart(3, '0')}-${slug}.md`]: backlogItem({ title: `Do ${slug}`, status: 'ready', type: 'feature', priority: 'medium', verify: 'true', ...fields }) };
}

/** A repo with the given backlog items (and optional config), committed. */
export function repoWith(files: Record<string, string>, config?: string): TestRepo {
  return makeRepo({ ...files, ...(config ? { 'overnight.config.yaml': config } : {}) });
}

/** Launches a session in the repo and returns its id; every item is approved unless `opts.approve` says otherwise. */
export async function launch(repo: TestRepo, opts: Parameters<typeof launchSession>[1] = {}): Promise<string> {
  return (await launchSession(repo.root, { approve: approveAllIds(repo.root).split(','), ...opts })).sessionId;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
}

/** Writes files in a worktree and commits them (what an agent does). */
export function commitIn(cwd: string, files: Record<string, string>, message = 'agent work'): void {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(cwd, p)), { recursive: true });
    writeFileSync(join(cwd, p), c);
  }
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', message);
}

export function ok(over: Partial<AgentOutcomeLike> = {}): AgentOutcomeLike {
  return {
    result: { subtype: 'success', is_error: false, num_turns: 2, total_cost_usd: 0.01 },
    exitCode: 0,
    completion: { kind: 'complete' },
    turns: 2,
    costUsd: 0.01,
    lastText: 'TASK_COMPLETE',
    durationMs: 5,
    ...over,
  };
}

export type Behaviour = (opts: RunAgentOptions, attempt: number) => Promise<AgentOutcomeLike> | AgentOutcomeLike;

/** A fake agent: per item slug (from OVERNIGHT_ITEM), a behaviour; records every call. */
export function fakeAgent(behaviours: Record<string, Behaviour>) {
  const calls: Array<{ slug: string; attempt: number; opts: RunAgentOptions }> = [];
  const counts = new Map<string, number>();
  const run = async (opts: RunAgentOptions): Promise<AgentOutcomeLike> => {
    const slug = opts.env?.OVERNIGHT_ITEM ?? '?';
    const n = (counts.get(slug) ?? 0) + 1;
    counts.set(slug, n);
    calls.push({ slug, attempt: n, opts });
    writeFileSync(opts.transcriptFile, `${JSON.stringify({ type: 'fake', slug, attempt: n })}\n`);
    const b = behaviours[slug];
    if (!b) return ok({ completion: { kind: 'none' }, lastText: 'nothing to do' });
    return b(opts, n);
  };
  return { run, calls };
}

/** Behaviour: write a file, commit, say TASK_COMPLETE (optionally with learnings). */
export function writesAndCommits(files: Record<string, string>, extra: Partial<AgentOutcomeLike> = {}): Behaviour {
  return (opts) => {
    commitIn(opts.cwd, files);
    return ok(extra);
  };
}

/** Test NightDeps around a fake agent; briefs are recorded as their inputs (JSON). */
export function testDeps(run: NightDeps['runAgent'], over: Partial<NightDeps> = {}) {
  const logs: string[] = [];
  const briefs: any[] = [];
  const deps: NightDeps = {
    runAgent: run,
    buildBrief: (input) => {
      briefs.push(input);
      return JSON.stringify(input);
    },
    allowedTools: ['Bash'],
    pluginDir: '/nonexistent-plugin',
    now: () => Date.now(),
    retry: { taskRetries: 1, transientRetries: 2, transientBackoffMs: [5] },
    checkTimeoutMs: 30_000,
    activityThrottleMs: 0,
    measureResources: () => ({ freeDiskMb: 100_000, loadPerCore: 0.1 }),
    log: (l) => logs.push(l),
    ...over,
  };
  return { deps, logs, briefs };
}
