/**
 * Test ratchet benchmark: what judging a project check by its test names costs, beside judging it
 * by its exit code alone. The check prints a suite of 10,000 test results (500 failing) as TAP, or
 * writes them as JUnit XML; the ratchet parses the names, takes the worktree's path out of them and
 * compares them with the night's tolerated failures.
 *
 * - baseline: runChecks on the same command (src/runner/verify.ts: the exit code decides);
 * - ratchet: ratchetChecks (src/ratchet/gate.ts) on it, TAP from the output, then JUnit from a file.
 * Figures are medians of 15 runs each, beside the baseline of the same run, with the load average,
 * as a ratio and as milliseconds added. Target: under 400 ms added for 10,000 tests (a check of that
 * size runs for minutes). Exits 1 when the target is missed.
 * Run: `npm run bench` (or `node scripts/bench.mjs ratchet`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks } from '../src/runner/verify.js';
import { ratchetChecks } from '../src/ratchet/gate.js';
import type { NightRatchet } from '../src/ratchet/baseline.js';
import type { CheckRun } from '../src/ratchet/types.js';

const TESTS = Number(process.env.BENCH_RATCHET_TESTS ?? 10_000);
const FAILING_EVERY = 20;
const RUNS = 15;
const TARGET_ADDED_MS = 400;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fails = (i: number) => i % FAILING_EVERY === 0;
const name = (dir: string, i: number) => `${dir}/test/suite-${i % 50}.test.js > case ${i} handles input ${i * 7}`;

function tapSuite(dir: string): string {
  const lines = ['TAP version 13', `1..${TESTS}`];
  for (let i = 1; i <= TESTS; i++) lines.push(`${fails(i) ? 'not ok' : 'ok'} ${i} - ${name(dir, i)}`);
  return `${lines.join('\n')}\n`;
}

function junitSuite(dir: string): string {
  const cases = [];
  for (let i = 1; i <= TESTS; i++) {
    const [file, test] = name(dir, i).split(' > ');
    cases.push(`<testcase classname="${file}" name="${test}" time="0.001">${fails(i) ? '<failure message="expected 1">at x</failure>' : ''}</testcase>`);
  }
  return `<?xml version="1.0"?>\n<testsuites><testsuite name="all" tests="${TESTS}">${cases.join('')}</testsuite></testsuites>\n`;
}

/** The night's ratchet as it stands after the baseline: the same failures tolerated. */
function nightRatchet(dir: string, check: NightRatchet['specs'][number], first: CheckRun): NightRatchet {
  return { path: join(dir, 'checks-baseline.json'), specs: [check], file: { version: 1, baseCommit: 'b'.repeat(40), ranAt: new Date().toISOString(), durationMs: 0, baseline: [first], current: [first], fixes: [] } };
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'overnight-bench-ratchet-'));
try {
  writeFileSync(join(dir, 'suite.tap'), tapSuite(dir));
  writeFileSync(join(dir, 'report.xml.src'), junitSuite(dir));
  const tap = { run: 'cat suite.tap; exit 1' };
  const junit = { run: 'cp report.xml.src report.xml; exit 1', junit: 'report.xml' };
  const opts = { cwd: dir, logFile: join(dir, 'check.log'), timeoutMs: 60_000 };

  const results: Array<{ label: string; base: number; judged: number }> = [];
  for (const [label, check] of [['TAP from the output', tap], ['JUnit XML file', junit]] as const) {
    const first = await ratchetChecks(nightRatchet(dir, check, { command: check.run, exitCode: 1, timedOut: false, format: 'exit', failing: [], passing: [], durationMs: 0 }), opts);
    const baseRun = first.runs![0]!;
    if (baseRun.failing.length !== TESTS / FAILING_EVERY) throw new Error(`${label}: read ${baseRun.failing.length} failing tests, expected ${TESTS / FAILING_EVERY}`);
    const ratchet = nightRatchet(dir, check, baseRun);
    const verdict = await ratchetChecks(ratchet, opts);
    if (!verdict.passed) throw new Error(`${label}: the same failures were not tolerated: ${verdict.tail}`);
    const base = median(await time(() => runChecks({ commands: [check.run], ...opts })));
    const judged = median(await time(() => ratchetChecks(ratchet, opts)));
    results.push({ label, base, judged });
  }

  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores; ${TESTS} tests, ${TESTS / FAILING_EVERY} failing; medians of ${RUNS} runs`);
  let missed = false;
  for (const r of results) {
    const added = r.judged - r.base;
    console.log(`${r.label.padEnd(20)} baseline (exit code) ${r.base.toFixed(1)} ms   ratchet (test names) ${r.judged.toFixed(1)} ms   ${(r.judged / r.base).toFixed(2)}x, +${added.toFixed(1)} ms (target < ${TARGET_ADDED_MS} ms added)`);
    if (added >= TARGET_ADDED_MS) missed = true;
  }
  if (missed) {
    console.log('TARGET MISSED');
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
