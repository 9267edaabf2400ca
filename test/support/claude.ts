/**
 * Running the real Claude Code CLI (node_modules/.bin/claude) against the scripted stand-in model,
 * offline, with a private HOME so nothing from the machine's own Claude Code setup leaks in.
 */
import { mkdtempSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseStreamLine } from '../../src/agent/stream.js';
import { standinEnv } from '../../src/demo/env.js';
import { GIT_ENV } from './repo.js';

/** The project root (where package.json and node_modules are). */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Absolute path of the real claude binary from the @anthropic-ai/claude-code dev dependency. */
export function claudeBin(): string {
  return realpathSync(join(PROJECT_ROOT, 'node_modules/.bin/claude'));
}

/** Private HOMEs made by this test process; removed when it exits. */
const madeHomes = new Set<string>();
process.once('exit', () => {
  for (const home of madeHomes) rmSync(home, { recursive: true, force: true });
});

/** Creates a fresh private HOME for one claude run (with its `.claude` config dir); removed at process exit. */
export function makeClaudeHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'overnight-claude-home-'));
  mkdirSync(join(home, '.claude'), { recursive: true });
  madeHomes.add(home);
  return home;
}

/**
 * The full environment for a claude child process: the product's stand-in environment
 * (src/demo/env.ts standinEnv: the parent's environment minus anything Claude-, Anthropic-,
 * overnight- or git-related, a private HOME with CLAUDE_CONFIG_DIR=<home>/.claude,
 * ANTHROPIC_BASE_URL=<modelUrl>, a dummy ANTHROPIC_API_KEY, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1)
 * with the tests' fixed git identity (GIT_ENV) instead of the demo's. `home` defaults to a fresh
 * temp folder (makeClaudeHome, removed at process exit).
 */
export function claudeEnv(opts: { modelUrl: string; home?: string }): Record<string, string> {
  return { ...standinEnv(opts.modelUrl, opts.home ?? makeClaudeHome()), ...GIT_ENV };
}

export interface ClaudeRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Every stream-json line of stdout (parseStreamJson). */
  lines: any[];
  /** The last `{"type":"result"}` line, when the CLI printed one. */
  result?: any;
  /** Wall-clock duration of the run in ms. */
  durationMs: number;
}

/** Parses stream-json output: every line that is a JSON object with a `type` (src/agent/stream.ts parseStreamLine); other lines are skipped. */
export function parseStreamJson(stdout: string): any[] {
  return stdout.split('\n').flatMap((line) => parseStreamLine(line) ?? []);
}

/**
 * Runs `claude -p <prompt> --output-format stream-json --verbose --permission-mode dontAsk
 * [--plugin-dir <dir>] ...args` in `cwd` with stdin closed, against the stand-in at `modelUrl`.
 * Never throws on a non-zero exit; rejects only when the binary cannot start or times out
 * (`timeoutMs`, default 90 s). `home` reuses a private HOME (e.g. one a plugin was installed
 * into); without it a fresh one is made and removed after the run.
 */
export async function runClaude(opts: {
  cwd: string;
  prompt: string;
  modelUrl: string;
  args?: string[];
  pluginDir?: string;
  env?: Record<string, string>;
  home?: string;
  timeoutMs?: number;
}): Promise<ClaudeRun> {
  const args = ['-p', opts.prompt, '--output-format', 'stream-json', '--verbose', '--permission-mode', 'dontAsk'];
  if (opts.pluginDir) args.push('--plugin-dir', opts.pluginDir);
  args.push(...(opts.args ?? []));
  const started = Date.now();
  // A private HOME made here is removed after the run; one passed in belongs to the caller.
  const home = opts.home ?? makeClaudeHome();
  const proc = await execa(claudeBin(), args, {
    cwd: opts.cwd,
    env: { ...claudeEnv({ modelUrl: opts.modelUrl, home }), ...(opts.env ?? {}) },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: opts.timeoutMs ?? 90_000,
    maxBuffer: 64 * 1024 * 1024,
  }).finally(() => {
    if (!opts.home) rmSync(home, { recursive: true, force: true });
  });
  if (proc.timedOut) throw new Error(`claude timed out after ${opts.timeoutMs ?? 90_000} ms\nstderr: ${proc.stderr}\nstdout tail: ${String(proc.stdout).slice(-2000)}`);
  if (proc.exitCode === undefined) throw new Error(`claude did not start: ${proc.message}`);
  const stdout = String(proc.stdout);
  const lines = parseStreamJson(stdout);
  const result = [...lines].reverse().find((l) => l?.type === 'result');
  return { exitCode: proc.exitCode, stdout, stderr: String(proc.stderr), lines, result, durationMs: Date.now() - started };
}
