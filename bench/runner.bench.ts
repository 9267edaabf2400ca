/**
 * Runner benchmark: orchestration overhead of a real night (the built CLI, the real Claude Code
 * CLI, the plugin's hooks, real git) against the scripted stand-in model, where every agent takes
 * a fixed time. 12 items at concurrency 3 in a repository of 5,000 files.
 *
 * - ideal = the agents' own time (sum of agent_finished.durationMs) / concurrency;
 * - ratio = the night's wall time (session_started -> session_end) / ideal;
 * - runner time per item = before the agent starts (from the moment its slot was free: worktree,
 *   branch, backups, brief) + after it ends (leftovers, success condition, merge queue, state)
 *   up to the item's merge; beside it the runner's own per-phase account (item_timing events).
 * A baseline (a plain `git worktree add` of the same repository into a folder beside it, without
 * the runner's worktrees-folder placement) is measured after the night.
 * Targets: ratio <= 1.15 and runner time per item < 0.5 s. Exits 1 when a target is missed.
 * Run: `npm run bench` (or `node scripts/bench.mjs runner`). `BENCH_TRACE=<file>` writes git's
 * trace2 events of the night (every git process the runner and the agents start) to <file>.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startStandinModel } from '../src/standin/server.js';
import { createSampleRepo, type SampleItem } from '../src/demo/sample.js';
import { simpleItemScript } from '../src/demo/scripts.js';
import { standinEnv } from '../src/demo/env.js';
import { findClaude } from '../src/demo/run.js';
import { readEvents } from '../src/session/store.js';
import type { SessionEvent } from '../src/session/state.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 12);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 3);
const FILES = Number(process.env.BENCH_FILES ?? 5000);
/** Model "thinking" time per answer; each agent makes two answers. */
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 2000);
const TARGET_RATIO = 1.15;
const TARGET_RUNNER_MS = 500;

const root = process.env.OVERNIGHT_PLUGIN_ROOT ?? process.cwd();
const cli = process.env.OVERNIGHT_BENCH_BIN ?? join(root, 'bin/overnight');

function ms(e: SessionEvent): number {
  return Date.parse(e.ts);
}

/** Per-item runner time from the events, assigning items to concurrency slots in order of agent start. */
export function runnerTimes(
  events: SessionEvent[],
  concurrency: number,
): Array<{ slug: string; preMs: number; worktreeMs: number; postMs: number; agentMs: number }> {
  const start = events.find((e) => e.type === 'session_started');
  if (!start) throw new Error('no session_started event');
  const finished = events.filter((e) => e.type === 'agent_finished');
  const merged = new Map(events.filter((e) => e.type === 'merged').map((e) => [String(e.slug), ms(e)]));
  const itemStarted = new Map(events.filter((e) => e.type === 'item_started').map((e) => [String(e.slug), ms(e)]));
  const items = finished
    .map((e) => {
      const agentMs = typeof e.durationMs === 'number' ? e.durationMs : 0;
      const end = ms(e);
      const slug = String(e.slug);
      return { slug, agentStart: end - agentMs, agentEnd: end, agentMs, done: merged.get(slug) ?? end, itemStarted: itemStarted.get(slug) ?? end - agentMs };
    })
    .sort((a, b) => a.agentStart - b.agentStart);
  const slots = Array.from({ length: concurrency }, () => ms(start));
  return items.map((it) => {
    // The slot this item used: the one that became free last before its agent started.
    slots.sort((a, b) => a - b);
    let idx = 0;
    for (let i = 0; i < slots.length; i++) if (slots[i]! <= it.agentStart) idx = i;
    const free = slots[idx]!;
    slots[idx] = it.done;
    return {
      slug: it.slug,
      preMs: Math.max(0, it.agentStart - free),
      // Slot free -> item_started: the loop noticing, branch backups, worktree + branch, state write.
      worktreeMs: Math.max(0, Math.min(it.itemStarted, it.agentStart) - free),
      postMs: Math.max(0, it.done - it.agentEnd),
      agentMs: it.agentMs,
    };
  });
}

async function main(): Promise<number> {
  const claude = findClaude(root);
  if (!claude) throw new Error('claude not found (npm ci installs node_modules/.bin/claude)');
  const slugs = Array.from({ length: ITEMS }, (_, i) => `task-${String(i + 1).padStart(2, '0')}`);
  const items: SampleItem[] = slugs.map((slug, i) => ({
    id: i + 1,
    slug,
    title: `Bench task ${i + 1}`,
    verify: `test -f done/${slug}.txt`,
    goal: `Write done/${slug}.txt and commit it.`,
    criteria: [`done/${slug}.txt exists`],
  }));
  const extraFiles: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) extraFiles[`fixtures/${String(Math.floor(i / 100)).padStart(2, '0')}/f${String(i).padStart(4, '0')}.txt`] = `file ${i}\n`;
  const repo = mkdtempSync(join(tmpdir(), 'overnight-bench-'));
  const home = mkdtempSync(join(tmpdir(), 'overnight-bench-home-'));
  const model = await startStandinModel({ scripts: slugs.map((s) => simpleItemScript(s, DELAY_MS)) });
  try {
    await createSampleRepo(repo, { claudePath: claude, concurrency: CONCURRENCY, items, extraFiles, checks: [], idleTimeout: '60s' });
    const env = { ...standinEnv(model.url, home), ...(process.env.BENCH_TRACE ? { GIT_TRACE2_EVENT: process.env.BENCH_TRACE } : {}) };
    const launched = await execa(process.execPath, [cli, 'launch', '--format', 'json'], { cwd: repo, env, extendEnv: false, reject: false });
    const id = JSON.parse(String(launched.stdout).trim().split('\n').pop() ?? '{}')?.data?.sessionId as string | undefined;
    if (launched.exitCode !== 0 || !id) throw new Error(`launch failed: ${launched.stderr}\n${launched.stdout}`);
    const t0 = Date.now();
    const run = await execa(process.execPath, [cli, 'start', '--session', id], { cwd: repo, env, extendEnv: false, reject: false });
    const wall = Date.now() - t0;
    if (run.exitCode !== 0) throw new Error(`start failed (${run.exitCode}): ${run.stderr}\n${String(run.stdout).slice(-2000)}`);
    // Baseline on this machine: one plain `git worktree add` (and remove) of this repository —
    // AFTER the night: on ext4, files created within a minute or so of many deletions are slow
    // (the inode allocator skips recently deleted inodes), so a baseline run before the night
    // would slow the night's own first checkouts.
    const baseline: number[] = [];
    for (let i = 0; i < 3; i++) {
      const wt = join(repo, '..', `${repo.split('/').pop()}-baseline-${i}`);
      const t = Date.now();
      await execa('git', ['worktree', 'add', '-q', '--detach', wt], { cwd: repo });
      baseline.push(Date.now() - t);
      await execa('git', ['worktree', 'remove', '--force', wt], { cwd: repo });
    }
    baseline.sort((a, b) => a - b);
    const events = readEvents(repo, id);
    const mergedCount = events.filter((e) => e.type === 'merged').length;
    const started = events.find((e) => e.type === 'session_started')!;
    const ended = [...events].reverse().find((e) => e.type === 'session_end')!;
    const nightMs = ms(ended) - ms(started);
    const times = runnerTimes(events, CONCURRENCY);
    const agentSum = times.reduce((n, t) => n + t.agentMs, 0);
    const ideal = agentSum / CONCURRENCY;
    const ratio = nightMs / ideal;
    const own = times.map((t) => t.preMs + t.postMs);
    const mean = own.reduce((a, b) => a + b, 0) / own.length;
    const max = Math.max(...own);
    const pre = times.reduce((n, t) => n + t.preMs, 0) / times.length;
    const post = times.reduce((n, t) => n + t.postMs, 0) / times.length;
    const pad = (s: string) => s.padEnd(50);
    console.log(`${ITEMS} items, concurrency ${CONCURRENCY}, ${FILES} files in the repository, model delay ${DELAY_MS} ms x 2 answers per agent`);
    console.log(`${pad('merged')}${mergedCount} of ${ITEMS}`);
    console.log(`${pad('agent time (sum of agent durations)')}${(agentSum / 1000).toFixed(1)} s (mean ${(agentSum / times.length / 1000).toFixed(2)} s per agent)`);
    console.log(`${pad('ideal night (agent time / concurrency)')}${(ideal / 1000).toFixed(1)} s`);
    console.log(`${pad('night (session_started -> session_end)')}${(nightMs / 1000).toFixed(1)} s  (overnight start wall time ${(wall / 1000).toFixed(1)} s)`);
    console.log(`${pad('ratio night / ideal')}${ratio.toFixed(3)}  target <= ${TARGET_RATIO}  ${ratio <= TARGET_RATIO ? 'OK' : 'MISSED'}`);
    console.log(`${pad('runner time per item (mean, max)')}${mean.toFixed(0)} ms, ${max.toFixed(0)} ms  target < ${TARGET_RUNNER_MS} ms  ${mean < TARGET_RUNNER_MS ? 'OK' : 'MISSED'}`);
    const wt = times.reduce((n, t) => n + t.worktreeMs, 0) / times.length;
    console.log(`${pad('  before the agent starts (mean)')}${pre.toFixed(0)} ms`);
    console.log(`${pad('    slot free -> item_started (worktree...)')}${wt.toFixed(0)} ms`);
    console.log(`${pad('    item_started -> claude spawned')}${(pre - wt).toFixed(0)} ms`);
    console.log(`${pad('  agent end -> merged (mean)')}${post.toFixed(0)} ms`);
    // The runner's own account (item_timing events): mean ms per phase, by how the worktree was made.
    const timings = events.filter((e) => e.type === 'item_timing');
    const sourceOf = new Map(timings.map((e) => [String(e.slug), String(e.worktree)]));
    for (const source of ['fresh', 'recycled']) {
      const of = times.filter((t) => sourceOf.get(t.slug) === source);
      if (of.length > 0) console.log(`${pad(`  runner time per item, ${source} worktree (mean)`)}${(of.reduce((n, t) => n + t.preMs + t.postMs, 0) / of.length).toFixed(0)} ms (${of.length} items)`);
    }
    for (const source of ['fresh', 'recycled', 'reused']) {
      const of = timings.filter((e) => e.worktree === source);
      if (of.length === 0) continue;
      const sums: Record<string, number> = {};
      for (const e of of) for (const [k, v] of Object.entries((e.ms ?? {}) as Record<string, number>)) if (k !== 'agent') sums[k] = (sums[k] ?? 0) + v;
      const parts = Object.entries(sums).map(([k, v]) => `${k} ${(v / of.length).toFixed(0)}`);
      console.log(`${pad(`  item_timing, ${source} worktree (${of.length} items)`)}${parts.join(', ')} ms`);
    }
    console.log(`${pad('baseline: git worktree add beside the repo')}median of 3: ${baseline[1]} ms  (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
    const ok = mergedCount === ITEMS && ratio <= TARGET_RATIO && mean < TARGET_RUNNER_MS;
    if (!ok) console.log('RESULT: a target was missed');
    else console.log('RESULT: all targets met');
    return ok ? 0 : 1;
  } finally {
    await model.close();
    rmSync(home, { recursive: true, force: true });
    if (process.env.BENCH_KEEP !== '1') rmSync(repo, { recursive: true, force: true });
    else console.log(`kept ${repo}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
