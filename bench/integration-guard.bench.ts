/**
 * The cost of the integration-branch guard (src/runner/integration-guard.ts): the runner checks
 * before each item starts and before each merge that its integration branch still holds every merge
 * it made. Measured on a real repository whose integration branch holds MERGES no-ff merges (a
 * busy night), interleaved in the same run with the baseline the runner already paid at those
 * points: resolving the branch's tip (`git rev-parse --verify`). Prints the medians, the ms added
 * per item (two checks: before its start and before its merge) and the load average.
 *
 * Run: `npm run bench` (or `node scripts/bench.mjs integration-guard`). Env: OVERNIGHT_BENCH_RUNS (default 40).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkIntegrationBranch } from '../src/runner/integration-guard.js';
import { resolveCommit } from '../src/runner/git.js';

const RUNS = Number(process.env.OVERNIGHT_BENCH_RUNS ?? 40);
const MERGES = 20;
const BRANCH = 'overnight/20260101-0000-bench';
const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b', GIT_CONFIG_NOSYSTEM: '1' };

const root = mkdtempSync(join(tmpdir(), 'overnight-guard-bench-'));
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env, encoding: 'utf8' }).trim();
git('init', '-q', '-b', 'main');
writeFileSync(join(root, 'a.txt'), 'a\n');
git('add', '-A');
git('commit', '-q', '-m', 'base');
const base = git('rev-parse', 'HEAD');
git('checkout', '-q', '-b', BRANCH);
const merges: string[] = [];
for (let i = 0; i < MERGES; i++) {
  git('checkout', '-q', '-b', `${BRANCH}--item-${i}`, BRANCH);
  writeFileSync(join(root, `item-${i}.txt`), `${i}\n`);
  git('add', '-A');
  git('commit', '-q', '-m', `item ${i}`);
  git('checkout', '-q', BRANCH);
  git('merge', '-q', '--no-ff', '-m', `overnight: merge item ${i}`, `${BRANCH}--item-${i}`);
  merges.push(git('rev-parse', 'HEAD'));
}
git('checkout', '-q', 'main');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const baseline: number[] = [];
const guard: number[] = [];
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  await resolveCommit(root, `refs/heads/${BRANCH}`);
  baseline.push(performance.now() - t);
  t = performance.now();
  const hold = await checkIntegrationBranch(root, BRANCH, [base, ...merges]);
  guard.push(performance.now() - t);
  if (!hold.ok) throw new Error('the guard failed on an intact branch');
}
rmSync(root, { recursive: true, force: true });
const b = median(baseline);
const g = median(guard);
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${RUNS} runs, ${MERGES} merges on the branch`);
console.log(`baseline  git rev-parse --verify <branch>       median ${b.toFixed(1)} ms`);
console.log(`guard     checkIntegrationBranch (${MERGES + 1} commits)  median ${g.toFixed(1)} ms  (${(g / b).toFixed(2)}x the baseline)`);
console.log(`added per item (two checks: start and merge): ${(2 * g).toFixed(1)} ms`);
