/**
 * What finding and stopping a dead runner's processes costs `resume` and `abandon`
 * (src/runner/orphans.ts, src/agent/process-group.ts findMarkedProcesses / stopMarkedProcesses).
 *
 * 1. Finding: one scan of every process's environment for a run token, side by side with a bare
 *    listing of /proc (readdir) in the same run, interleaved; medians and the ms added per scan.
 * 2. Stopping: N marked processes (`node -e` loops carrying OVERNIGHT_RUN_TOKEN, what orphaned
 *    agents look like) stopped by stopMarkedProcesses, side by side with N unmarked ones killed
 *    by pid (SIGTERM, wait until gone: what a runner that knew the pids would do); the ms added.
 *
 * Prints the load average and the process count beside every figure. Run: `npm run bench`
 * (or `node scripts/bench.mjs orphans`). Env: OVERNIGHT_BENCH_RUNS (default 20), OVERNIGHT_BENCH_ORPHANS (default 8).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { findMarkedProcesses, pidAlive, stopMarkedProcesses } from '../src/agent/process-group.js';
import { RUN_TOKEN_ENV } from '../src/runner/orphans.js';

const RUNS = Number(process.env.OVERNIGHT_BENCH_RUNS ?? 20);
const ORPHANS = Number(process.env.OVERNIGHT_BENCH_ORPHANS ?? 8);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
const load = () => loadavg()[0]!.toFixed(2);
const procCount = () => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;

function spawnLoops(n: number, env: NodeJS.ProcessEnv): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env, stdio: 'ignore', detached: true }));
}
async function waitStarted(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((r) => (c.pid ? r() : c.once('spawn', () => r())))));
  await new Promise((r) => setTimeout(r, 300));
}

if (process.platform !== 'linux') {
  console.log('orphans bench: Linux only (/proc); skipped.');
  process.exit(0);
}

// 1. Finding.
const token = new Set([randomUUID()]);
const scan: number[] = [];
const bare: number[] = [];
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  readdirSync('/proc');
  bare.push(performance.now() - t);
  t = performance.now();
  findMarkedProcesses(RUN_TOKEN_ENV, token);
  scan.push(performance.now() - t);
}
console.log(`find (${procCount()} processes, load ${load()}): token scan median ${median(scan).toFixed(2)} ms vs readdir /proc ${median(bare).toFixed(2)} ms: +${(median(scan) - median(bare)).toFixed(2)} ms per resume/abandon`);

// 2. Stopping.
const marked: number[] = [];
const byPid: number[] = [];
for (let i = 0; i < Math.max(3, Math.floor(RUNS / 5)); i++) {
  const value = randomUUID();
  const a = spawnLoops(ORPHANS, { ...process.env, [RUN_TOKEN_ENV]: value });
  await waitStarted(a);
  let t = performance.now();
  const { stopped } = await stopMarkedProcesses(RUN_TOKEN_ENV, new Set([value]), 5000);
  marked.push(performance.now() - t);
  if (stopped.length !== ORPHANS) {
    console.error(`stopMarkedProcesses stopped ${stopped.length} of ${ORPHANS} marked processes`);
    process.exitCode = 1;
  }
  const b = spawnLoops(ORPHANS, process.env);
  await waitStarted(b);
  t = performance.now();
  for (const c of b) process.kill(c.pid!, 'SIGTERM');
  while (b.some((c) => pidAlive(c.pid!))) await new Promise((r) => setTimeout(r, 10));
  byPid.push(performance.now() - t);
}
console.log(`stop ${ORPHANS} processes (load ${load()}): by run token median ${median(marked).toFixed(1)} ms vs by known pid ${median(byPid).toFixed(1)} ms: +${(median(marked) - median(byPid)).toFixed(1)} ms`);
