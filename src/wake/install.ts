/**
 * Handing a night's wake-up to the operating system's scheduler, so a scheduled start or a
 * usage-limit pause survives a reboot (issue 12, item 6). In order of preference: a systemd user
 * timer on Linux (`systemd-run --user --on-calendar`, when `systemctl --user` reaches a user
 * manager), a launchd agent on macOS (`launchctl bootstrap gui/<uid>`), then `at`, then cron.
 * When none is usable the caller keeps the runner process sleeping (the last resort, which
 * `status` names). Every call goes through the scheduler's own CLI; nothing is written into
 * system folders.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { whichBinary } from '../doctor/find-binary.js';
import type { WakeUp } from '../session/state.js';
import { atScript, atTime, cronLine, cronMarker, launchdLabel, launchdPlist, systemdRunArgs, wakeName, type WakeSpec } from './units.js';

/** Environment variables copied into the scheduled command (API keys never are: claude's own login is used). */
const KEPT_ENV = /^(PATH|HOME|USER|LOGNAME|LANG|LC_ALL|TZ|SHELL|TMPDIR|OVERNIGHT_[A-Z0-9_]+|CLAUDE_CONFIG_DIR|ANTHROPIC_BASE_URL|ANTHROPIC_MODEL)$/;

/** The part of `env` the scheduled command gets (see KEPT_ENV), sorted by name. */
export function wakeEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter((e): e is [string, string] => KEPT_ENV.test(e[0]) && typeof e[1] === 'string')
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** What installWakeUp needs. */
export interface WakeRequest {
  repoRoot: string;
  sessionId: string;
  /** When: the scheduled start, or the end of a pause. */
  at: Date;
  /** What the scheduler runs: `start` (a scheduled session) or `resume` (after a pause). */
  command: 'start' | 'resume';
  /** Absolute path of the compiled CLI (dist/cli.js). */
  cliEntry: string;
  /** Where at and cron append the command's output (the session's runner.log). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** An installed wake-up, or why none could be installed (each scheduler tried, and what it said). */
export type WakeInstall = { ok: true; wakeUp: WakeUp } | { ok: false; tried: string[] };

type Installer = (spec: WakeSpec, req: WakeRequest, env: NodeJS.ProcessEnv) => Promise<Omit<WakeUp, 'command'> | string>;

async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string) {
  return execa(cmd, args, { env, extendEnv: false, reject: false, input, stdin: input === undefined ? 'ignore' : undefined, timeout: 15_000 });
}

const firstLine = (r: { stderr?: unknown; stdout?: unknown; exitCode?: number }) =>
  `${String(r.stderr || r.stdout || '').trim().split('\n')[0] ?? ''}`.trim() || `exit code ${r.exitCode}`;

const systemd: Installer = async (spec, _req, env) => {
  if (!whichBinary('systemd-run', env) || !whichBinary('systemctl', env)) return 'systemd: systemd-run or systemctl not found';
  const probe = await run('systemctl', ['--user', 'show-environment'], env);
  if (probe.exitCode !== 0) return `systemd: no user manager (${firstLine(probe)})`;
  const r = await run('systemd-run', systemdRunArgs(spec).slice(1), env);
  if (r.exitCode !== 0) return `systemd: systemd-run failed (${firstLine(r)})`;
  const name = wakeName(spec.sessionId);
  return { mechanism: 'systemd', at: spec.at.toISOString(), handle: `${name}.timer`, description: `the systemd user timer ${name}.timer` };
};

const launchd: Installer = async (spec, req, env) => {
  if (!whichBinary('launchctl', env)) return 'launchd: launchctl not found';
  const dir = join(env.HOME ?? homedir(), 'Library', 'LaunchAgents');
  const label = launchdLabel(spec.sessionId);
  const plist = join(dir, `${label}.plist`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(plist, launchdPlist(spec, req.logFile));
  const r = await run('launchctl', ['bootstrap', `gui/${process.getuid?.() ?? 501}`, plist], env);
  if (r.exitCode !== 0) {
    rmSync(plist, { force: true });
    return `launchd: launchctl bootstrap failed (${firstLine(r)})`;
  }
  return { mechanism: 'launchd', at: spec.at.toISOString(), handle: plist, description: `the launchd agent ${label}` };
};

const at: Installer = async (spec, req, env) => {
  if (!whichBinary('at', env)) return 'at: not found';
  const r = await run('at', ['-t', atTime(spec.at)], env, atScript(spec, req.logFile));
  // at(1) reports "job N at <date>" on stderr.
  const job = /job\s+(\d+)/.exec(`${String(r.stderr)}\n${String(r.stdout)}`)?.[1];
  if (r.exitCode !== 0 || !job) return `at: failed (${firstLine(r)})`;
  return { mechanism: 'at', at: spec.at.toISOString(), handle: job, description: `the at job ${job}` };
};

const cron: Installer = async (spec, req, env) => {
  if (!whichBinary('crontab', env)) return 'cron: crontab not found';
  const current = await run('crontab', ['-l'], env);
  // `crontab -l` exits 1 with "no crontab for <user>" when there is none yet.
  const lines = current.exitCode === 0 ? String(current.stdout).split('\n').filter((l) => l !== '' && !l.endsWith(cronMarker(spec.sessionId))) : [];
  const r = await run('crontab', ['-'], env, [...lines, cronLine(spec, req.logFile), ''].join('\n'));
  if (r.exitCode !== 0) return `cron: crontab failed (${firstLine(r)})`;
  return { mechanism: 'cron', at: spec.at.toISOString(), handle: cronMarker(spec.sessionId), description: `a crontab line (${cronMarker(spec.sessionId)})` };
};

/**
 * Installs a one-time wake-up that runs `node <cli> <command> --session <id>` in the repository
 * at `req.at`, with the first scheduler that works (systemd, launchd, at, cron; by platform).
 * Returns the record to keep in state.json (`wakeUp`), or every scheduler tried and why it could
 * not be used. Never throws for a missing or failing scheduler.
 */
export async function installWakeUp(req: WakeRequest): Promise<WakeInstall> {
  const env = req.env ?? process.env;
  const spec: WakeSpec = {
    sessionId: req.sessionId,
    at: req.at,
    argv: [process.execPath, req.cliEntry, req.command, '--session', req.sessionId],
    cwd: req.repoRoot,
    env: wakeEnv(env),
  };
  const order: Installer[] = (req.platform ?? process.platform) === 'darwin' ? [launchd, at, cron] : [systemd, at, cron];
  const tried: string[] = [];
  for (const install of order) {
    const result = await install(spec, req, env).catch((e: Error) => `error: ${e.message}`);
    if (typeof result !== 'string') return { ok: true, wakeUp: { ...result, command: req.command } };
    tried.push(result);
  }
  return { ok: false, tried };
}

/**
 * Removes an installed wake-up (abandon, or the runner once it is awake): `systemctl --user stop
 * <unit>.timer`, `launchctl bootout gui/<uid>/<label>` and the plist, `atrm <job>`, or the crontab
 * line. A `process` wake-up is the runner itself and is left to the caller. Resolves to an error
 * sentence when the scheduler refused, else undefined; never throws.
 */
export async function removeWakeUp(wake: WakeUp, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const fail = (r: { exitCode?: number; stderr?: unknown; stdout?: unknown }) => (r.exitCode === 0 ? undefined : `${wake.description}: ${firstLine(r)}`);
  try {
    switch (wake.mechanism) {
      case 'systemd':
        return fail(await run('systemctl', ['--user', 'stop', wake.handle], env));
      case 'launchd': {
        const label = wake.handle.replace(/^.*\//, '').replace(/\.plist$/, '');
        const r = await run('launchctl', ['bootout', `gui/${process.getuid?.() ?? 501}/${label}`], env);
        rmSync(wake.handle, { force: true });
        return fail(r);
      }
      case 'at':
        return fail(await run('atrm', [wake.handle], env));
      case 'cron': {
        const current = await run('crontab', ['-l'], env);
        if (current.exitCode !== 0) return undefined;
        const lines = String(current.stdout).split('\n').filter((l) => l !== '' && !l.endsWith(wake.handle));
        return fail(await run('crontab', ['-'], env, [...lines, ''].join('\n')));
      }
      default:
        return undefined;
    }
  } catch (error) {
    return `${wake.description}: ${(error as Error).message}`;
  }
}
