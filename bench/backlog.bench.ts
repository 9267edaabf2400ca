/**
 * Night-two benchmark (issue 12, item 1): what closing the loop with the backlog costs.
 * - merge: one `--no-ff` merge made without a work tree (git.ts mergeNoFfByTree), as a baseline,
 *   beside the same merge that also sets the item's backlog file to `status: done` in the merge
 *   commit (mark-done.ts: ls-tree, cat-file, hash-object, and a throw-away index: read-tree,
 *   update-index, write-tree). ms added per merge.
 * - prepare: `preparePlan` with no night branch (baseline) beside the same plan with several
 *   `overnight/<id>` branches to read (plan/shipped.ts: one for-each-ref, one cat-file --batch).
 * In a repository of BENCH_FILES files (default 5,000) and 40 backlog items. Medians of BENCH_REPS
 * runs (default 15), with the load average. Run: `node scripts/bench.mjs backlog`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mergeNoFfByTree } from '../src/runner/git.js';
import { markDoneInTree } from '../src/runner/mark-done.js';
import { preparePlan } from '../src/plan/prepare.js';

const FILES = Number(process.env.BENCH_FILES ?? 5000);
const REPS = Number(process.env.BENCH_REPS ?? 15);
const ITEMS = 40;
const BRANCHES = 6;

const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b.invalid', GIT_CONFIG_NOSYSTEM: '1' };
const root = mkdtempSync(join(tmpdir(), 'overnight-bench-backlog-'));
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env, encoding: 'utf8' }).trim();
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const item = (i: number) => `---\ntitle: Item ${i}\nstatus: ready\ntype: feature\nverify: 'true'\n---\n## Goal\nDo ${i}.\n\n## Acceptance criteria\n- ${i} is done.\n`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

try {
  git('init', '-q', '-b', 'main');
  for (let i = 0; i < FILES; i++) write(`src/d${i % 50}/f${i}.txt`, `file ${i}\n`);
  for (let i = 1; i <= ITEMS; i++) write(`backlog/${String(i).padStart(3, '0')}-item-${i}.md`, item(i));
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');

  // merge: REPS item branches, each merged into its own integration branch, with and without the mark.
  const plain: number[] = [];
  const marked: number[] = [];
  for (let r = 0; r < REPS; r++) {
    for (const mode of ['plain', 'marked'] as const) {
      const integ = `overnight/bench${mode}${r}`;
      const branch = `${integ}--item`;
      git('branch', integ, 'main');
      git('switch', '-q', '-c', branch, 'main');
      write(`src/new-${mode}-${r}.txt`, 'x\n');
      git('add', '-A');
      git('commit', '-q', '-m', 'work');
      git('switch', '-q', 'main');
      const file = `backlog/${String((r % ITEMS) + 1).padStart(3, '0')}-item-${(r % ITEMS) + 1}.md`;
      const ms = await time(() =>
        mergeNoFfByTree(root, integ, branch, 'merge', mode === 'marked' ? { editTree: async (tree) => (await markDoneInTree(root, tree, file)).tree } : {}),
      );
      (mode === 'plain' ? plain : marked).push(ms);
    }
  }
  // Keep BRANCHES integration branches for prepare; delete the rest.
  const all = git('for-each-ref', '--format=%(refname:short)', 'refs/heads/overnight/').split('\n');
  const keep = new Set(all.filter((b) => /^overnight\/benchmarked\d+$/.test(b)).slice(0, BRANCHES));
  for (const b of all) if (!keep.has(b)) git('branch', '-q', '-D', b);

  const withBranches: number[] = [];
  for (let r = 0; r < REPS; r++) withBranches.push(await time(() => preparePlan(root)));
  for (const b of keep) git('branch', '-q', '-D', b);
  const without: number[] = [];
  for (let r = 0; r < REPS; r++) without.push(await time(() => preparePlan(root)));

  const [l1, l5] = loadavg();
  console.log(`repository: ${FILES} files, ${ITEMS} backlog items; ${REPS} runs each; load average ${l1!.toFixed(2)} (1 min), ${l5!.toFixed(2)} (5 min)`);
  console.log(`merge, baseline (no backlog mark):        median ${median(plain).toFixed(1)} ms`);
  console.log(`merge + status: done in the merge commit: median ${median(marked).toFixed(1)} ms  (+${(median(marked) - median(plain)).toFixed(1)} ms per merge)`);
  console.log(`prepare, baseline (no night branch):      median ${median(without).toFixed(1)} ms`);
  console.log(`prepare, ${keep.size} night branches to read:     median ${median(withBranches).toFixed(1)} ms  (+${(median(withBranches) - median(without)).toFixed(1)} ms)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
