/**
 * Helpers for whole-night tests: a sample repository (src/demo/sample.ts) whose user checkout has
 * uncommitted changes and a stash entry, a byte-for-byte snapshot of that checkout, and the built
 * CLI (`node bin/overnight ...`) run against the scripted stand-in model.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, expect } from 'vitest';
import type { StandinModel } from '../../src/standin/server.js';
import { createSampleRepo, type SampleItem, type SampleRepoOptions } from '../../src/demo/sample.js';
import { sessionFiles } from '../../src/session/paths.js';
import { readEvents } from '../../src/session/store.js';
import type { SessionEvent, SessionManifest, SessionState } from '../../src/session/state.js';
import type { MorningReport } from '../../src/report/types.js';
import { claudeBin, claudeEnv, makeClaudeHome, PROJECT_ROOT } from './claude.js';
import { approveAllIds, GIT_ENV } from './repo.js';

/** The CLI under test: bin/overnight (OVERNIGHT_E2E_BIN may point at another build of it). */
export const BIN = process.env.OVERNIGHT_E2E_BIN ?? resolve(PROJECT_ROOT, 'bin/overnight');

export interface NightRepo {
  root: string;
  git(...args: string[]): string;
  remove(): void;
}

/**
 * A sample repository (real git) whose user checkout is not clean: a stash entry, a staged new
 * file, an unstaged change to a tracked file and an untracked file. `opts.claudePath` defaults to
 * the real claude binary of node_modules.
 */
export async function makeNightRepo(opts: Partial<SampleRepoOptions> = {}): Promise<NightRepo> {
  const root = mkdtempSync(join(tmpdir(), 'overnight-night-'));
  await createSampleRepo(root, { claudePath: claudeBin(), ...opts });
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: root, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
  // The user's own work in progress, which the night must not touch.
  writeFileSync(join(root, 'src/index.js'), "'use strict';\n// stashed experiment\nmodule.exports = { stashed: true };\n");
  git('stash', 'push', '-q', '-m', 'user experiment');
  writeFileSync(join(root, 'NOTES.md'), '# notes\nstaged, not committed\n');
  git('add', 'NOTES.md');
  writeFileSync(join(root, 'README.md'), '# sample\n\nEdited by the user, not staged.\n');
  writeFileSync(join(root, 'scratch.txt'), 'untracked scratch file\n');
  // Let git settle its index stat cache now, so later reads do not rewrite it.
  git('status', '--porcelain');
  return { root, git, remove: () => rmSync(root, { recursive: true, force: true }) };
}

function walk(root: string, dir: string, out: Map<string, string>): void {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const rel = relative(root, full);
    if (rel === '.git' || rel === '.overnight') continue;
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(full)}`);
    else if (st.isDirectory()) walk(root, full, out);
    else out.set(rel, createHash('sha256').update(readFileSync(full)).digest('hex'));
  }
}

/** Everything about the user's checkout that the night must leave as it was. */
export interface CheckoutSnapshot {
  /** Path -> sha256 of every file of the work tree (untracked included; .git and .overnight excluded). */
  files: Record<string, string>;
  head: string;
  branch: string;
  stash: string;
  stagedDiff: string;
  unstagedDiff: string;
  /** sha256 of .git/index. */
  index: string;
  /** `git ls-files --stage`. */
  stage: string;
}

/** Takes a snapshot of the user's checkout (read-only git commands with optional locks off). */
export function snapshotCheckout(repo: NightRepo): CheckoutSnapshot {
  const files = new Map<string, string>();
  walk(repo.root, repo.root, files);
  const g = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo.root, env: { ...process.env, ...GIT_ENV, GIT_OPTIONAL_LOCKS: '0' }, encoding: 'utf8' });
  return {
    files: Object.fromEntries(files),
    head: g('rev-parse', 'HEAD').trim(),
    branch: g('symbolic-ref', 'HEAD').trim(),
    stash: g('stash', 'list', '--format=%H %gs'),
    stagedDiff: g('diff', '--cached'),
    unstagedDiff: g('diff'),
    index: createHash('sha256').update(readFileSync(join(repo.root, '.git/index'))).digest('hex'),
    stage: g('ls-files', '--stage'),
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/overnight ...args` in `cwd` with `env` (no inherited environment). */
export async function overnight(cwd: string, env: Record<string, string>, args: string[], timeoutMs = 180_000): Promise<CliRun> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: timeoutMs });
  return { code: r.exitCode ?? null, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const homes: string[] = [];

/**
 * The environment for the runner against the stand-in: claudeEnv (with a private HOME, removed by
 * removeNightHomes) plus fast transient retries.
 */
export function nightEnv(modelUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const home = makeClaudeHome();
  homes.push(home);
  return { ...claudeEnv({ modelUrl, home }), OVERNIGHT_TRANSIENT_BACKOFF_MS: '200', ...extra };
}

/** Removes the private HOME folders nightEnv made. */
export function removeNightHomes(): void {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
}

/**
 * The stand-in model and sample repository of a whole-night test file, closed and removed after
 * all its tests (with the private HOMEs); OVERNIGHT_KEEP_E2E=1 keeps the repository. Call at the
 * top of a describe block and set `model` and `repo` in the tests.
 */
export function nightFixture(): { model?: StandinModel; repo?: NightRepo } {
  const fixture: { model?: StandinModel; repo?: NightRepo } = {};
  afterAll(async () => {
    await fixture.model?.close();
    removeNightHomes();
    if (fixture.repo && process.env.OVERNIGHT_KEEP_E2E !== '1') fixture.repo.remove();
  });
  return fixture;
}

/**
 * `overnight launch --format json` and the new session's id; throws with the CLI's output when it
 * fails. Every backlog item is approved (`--approve`, the yes a user gives each `approval.ask`
 * item) unless `args` has its own `--approve`.
 */
export async function launch(root: string, env: Record<string, string>, args: string[] = []): Promise<string> {
  const approve = args.includes('--approve') ? [] : ['--approve', approveAllIds(root)];
  const r = await overnight(root, env, ['launch', '--format', 'json', ...approve, ...args]);
  let id: string | undefined;
  try {
    id = JSON.parse(r.stdout.trim().split('\n').pop() ?? '')?.data?.sessionId;
  } catch {
    id = undefined;
  }
  if (r.code !== 0 || !id) throw new Error(`overnight launch failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return id;
}

/** Starts `overnight start --session ID` in the foreground as a child (for kill tests) and returns it. */
export function spawnRunner(root: string, env: Record<string, string>, args: string[]): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, output: () => out, done };
}

/**
 * `overnight start --session id` in the foreground until the night ends (`timeoutMs`, ms). Fails
 * the test, with the runner's output, unless it exits 0 (`expectCode` to expect another code).
 * Returns that output (stdout, then stderr) and the session as it ended.
 */
export async function startNight(root: string, env: Record<string, string>, id: string, timeoutMs = 200_000, expectCode: number | null = 0): Promise<{ output: string; s: SessionSnapshot }> {
  const started = await overnight(root, env, ['start', '--session', id], timeoutMs);
  const output = `${started.stdout}\n${started.stderr}`;
  if (expectCode !== null) expect(started.code, output).toBe(expectCode);
  return { output, s: readSession(root, id) };
}

/** A backlog item the scripted agents of simpleItemScript(slug) complete: write done/<slug>.txt. */
export function doneFileItem(id: number, slug: string, extra: Partial<SampleItem> = {}): SampleItem {
  return { id, slug, title: `Write done/${slug}.txt`, verify: `test -f done/${slug}.txt`, goal: `Write done/${slug}.txt.`, criteria: [`done/${slug}.txt exists`], ...extra };
}

export interface SessionSnapshot {
  manifest: SessionManifest;
  state: SessionState;
  events: SessionEvent[];
  report?: MorningReport;
}

/** Reads a session's manifest, state, events and report.json (when written). */
export function readSession(root: string, id: string): SessionSnapshot {
  const f = sessionFiles(root, id);
  const events = readEvents(root, id);
  return {
    manifest: JSON.parse(readFileSync(f.manifest, 'utf8')),
    state: JSON.parse(readFileSync(f.state, 'utf8')),
    events,
    report: existsSync(f.reportJson) ? JSON.parse(readFileSync(f.reportJson, 'utf8')) : undefined,
  };
}

/** Agent time spans of a session from its events: `item_started`/`attempt_started` to `agent_finished`, per slug and attempt, ms since epoch. */
export function agentSpans(events: SessionEvent[]): Array<{ slug: string; attempt: number; start: number; end: number; durationMs?: number }> {
  const open = new Map<string, number>();
  const spans: Array<{ slug: string; attempt: number; start: number; end: number; durationMs?: number }> = [];
  for (const e of events) {
    const key = `${e.slug}#${String(e.attempt)}`;
    if (e.type === 'item_started' || e.type === 'attempt_started') open.set(key, Date.parse(e.ts));
    if (e.type === 'agent_finished' && open.has(key)) {
      const end = Date.parse(e.ts);
      spans.push({ slug: String(e.slug), attempt: Number(e.attempt), start: open.get(key)!, end, durationMs: typeof e.durationMs === 'number' ? e.durationMs : undefined });
      open.delete(key);
    }
  }
  return spans;
}

/** Subjects of `git log --format=%s base..branch` (newest first), or [] when the branch is missing. */
export function logSubjects(repo: NightRepo, range: string): string[] {
  try {
    const out = repo.git('log', '--format=%s', range);
    return out ? out.split('\n') : [];
  } catch {
    return [];
  }
}
