/**
 * Running the containment night: the environment of the night's runner (nothing inherited from
 * the test process but what a login would give, the stand-in model's variables and the
 * credential variables holding nonces), and the installed `overnight` CLI run as the night's user.
 */
import { dirname } from 'node:path';
import { execa } from 'execa';
import { standinEnv } from '../../../src/demo/env.js';
import { GIT_ENV } from '../repo.js';
import type { Installed, NightUser } from './unprivileged.js';
import type { World } from './world.js';

/**
 * The night's environment: PATH (node's folder and the system folders), HOME = the world's home,
 * USER/LOGNAME/SHELL of the night user, the stand-in model's variables (standinEnv: private
 * CLAUDE_CONFIG_DIR under HOME, ANTHROPIC_BASE_URL, no telemetry), the tests' git identity, fast
 * transient retries, and `world.secretEnv` (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, ... as nonces).
 */
export function containmentEnv(world: World, modelUrl: string, user: NightUser | undefined): Record<string, string> {
  const standin = Object.fromEntries(Object.entries(standinEnv(modelUrl, world.home)).filter(([k, v]) => process.env[k] !== v));
  const name = user?.name ?? process.env.USER ?? 'user';
  return {
    PATH: `${dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    LANG: 'C.UTF-8',
    USER: name,
    LOGNAME: name,
    SHELL: '/bin/bash',
    ...standin,
    ...GIT_ENV,
    HOME: world.home,
    OVERNIGHT_TRANSIENT_BACKOFF_MS: '200',
    ...world.secretEnv,
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <installed>/bin/overnight ...args` in `cwd` with exactly `env`, as `user` (uid/gid;
 * Node's spawn drops root's supplementary groups) or as the current user when undefined.
 * Never throws on a non-zero exit; `timeoutMs` kills it.
 */
export async function overnightAs(user: NightUser | undefined, installed: Installed, cwd: string, env: Record<string, string>, args: string[], timeoutMs: number): Promise<RunResult> {
  const r = await execa(process.execPath, [installed.overnightBin, ...args], {
    cwd,
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  return { code: r.exitCode ?? null, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * Checks that `user` can run node and read the installed plugin and claude binary; throws an
 * Error that says what to change when it cannot (node installed under a folder only root can
 * enter, such as /root/.nvm).
 */
export async function assertUserCanRun(user: NightUser | undefined, installed: Installed): Promise<void> {
  if (!user) return;
  const r = await execa(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(installed.overnightBin)}, 4); require('fs').accessSync(${JSON.stringify(installed.claude)}, 1)`], {
    reject: false,
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
  });
  if (r.exitCode !== 0) {
    throw new Error(
      `The containment night runs as the unprivileged user ${user.name}, which cannot run ${process.execPath} or read ${installed.dir} (${String(r.stderr || r.message).split('\n')[0]}). ` +
        'Install node where every user can run it (e.g. /usr/bin/node from the distribution or NodeSource), not under /root.',
    );
  }
}
