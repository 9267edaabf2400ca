/**
 * Does Claude Code's OS sandbox really start on this machine? Run before a night (`overnight
 * launch`) and by `overnight doctor` (issue 8, "Preflight"). Two questions, both answered by running
 * something, never by guessing from the platform:
 *
 * 1. The operating system's primitive confines a real command: on Linux `bwrap` (bubblewrap) runs
 *    `true` with a read-only root and no network, and `socat` (the network bridge) answers; on
 *    macOS `sandbox-exec` runs `true` under a Seatbelt profile.
 * 2. Claude Code itself agrees: `claude sandbox status` (Claude Code 2.1.330), with a private
 *    `CLAUDE_CONFIG_DIR` whose settings turn the sandbox on, reports `enabled: true` and no
 *    `unavailableReason` (it names missing dependencies, e.g. "bubblewrap (bwrap) not installed").
 *
 * A success is remembered for ten minutes in the OS temporary folder, keyed by the binaries it
 * used (path, size, mtime), so that many launches in a row do not pay for it each time; a failure
 * is never remembered.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { whichBinary } from './find-binary.js';

/** The answer: ok, or what is wrong and the fix. */
export type SandboxPreflight = { ok: true; detail: string } | { ok: false; detail: string; fix: string };

/** How long a success is trusted, in ms. */
const CACHE_MS = 10 * 60_000;

/** The fix for a machine without the sandbox's packages, per platform. */
export function sandboxFix(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'Seatbelt (sandbox-exec) is part of macOS; check that /usr/bin/sandbox-exec runs, or set safety.sandbox: off in overnight.config.yaml to run without OS containment.';
  return 'Install bubblewrap and socat (Debian and Ubuntu: sudo apt-get install bubblewrap socat; Fedora: sudo dnf install bubblewrap socat), make sure unprivileged user namespaces are enabled, or set safety.sandbox: off in overnight.config.yaml to run without OS containment.';
}

async function runs(command: string, args: string[], env?: Record<string, string>, cwd?: string): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await execa(command, args, { reject: false, stdin: 'ignore', all: true, timeout: 30_000, env, cwd });
    return { ok: r.exitCode === 0, output: String(r.all ?? '').trim() };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}

/** Step 1: the OS primitive confines a command. Returns undefined when it does, else what failed. */
async function osPrimitive(platform: NodeJS.Platform): Promise<string | undefined> {
  if (platform === 'darwin') {
    const r = await runs('/usr/bin/sandbox-exec', ['-p', '(version 1)(allow default)(deny network*)', '/usr/bin/true']);
    return r.ok ? undefined : `sandbox-exec could not run a command: ${r.output || 'no output'}`;
  }
  if (platform !== 'linux') return `Claude Code's sandbox does not support ${platform}`;
  const missing = ['bwrap', 'socat'].filter((b) => !whichBinary(b));
  if (missing.length) return `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed`;
  const r = await runs('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-net', '--die-with-parent', '--', 'true']);
  return r.ok ? undefined : `bubblewrap could not start a sandboxed command: ${r.output.split('\n')[0] || 'no output'}`;
}

/** Step 2: Claude Code's own verdict. Returns undefined when it can sandbox, else its reason. */
async function claudeVerdict(claudePath: string): Promise<string | undefined> {
  const configDir = mkdtempSync(join(tmpdir(), 'overnight-sandbox-check-'));
  try {
    writeFileSync(join(configDir, 'settings.json'), JSON.stringify({ sandbox: { enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false } }));
    const env = { CLAUDE_CONFIG_DIR: configDir, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
    // Run outside the user's repository: Claude Code's sandbox setup creates placeholder files for
    // the paths it protects (`.git/config.worktree`, `.git/info/.claude-sandbox-noreplace/`...) in
    // its working folder's git directory, and launch must write nothing there.
    const r = await runs(claudePath, ['sandbox', 'status'], env, configDir);
    const line = r.output.split('\n').find((l) => l.trim().startsWith('{'));
    if (!line) return `\`${claudePath} sandbox status\` gave no answer${r.output ? `: ${r.output.split('\n')[0]}` : ''}`;
    const status = JSON.parse(line) as { enabled?: boolean; unavailableReason?: string | null };
    if (status.unavailableReason) return `Claude Code says: ${status.unavailableReason}`;
    if (status.enabled !== true) return 'Claude Code reports its sandbox as not enabled with sandbox.enabled: true';
    return undefined;
  } catch (error) {
    return `\`${claudePath} sandbox status\` failed: ${(error as Error).message}`;
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

/** A key that changes when any binary the check used changes. */
function cacheKey(platform: NodeJS.Platform, binaries: Array<string | undefined>): string {
  const parts = binaries.map((b) => {
    if (!b) return '-';
    try {
      const st = statSync(b);
      return `${b}:${st.size}:${st.mtimeMs}`;
    } catch {
      return `${b}:missing`;
    }
  });
  return [platform, process.getuid?.() ?? '', ...parts].join('|');
}

function cacheFile(): string {
  return join(tmpdir(), `overnight-sandbox-ok-${process.getuid?.() ?? 'user'}.json`);
}

function cachedSuccess(key: string, now: number): string | undefined {
  try {
    const c = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { key: string; at: number; detail: string };
    return c.key === key && now - c.at < CACHE_MS ? c.detail : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks that the OS sandbox starts. In: the claude binary the runner will use (undefined: only
 * the OS step runs), the platform, and `useCache` (default true). Out: SandboxPreflight with a
 * detail line and, on failure, the fix (sandboxFix). Never throws.
 */
export async function checkSandboxWorks(claudePath: string | undefined, platform: NodeJS.Platform = process.platform, useCache = true): Promise<SandboxPreflight> {
  const key = cacheKey(platform, [claudePath, whichBinary('bwrap'), whichBinary('socat')]);
  const now = Date.now();
  const cached = useCache ? cachedSuccess(key, now) : undefined;
  if (cached) return { ok: true, detail: cached };
  const osProblem = await osPrimitive(platform);
  if (osProblem) return { ok: false, detail: osProblem, fix: sandboxFix(platform) };
  const claudeProblem = claudePath ? await claudeVerdict(claudePath) : undefined;
  if (claudeProblem) return { ok: false, detail: claudeProblem, fix: sandboxFix(platform) };
  const detail = `${platform === 'darwin' ? 'Seatbelt' : 'bubblewrap and socat'} confine a test command${claudePath ? "; Claude Code's sandbox is available" : ''}`;
  try {
    writeFileSync(cacheFile(), JSON.stringify({ key, at: now, detail }));
  } catch {
    // A cache that cannot be written only costs the next launch a second.
  }
  return { ok: true, detail };
}
