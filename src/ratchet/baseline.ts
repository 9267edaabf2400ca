/**
 * The night's baseline (issue 9, "Test ratchet": "at launch, run the project checks once on the
 * base and keep their results as the night's baseline"): run by the runner when the night first
 * starts, before any item, in a detached worktree of the session's base commit
 * (`.overnight/worktrees/<id>/_baseline`, removed afterwards), and kept in the session's
 * `checks-baseline.json`. A resumed night reads the file instead of running the checks again.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { SessionManifest } from '../session/state.js';
import { worktreesDir } from '../session/paths.js';
import type { NightContext } from '../runner/context.js';
import { gitRaw, removeWorktree } from '../runner/git.js';
import { runCheckSet, type CheckSpec } from './run.js';
import { readRatchetFile, writeRatchetFile } from './store.js';
import { checkPassed, type RatchetFile } from './types.js';
import { baselineLines } from './describe.js';

/** The night's ratchet in memory: the file's contents, written back after each change. */
export interface NightRatchet {
  path: string;
  file: RatchetFile;
  specs: CheckSpec[];
}

/** Name of the baseline's worktree folder inside the session's worktrees folder. */
export const BASELINE_WORKTREE = '_baseline';

/** The project checks of a session with their declared JUnit XML files (session.json `checks` and `ratchet.junit`). Pure. */
export function checkSpecs(manifest: Pick<SessionManifest, 'checks' | 'ratchet'>): CheckSpec[] {
  const junit = manifest.ratchet?.junit ?? {};
  return manifest.checks.map((run) => (junit[run] ? { run, junit: junit[run] } : { run }));
}

/**
 * The night's ratchet: undefined when the session has no project checks or the ratchet is off
 * (session.json without `ratchet`); the saved baseline when there is one; else the checks run now
 * on the base commit (events `checks_baseline_started` / `checks_baseline`). Undefined too when the
 * signal stopped the run (nothing is saved; the next start runs it again). Throws when git cannot
 * make the worktree or the file cannot be written or read.
 */
export async function ensureBaseline(ctx: NightContext, signal: AbortSignal): Promise<NightRatchet | undefined> {
  const { manifest } = ctx;
  if (!manifest.ratchet || manifest.checks.length === 0) return undefined;
  const path = ctx.files.checksBaseline;
  const specs = checkSpecs(manifest);
  const saved = readRatchetFile(path);
  if (saved) return { path, file: saved, specs };
  const wt = join(worktreesDir(ctx.repoRoot, ctx.sessionId), BASELINE_WORKTREE);
  ctx.event('checks_baseline_started', { baseCommit: manifest.baseCommit, commands: manifest.checks });
  ctx.deps.log(`project checks on the base commit ${manifest.baseCommit.slice(0, 10)} (the ratchet's baseline)`);
  const ranAt = new Date(ctx.deps.now()).toISOString();
  const started = Date.now();
  await removeWorktree(ctx.repoRoot, wt);
  mkdirSync(worktreesDir(ctx.repoRoot, ctx.sessionId), { recursive: true });
  await gitRaw(ctx.repoRoot, ['worktree', 'add', '--quiet', '--detach', wt, manifest.baseCommit]);
  try {
    const result = await runCheckSet({ checks: specs, cwd: wt, logFile: join(ctx.files.dir, 'checks-baseline.log'), timeoutMs: ctx.deps.checkTimeoutMs, signal });
    if (result.aborted) return undefined;
    const file: RatchetFile = { version: 1, baseCommit: manifest.baseCommit, ranAt, durationMs: Date.now() - started, baseline: result.runs, current: result.runs, fixes: [] };
    await writeRatchetFile(path, file);
    ctx.event('checks_baseline', {
      durationMs: file.durationMs,
      checks: result.runs.map((r) => ({ command: r.command, passed: checkPassed(r), exitCode: r.exitCode, format: r.format, failing: r.failing })),
    });
    for (const line of baselineLines(file)) ctx.deps.log(`baseline: ${line}`);
    return { path, file, specs };
  } finally {
    await removeWorktree(ctx.repoRoot, wt);
  }
}

/**
 * ensureBaseline for the night loop: a baseline that cannot be made or read (a git error, a
 * corrupt file) is logged (event `checks_baseline_failed`) and the night goes on without the
 * ratchet, where every project check must pass: the strict rule, never a looser one.
 */
export async function loadNightRatchet(ctx: NightContext, signal: AbortSignal): Promise<NightRatchet | undefined> {
  try {
    return await ensureBaseline(ctx, signal);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    ctx.event('checks_baseline_failed', { reason });
    ctx.deps.log(`the project checks' baseline could not be made (${reason}): every check must pass tonight`);
    return undefined;
  }
}
