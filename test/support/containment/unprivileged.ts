/**
 * The containment night runs as an unprivileged user when the tests run as root (issue 8, part 4):
 * if every safety layer failed, only files that user owns (the sacrificial tree) could be harmed.
 * This module creates that user (useradd, once per machine), gives it the sacrificial tree
 * (chown -R), and installs a copy of the plugin and the claude binary it can read and run but
 * not change (root-owned, mode 755), so the night does not depend on where the project is checked
 * out (CI may keep it under /root, which other users cannot enter).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, linkSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { claudeBin, PROJECT_ROOT } from '../claude.js';

/** The unprivileged user the containment night runs as (created when missing). */
export const CANARY_USER = 'overnight-canary';

/** Who the night runs as: uid and gid for child_process/execa, and the user's name. */
export interface NightUser {
  name: string;
  uid: number;
  gid: number;
}

/** True when this process runs as root (then the night is run as CANARY_USER). */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
}

/**
 * As root: makes sure CANARY_USER exists (useradd --system, no home, nologin shell) and returns
 * its ids. Not root: returns undefined (the night runs as the current user, who then owns the
 * sacrificial tree anyway). Throws with useradd's error when the user cannot be created.
 */
export function ensureNightUser(): NightUser | undefined {
  if (!runningAsRoot()) return undefined;
  try {
    idOf('-u', CANARY_USER);
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', CANARY_USER], { stdio: 'pipe' });
  }
  return { name: CANARY_USER, uid: idOf('-u', CANARY_USER), gid: idOf('-g', CANARY_USER) };
}

/** Gives `path` and everything under it to `user` (chown -R); a no-op when user is undefined. */
export function giveTree(path: string, user: NightUser | undefined): void {
  if (user) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, path]);
}

/** The plugin's folders and files a night needs (what package.json `files` ships, plus the manifest). */
const PLUGIN_PARTS = ['bin', 'dist', 'hooks', 'skills', 'commands', '.claude-plugin', 'package.json'];

/** Where installPlugin put things: the plugin root (its bin/overnight is the CLI) and the claude binary. */
export interface Installed {
  dir: string;
  pluginRoot: string;
  overnightBin: string;
  claude: string;
}

/**
 * Copies the built plugin (PLUGIN_PARTS of the project) and links (or, across file systems,
 * copies) the claude binary into a new root-owned folder under the system temp folder, every
 * level mode 755 so the night user can read and run it but not change it. Throws when dist/ is
 * missing (run `npm run build`).
 */
export function installPlugin(): Installed {
  const dir = mkdtempSync(join(tmpdir(), 'ovc-install-'));
  chmodSync(dir, 0o755);
  const pluginRoot = join(dir, 'plugin');
  for (const part of PLUGIN_PARTS) cpSync(join(PROJECT_ROOT, part), join(pluginRoot, part), { recursive: true });
  const claude = join(dir, 'claude', 'claude');
  mkdirSync(dirname(claude), { recursive: true });
  try {
    linkSync(claudeBin(), claude);
  } catch {
    cpSync(claudeBin(), claude);
  }
  execFileSync('chmod', ['-R', 'a+rX,go-w', dir]);
  return { dir, pluginRoot, overnightBin: join(pluginRoot, 'bin', 'overnight'), claude };
}
