/**
 * The CLI's start-up, as a person (or the /overnight skill) pays it: one `node dist/cli.js ...`
 * process per command, side by side with a bare `node -e ''`, interleaved in the same run so the
 * machine's load affects all alike.
 *
 * Commands: `--version`, `--help`, `gate <command>`, `skill-context status` and `status` on a
 * running session whose events.jsonl holds 50,000 events (a long night's worth of agent activity).
 * Prints the load average, each median in ms, the ms added over bare Node and the ratio; exits 1
 * when `--version` is above 2x or `status` above 4x a bare Node start (issue 11's targets).
 *
 * Run: `npm run bench` (or `node scripts/bench.mjs startup`). Env: OVERNIGHT_BENCH_RUNS (default 30),
 * OVERNIGHT_BENCH_EVENTS (default 50000).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GIT_ENV } from '../test/support/repo.js';
import { manifest, finishedState } from '../test/unit/report/fixtures.js';
import { sessionFiles } from '../src/session/paths.js';

const RUNS = Number(process.env.OVERNIGHT_BENCH_RUNS ?? 30);
const EVENTS = Number(process.env.OVERNIGHT_BENCH_EVENTS ?? 50_000);
const root = resolve(process.env.OVERNIGHT_PLUGIN_ROOT ?? process.cwd());
const cli = join(root, 'dist/cli.js');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A git repository with a running session: five items, two agents mid-attempt, EVENTS events. */
function runningSession(dir: string): void {
  spawnSync('git', ['init', '-q', '-b', 'main', dir], { env: { ...process.env, ...GIT_ENV } });
  const m = manifest();
  m.repoRoot = dir;
  const st = finishedState();
  st.phase = 'running';
  st.runnerPid = process.pid;
  delete st.endedAt;
  for (const slug of ['gamma', 'epsilon']) {
    const item = st.items[slug]!;
    item.status = 'running';
    delete item.reason;
    delete item.endedAt;
    delete item.activity;
    const last = item.attempts[item.attempts.length - 1]!;
    delete last.endedAt;
    delete last.outcome;
  }
  const f = sessionFiles(dir, m.id);
  mkdirSync(f.deferred, { recursive: true });
  writeFileSync(f.manifest, JSON.stringify(m));
  writeFileSync(f.state, JSON.stringify(st));
  const lines: string[] = [];
  const t0 = Date.parse('2026-11-21T23:00:00.000Z');
  for (let i = 0; i < EVENTS; i++) {
    const slug = ['alpha', 'beta', 'gamma', 'epsilon'][i % 4]!;
    lines.push(JSON.stringify({
      ts: new Date(t0 + i * 100).toISOString(), type: 'agent_activity', slug, attempt: slug === 'gamma' ? 2 : 1, kind: 'tool',
      summary: `Bash: npm test -- --run src/feature-${i % 97}.test.ts`, turns: 1 + (i >> 4), costUsd: Math.round(i * 0.37) / 1000,
    }));
  }
  writeFileSync(f.events, `${lines.join('\n')}\n`);
  symlinkSync(`sessions/${m.id}`, join(dir, '.overnight/latest'));
}

const base = mkdtempSync(join(tmpdir(), 'overnight-startup-bench-'));
const repo = join(base, 'repo');
runningSession(repo);

interface Case { name: string; args: string[]; target?: number }
const CASES: Case[] = [
  { name: "node -e ''", args: ['-e', ''] },
  { name: 'overnight --version', args: [cli, '--version'], target: 2 },
  { name: 'overnight --help', args: [cli, '--help'] },
  { name: 'overnight gate git push --force', args: [cli, 'gate', 'git', 'push', '--force'] },
  { name: 'overnight skill-context status', args: [cli, 'skill-context', 'status'] },
  { name: `overnight status (${EVENTS} events)`, args: [cli, 'status'], target: 4 },
];

// Check every command works before timing it.
for (const c of CASES) {
  const r = spawnSync(process.execPath, c.args, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`${c.name} failed (exit ${r.status}): ${r.stderr}`);
    process.exit(1);
  }
}

const times = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
for (let i = 0; i < RUNS; i++) {
  for (const c of CASES) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, c.args, { cwd: repo, stdio: 'ignore' });
    times.get(c.name)!.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
rmSync(base, { recursive: true, force: true });

const baseline = median(times.get(CASES[0]!.name)!);
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${RUNS} runs each, interleaved; Node ${process.version}`);
console.log(`${'command'.padEnd(40)} ${'median'.padStart(9)} ${'added'.padStart(9)} ${'ratio'.padStart(6)}  target`);
let failed = false;
for (const c of CASES) {
  const m = median(times.get(c.name)!);
  const ratio = m / baseline;
  const over = c.target !== undefined && ratio > c.target;
  if (over) failed = true;
  const added = c === CASES[0] ? '(baseline)' : `+${(m - baseline).toFixed(1)} ms`;
  console.log(`${c.name.padEnd(40)} ${`${m.toFixed(1)} ms`.padStart(9)} ${added.padStart(9)} ${`${ratio.toFixed(2)}x`.padStart(6)}  ${c.target ? `<= ${c.target}x${over ? '  OVER' : '  ok'}` : ''}`);
}
process.exit(failed ? 1 : 0);
