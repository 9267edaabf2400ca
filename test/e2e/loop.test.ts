/**
 * Loop mode, end to end (issue 9, mechanism 6; seed 004 `--loop`): the built CLI, the real Claude
 * Code CLI and its hooks, scripted agents, real git. While the night runs, backlog items are
 * committed on the base branch (with git plumbing, as a push from another clone would: the user's
 * checkout and index are not touched). With `overnight start --loop --approve 3` the ready chore,
 * the approved feature and a bug that depends on the chore are added, run, merged and marked
 * "added in loop mode"; the unapproved feature is seen but not run; nothing is picked up twice;
 * polling stops when less than `loop.stop_before` is left. Without --loop, an item committed after
 * launch is not picked up; `overnight resume --loop` turns loop mode on for the rest of a night.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { simpleItemScript } from '../../src/demo/scripts.js';
import { backlogMarkdown, demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { sessionFiles } from '../../src/session/paths.js';
import { readEvents } from '../../src/session/store.js';
import { doneFileItem, launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession, spawnRunner, type NightRepo, type SessionSnapshot } from '../support/night.js';
import { GIT_ENV } from '../support/repo.js';

const item = (id: number, slug: string, type: string, blockedBy?: number[]): SampleItem => doneFileItem(id, slug, { type, ...(blockedBy ? { blockedBy } : {}) });

/** loop.poll_interval and loop.stop_before of the test repositories: a 10m night polls for its first minute. */
const LOOP_CONFIG = ['loop:', '  poll_interval: 2s', '  stop_before: 9m'];

/** Commits `items` on `branch` with git plumbing (a temporary index): the user's checkout and index stay as they are. */
function commitOnBranch(repo: NightRepo, branch: string, items: SampleItem[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'overnight-loop-index-'));
  const env = { ...process.env, ...GIT_ENV, GIT_INDEX_FILE: join(dir, 'index') };
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: repo.root, env, encoding: 'utf8', input }).trim();
  try {
    const parent = git(['rev-parse', `refs/heads/${branch}`]);
    git(['read-tree', parent]);
    for (const it of items) {
      const blob = git(['hash-object', '-w', '--stdin'], backlogMarkdown(it));
      git(['update-index', '--add', '--cacheinfo', `100644,${blob},backlog/${String(it.id).padStart(3, '0')}-${it.slug}.md`]);
    }
    const tree = git(['write-tree']);
    const commit = git(['commit-tree', tree, '-p', parent, '-m', `backlog: ${items.map((i) => i.slug).join(', ')}`]);
    git(['update-ref', `refs/heads/${branch}`, commit, parent]);
    return commit;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolves when the session's events have an event matching `match` (polls every 200 ms). */
async function waitForEvent(root: string, id: string, match: (e: { type: string; slug?: string }) => boolean, timeoutMs: number, output: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (readEvents(root, id).some(match)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no such event within ${timeoutMs} ms; runner output:\n${output()}`);
}

const FIRST = item(1, 'first', 'chore');
const LATE = [item(2, 'loop-chore', 'chore'), item(3, 'loop-feature', 'feature'), item(4, 'loop-unapproved', 'feature'), item(5, 'loop-dependent', 'bug', [2])];

describe('loop mode: items committed after launch (overnight start --loop)', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let id: string;
  let s: SessionSnapshot;
  let env: Record<string, string>;
  let output = '';
  let planBefore = '';
  let manifestBefore = '';
  let lateCommit = '';

  beforeAll(async () => {
    // The first item "thinks" 3 s a turn, so the night is surely running when the new items land.
    model = fixture.model = await startStandinModel({ scripts: [simpleItemScript('first', 3000), ...LATE.map((i) => simpleItemScript(i.slug))] });
    repo = fixture.repo = await makeNightRepo({ items: [FIRST], concurrency: 2, retries: 0, checks: [], extraConfig: LOOP_CONFIG });
    env = nightEnv(model.url);
    id = await launch(repo.root, env, ['--time-limit', '10m']);
    const files = sessionFiles(repo.root, id);
    planBefore = readFileSync(files.plan, 'utf8');
    manifestBefore = createHash('sha256').update(readFileSync(files.manifest)).digest('hex');
    const runner = spawnRunner(repo.root, env, ['start', '--session', id, '--loop', '--approve', '3']);
    await waitForEvent(repo.root, id, (e) => e.type === 'item_started' && e.slug === 'first', 120_000, runner.output);
    const base = readSession(repo.root, id).manifest.baseBranch;
    lateCommit = commitOnBranch(repo, base, LATE);
    const code = await Promise.race([runner.done, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 280_000))]);
    output = runner.output();
    if (code === 'timeout') runner.child.kill('SIGTERM');
    expect(code, output).toBe(0);
    s = readSession(repo.root, id);
  }, 420_000);

  it('an item committed after launch runs in loop mode: added, run, merged, its backlog file marked done', () => {
    expect(s.state.phase, output).toBe('complete');
    expect((s.state.added ?? []).map((a) => a.slug).sort()).toEqual(['loop-chore', 'loop-dependent', 'loop-feature']);
    for (const slug of ['first', 'loop-chore', 'loop-feature', 'loop-dependent']) expect(s.state.items[slug]!.status, `${slug}\n${output}`).toBe('merged');
    for (const a of s.state.added!) expect(a.commit).toBe(lateCommit);
    expect(s.state.added!.find((a) => a.slug === 'loop-dependent')!.item.dependsOn).toEqual(['loop-chore']);
    const integration = s.manifest.integrationBranch;
    expect(repo.git('show', `${integration}:backlog/002-loop-chore.md`)).toMatch(/^status: done$/m);
    expect(repo.git('show', `${integration}:done/loop-feature.txt`)).toBe('loop-feature');
    // The base commit that holds the new items is on the integration branch (so the pull request merges cleanly).
    expect(repo.git('merge-base', '--is-ancestor', lateCommit, integration)).toBe('');
  });

  it('the approved plan is never rewritten: plan.md and session.json are as launched', () => {
    const files = sessionFiles(repo.root, id);
    expect(readFileSync(files.plan, 'utf8')).toBe(planBefore);
    expect(createHash('sha256').update(readFileSync(files.manifest)).digest('hex')).toBe(manifestBefore);
    expect(s.manifest.items.map((i) => i.slug)).toEqual(['first']);
  });

  it('an added feature item runs only when approved at start; the unapproved one is seen, not run', () => {
    expect(model.requestsFor(demoMarker('loop-unapproved'))).toHaveLength(0);
    expect(s.state.items['loop-unapproved']).toBeUndefined();
    const skipped = s.state.loop!.skipped.find((x) => x.slug === 'loop-unapproved');
    expect(skipped?.reason).toMatch(/^not approved: a feature item needs an explicit yes.*--loop --approve 4/);
  });

  it('no item is picked up twice', () => {
    for (const slug of ['loop-chore', 'loop-feature', 'loop-dependent']) {
      expect(s.events.filter((e) => e.type === 'item_added' && e.slug === slug), slug).toHaveLength(1);
      expect(s.events.filter((e) => e.type === 'item_started' && e.slug === slug), slug).toHaveLength(1);
    }
    expect(s.events.filter((e) => e.type === 'loop_item_skipped' && e.slug === 'loop-unapproved')).toHaveLength(1);
  });

  it('polling stops when the time limit nears (loop.stop_before), and the night then ends', () => {
    const stopped = s.events.filter((e) => e.type === 'loop_stopped');
    expect(stopped).toHaveLength(1);
    expect(String(stopped[0]!.reason)).toMatch(/loop\.stop_before/);
    expect(s.state.loop!.stoppedAt).toBeDefined();
    const deadline = Date.parse(s.state.deadline!);
    // Stopped once less than 9 of the 10 minutes were left, not much later.
    expect(Date.parse(stopped[0]!.ts)).toBeGreaterThanOrEqual(deadline - 9 * 60_000);
    expect(Date.parse(stopped[0]!.ts)).toBeLessThan(deadline - 8 * 60_000);
    const stopAt = s.events.indexOf(stopped[0]!);
    expect(s.events.slice(stopAt).filter((e) => e.type === 'loop_checked')).toHaveLength(0);
  });

  it('the morning report and `status` mark the items added in loop mode', async () => {
    expect(s.report!.loop!.added.map((a) => a.slug).sort()).toEqual(['loop-chore', 'loop-dependent', 'loop-feature']);
    expect(s.report!.shipped.filter((i) => i.addedInLoop).map((i) => i.slug).sort()).toEqual(['loop-chore', 'loop-dependent', 'loop-feature']);
    expect(s.report!.shipped.find((i) => i.slug === 'first')!.addedInLoop).toBeUndefined();
    const report = await overnight(repo.root, env, ['report']);
    expect(report.stdout).toMatch(/### 002 .*\(`loop-chore`\) \(added in loop mode\)/);
    expect(report.stdout).toMatch(/Added in loop mode \(committed after launch\): .*loop-chore \(merged\)/);
    expect(report.stdout).toMatch(/Became ready after launch, not run: loop-unapproved: not approved/);
    const status = await overnight(repo.root, env, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Added in loop mode \(committed after launch\): .*loop-feature \(merged\)/);
  });
});

/**
 * A night of FIRST started without loop mode (`overnight start`, its runner returned), and the
 * chore `late-chore` committed on the base branch once FIRST is running.
 */
async function lateChoreNight(fixture: ReturnType<typeof nightFixture>): Promise<{ model: StandinModel; repo: NightRepo; env: Record<string, string>; id: string; runner: ReturnType<typeof spawnRunner> }> {
  const model = (fixture.model = await startStandinModel({ scripts: [simpleItemScript('first', 3000), simpleItemScript('late-chore')] }));
  const repo = (fixture.repo = await makeNightRepo({ items: [FIRST], concurrency: 2, retries: 0, checks: [], extraConfig: LOOP_CONFIG }));
  const env = nightEnv(model.url);
  const id = await launch(repo.root, env, ['--time-limit', '10m']);
  const runner = spawnRunner(repo.root, env, ['start', '--session', id]);
  await waitForEvent(repo.root, id, (e) => e.type === 'item_started' && e.slug === 'first', 120_000, runner.output);
  commitOnBranch(repo, readSession(repo.root, id).manifest.baseBranch, [item(2, 'late-chore', 'chore')]);
  return { model, repo, env, id, runner };
}

describe('without --loop, an item committed after launch is not picked up', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let s: SessionSnapshot;
  let output = '';

  beforeAll(async () => {
    const night = await lateChoreNight(fixture);
    ({ model, repo } = night);
    const { id, runner } = night;
    const code = await Promise.race([runner.done, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 200_000))]);
    output = runner.output();
    if (code === 'timeout') runner.child.kill('SIGTERM');
    expect(code, output).toBe(0);
    s = readSession(repo.root, id);
  }, 340_000);

  it('runs the approved plan only', () => {
    expect(s.state.items.first!.status, output).toBe('merged');
    expect(s.state.items['late-chore']).toBeUndefined();
    expect(s.state.added).toBeUndefined();
    expect(s.state.loop).toBeUndefined();
    expect(model.requestsFor(demoMarker('late-chore'))).toHaveLength(0);
    expect(s.events.some((e) => e.type.startsWith('loop_'))).toBe(false);
    expect(s.report!.loop).toBeUndefined();
  });
});

describe('loop mode turned on at resume (overnight resume --loop)', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let s: SessionSnapshot;
  let output = '';

  beforeAll(async () => {
    // A night started without loop mode, stopped by a signal while its first item runs.
    const night = await lateChoreNight(fixture);
    ({ model, repo } = night);
    const { env, id, runner } = night;
    runner.child.kill('SIGTERM');
    await runner.done;
    const refused = await overnight(repo.root, env, ['resume', '--session', id, '--approve', '2']);
    expect(refused.code, refused.stdout).toBe(2);
    expect(refused.stderr).toContain('--approve on `overnight resume` names items for loop mode, but --loop is not given.');
    expect(refused.stderr).toContain('Add --loop: --approve names the items loop mode may run.');
    // The advice, followed.
    const resumed = await overnight(repo.root, env, ['resume', '--session', id, '--approve', '2', '--loop'], 240_000);
    output = `${resumed.stdout}\n${resumed.stderr}`;
    expect(resumed.code, output).toBe(0);
    s = readSession(repo.root, id);
  }, 400_000);

  it('runs the rest of the night in loop mode and picks up the item committed meanwhile', () => {
    expect(s.state.items.first!.status, output).toBe('merged');
    expect(s.state.items['late-chore']!.status, output).toBe('merged');
    expect(s.state.loop?.approve).toEqual(['2']);
    expect(s.state.added?.map((a) => a.slug)).toEqual(['late-chore']);
    expect(s.report!.loop!.added.map((a) => a.slug)).toEqual(['late-chore']);
  });
});
