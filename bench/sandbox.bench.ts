/**
 * What Claude Code's OS sandbox adds to one Bash call, as an agent pays it: the real claude CLI
 * (node_modules/.bin/claude) against the scripted stand-in model runs the same trivial Bash command
 * (`true`) CALLS times in one session, once with the strict sandbox of an overnight agent in its
 * `--settings` and once without, alternating, ROUNDS times each. The stand-in logs when each model
 * request arrives; the gap between two requests is one tool call plus the CLI's own turn, which
 * is the same in both modes, so the difference of the medians is what the sandbox adds.
 *
 * Prints the median per-call gap of each mode, the ms added and the ratio, with the load average
 * (under load both grow by the same scheduling delay and the ratio flatters the sandbox).
 * Run: `npm run bench sandbox`. Env: OVERNIGHT_BENCH_SANDBOX_ROUNDS (default 3), ..._CALLS (default 8).
 */
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStandinModel } from '../src/standin/server.js';
import { standinEnv } from '../src/demo/env.js';

const ROUNDS = Number(process.env.OVERNIGHT_BENCH_SANDBOX_ROUNDS ?? 3);
const CALLS = Number(process.env.OVERNIGHT_BENCH_SANDBOX_CALLS ?? 8);
const root = resolve(process.env.OVERNIGHT_PLUGIN_ROOT ?? process.cwd());
const claude = realpathSync(join(root, 'node_modules/.bin/claude'));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const base = mkdtempSync(join(tmpdir(), 'overnight-sandbox-bench-'));
const repo = join(base, 'repo');
mkdirSync(repo);
execFileSync('git', ['init', '-q', '-b', 'main', repo]);
const sandbox = { sandbox: { enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false, autoAllowBashIfSandboxed: true, network: { allowedDomains: [] } } };
const files = { on: join(base, 'on.json'), off: join(base, 'off.json') };
writeFileSync(files.on, JSON.stringify(sandbox));
writeFileSync(files.off, JSON.stringify({}));

const turns = Array.from({ length: CALLS }, () => ({ tool: 'Bash', input: { command: 'true', description: 'nothing' } }));
const model = await startStandinModel({ scripts: [{ marker: 'SANDBOX-BENCH', turns, final: { text: 'done' } }] });
const gaps: Record<'on' | 'off', number[]> = { on: [], off: [] };
const short = mkdtempSync('/tmp/ovn-');
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['off', 'on'] as const) {
      const home = mkdtempSync(join(tmpdir(), 'overnight-bench-home-'));
      mkdirSync(join(home, '.claude'));
      const from = model.requests.length;
      // Asynchronous: the stand-in answers from this same process.
      const r = await execa(claude, ['-p', 'SANDBOX-BENCH', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'dontAsk', '--allowedTools', 'Bash', '--settings', files[mode]], {
        cwd: repo,
        env: { ...standinEnv(model.url, home), TMPDIR: short },
        extendEnv: false,
        stdin: 'ignore',
        reject: false,
        timeout: 120_000,
      });
      rmSync(home, { recursive: true, force: true });
      const at = model.requests.slice(from).map((q) => q.receivedAt ?? 0);
      if (r.exitCode !== 0 || at.length < CALLS + 1 || (mode === 'on' && r.stdout.includes('Sandbox is required but failed'))) {
        console.error(`the ${mode} run failed (exit ${r.exitCode}, ${at.length} requests): ${r.stderr.slice(0, 400)}`);
        process.exit(1);
      }
      // Requests 1..CALLS each follow one Bash call (request 0 is the brief).
      for (let i = 1; i <= CALLS; i++) gaps[mode].push(at[i]! - at[i - 1]!);
    }
  }
} finally {
  await model.close();
  rmSync(base, { recursive: true, force: true });
  rmSync(short, { recursive: true, force: true });
}

const on = median(gaps.on);
const off = median(gaps.off);
const load = loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`load average: ${load} (${process.platform}; quiet is under 0.5)`);
console.log(`one trivial Bash call (median of ${gaps.on.length}, model turn included):`);
console.log(`  unsandboxed (baseline)  ${off.toFixed(0).padStart(6)} ms`);
console.log(`  sandboxed (overnight)   ${on.toFixed(0).padStart(6)} ms`);
console.log(`  the sandbox adds        ${(on - off).toFixed(0).padStart(6)} ms per call (ratio ${(on / off).toFixed(2)}x)`);
