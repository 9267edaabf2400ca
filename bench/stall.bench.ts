/**
 * Stall watch benchmark: what one progress probe (src/agent/stall.ts progressFingerprint) costs
 * on a worktree of 5,000 tracked files with 20 of them edited. The watch probes every
 * `agent.stall_timeout / 10`, between 250 ms and 30 s (30 s at the default 20m), so a probe
 * must stay far below that.
 *
 * - baseline: `git rev-parse HEAD` alone (one git process: the least any git probe costs);
 * - probe: progressFingerprint (rev-parse and `git diff HEAD --name-only` in parallel, then a
 *   stat of each edited file).
 * Figures are medians of 30 runs, beside the baseline measured in the same run, with the load
 * average, and the share of one core the probe takes at the default interval. Target: a probe
 * under 500 ms. Exits 1 when the target is missed.
 * Run: `npm run bench` (or `node scripts/bench.mjs stall`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { progressFingerprint } from '../src/agent/stall.js';

const FILES = Number(process.env.BENCH_STALL_FILES ?? 5000);
const EDITED = 20;
const RUNS = 30;
const TARGET_MS = 500;
const DEFAULT_INTERVAL_MS = 30_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'overnight-bench-stall-'));
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: dir,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@example.com',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@example.com',
};
try {
  for (let i = 0; i < FILES; i++) {
    const sub = join(dir, `d${i % 50}`);
    if (i < 50) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `file ${i}\n`);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'files');
  for (let i = 0; i < EDITED; i++) writeFileSync(join(dir, `d${i % 50}`, `f${i}.txt`), `edited ${i}\n`);

  const base: number[] = [];
  const probe: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await execa('git', ['--no-optional-locks', 'rev-parse', 'HEAD'], { cwd: dir, env, extendEnv: false });
    base.push(performance.now() - t);
    t = performance.now();
    const fp = await progressFingerprint(dir, env);
    probe.push(performance.now() - t);
    if (!fp || fp.split('\n').length !== EDITED + 1) throw new Error(`the probe saw ${fp?.split('\n').length ?? 0} lines, expected ${EDITED + 1}`);
  }
  const b = median(base);
  const p = median(probe);
  const [l1] = loadavg();
  console.log(`worktree: ${FILES} tracked files, ${EDITED} edited; ${RUNS} runs; load average ${l1!.toFixed(2)} on ${cpus().length} cores`);
  console.log(`baseline  git rev-parse HEAD        median ${b.toFixed(1)} ms`);
  console.log(`probe     progressFingerprint       median ${p.toFixed(1)} ms  (+${(p - b).toFixed(1)} ms over the baseline)`);
  console.log(`at one probe per ${DEFAULT_INTERVAL_MS / 1000} s: ${((p / DEFAULT_INTERVAL_MS) * 100).toFixed(3)}% of one core per agent`);
  if (p > TARGET_MS) {
    console.log(`FAIL: a probe takes ${p.toFixed(1)} ms, above the ${TARGET_MS} ms target`);
    process.exitCode = 1;
  } else console.log(`ok: under the ${TARGET_MS} ms target`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
