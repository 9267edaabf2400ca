/**
 * One agent attempt's containment, on disk: the `--settings` file with the OS sandbox
 * (src/safety/sandbox.ts) and the session's deny rules, a short temporary folder, the agent's own
 * git object folder, and the environment that goes with them. `finish()` brings the agent's
 * commits into the repository (src/runner/git-objects.ts) and removes what was made here.
 */
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { OvernightConfig } from '../config/schema.js';
import { agentGitConfigEnv, buildSandboxSettings, CLAUDE_AUTH_ENV, credentialPaths, readDenyRules, SANDBOX_PLACEHOLDERS, secretEnvNames, UNREADABLE_EVERYWHERE, type SandboxSettings } from '../safety/sandbox.js';
import { execaSync } from 'execa';
import { readGitDirFile } from '../util/git-dir.js';
import { OVERNIGHT_DIR } from '../session/paths.js';
import { importObjects } from './git-objects.js';
import { ensureGitPlaceholders, gitReadOnlyPaths } from './sandbox-git.js';

/** What prepareAttemptSandbox needs; paths absolute. */
export interface AttemptSandboxInput {
  /** The session's choice at launch (manifest `sandbox`): the approved plan decides, not a later config edit. */
  sandbox: 'on' | 'off';
  config: Pick<OvernightConfig, 'safety'>;
  repoRoot: string;
  worktree: string;
  /** The item branch (`overnight/<id>--<slug>`). */
  branch: string;
  /** The item's scratch folder (writable, kept across the attempt). */
  scratchDir: string;
  /** The session's settings.json (permission deny rules), merged into the attempt's file. */
  sessionSettingsFile: string;
  /** Where to write this attempt's settings file. */
  settingsFile: string;
  /** The agent's own git object folder (made empty here). */
  objectDir: string;
  home: string;
  /** The runner's environment (for the names of credential variables to hide). */
  env: Record<string, string | undefined>;
}

/** The attempt's containment, ready for the agent. */
export interface AttemptSandbox {
  /** `--settings` for the agent. */
  settingsFile: string;
  /** Variables for the claude process: a short TMPDIR and, with the sandbox on, its git set-up. */
  env: Record<string, string>;
  /** Imports the agent's git objects into the repository, then removes the temporary folders. Throws when the import fails. */
  finish(): Promise<void>;
}

/**
 * A temporary folder with a short path: Claude Code makes its sandbox's Unix sockets in TMPDIR,
 * and a socket path longer than about 108 bytes makes the sandbox fail to start ("Failed to
 * create bridge sockets", DESIGN.md). `/tmp` where it exists, else the OS temporary folder.
 */
export function shortTempDir(): string {
  const base = existsSync('/tmp') ? '/tmp' : tmpdir();
  return mkdtempSync(join(base, 'ovn-'));
}

/** The common git dir and this worktree's admin folder, relative to it. */
function gitLayout(worktree: string): { commonDir: string; worktreeAdmin: string } {
  const admin = readGitDirFile(worktree);
  if (!admin) throw new Error(`${worktree} is not a linked worktree (its .git file names no git dir)`);
  const commonRel = readFileSync(join(admin, 'commondir'), 'utf8').trim();
  const commonDir = resolve(admin, commonRel);
  return { commonDir, worktreeAdmin: relative(commonDir, admin).split('\\').join('/') };
}

/** A permission rule that keeps file tools out of a whole `.git` folder: `Edit(<any>/.git/**)`. */
const WHOLE_GIT_DIR_RULE = /^Edit\(.*\/\.git\/\*\*\)$/;

/**
 * The session's permission deny rules for a sandboxed attempt. Claude Code turns `Edit(...)` deny
 * rules into sandbox write denials as well (measured with 2.1.330: `Edit(//repo/.git/<all>)` made the
 * worktree's own index read-only, so no commit could be made; Seatbelt on macOS applies the glob
 * form too), so the rules covering a whole `.git` folder give way to one pair of rules per
 * read-only git path. The file gate still denies file-tool writes anywhere in `.git`.
 */
export function withGitRules(rules: readonly string[], gitReadOnly: readonly string[]): string[] {
  return [...rules.filter((r) => !WHOLE_GIT_DIR_RULE.test(r)), ...gitReadOnly.flatMap((p) => [`Edit(/${p})`, `Edit(/${p}/**)`])];
}

/** The string rules of a settings file's `permissions.deny` (none when it has no such list). */
function sessionDenyRules(permissions: unknown): string[] {
  const deny = (permissions as { deny?: unknown } | undefined)?.deny;
  return Array.isArray(deny) ? deny.filter((r): r is string => typeof r === 'string') : [];
}

/**
 * A private XDG config folder for the attempt, holding copies of the user's git `config`, `ignore`
 * and `attributes` (git-config(1), FILES: `$XDG_CONFIG_HOME/git/...`). With the sandbox on, Claude
 * Code 2.1.330 appends `**​/.claude/.cc-writes/` to `$XDG_CONFIG_HOME/git/ignore` when a session
 * starts, creating the file if needed (measured by the containment test): the user's own file must
 * not change, so Claude Code gets this folder. Out: its path.
 */
function privateXdgConfig(tmp: string, home: string, env: Record<string, string | undefined>): string {
  const real = env.XDG_CONFIG_HOME || join(home, '.config');
  const xdg = join(tmp, 'xdg');
  mkdirSync(join(xdg, 'git'), { recursive: true });
  for (const file of ['config', 'ignore', 'attributes']) {
    const from = join(real, 'git', file);
    if (existsSync(from)) copyFileSync(from, join(xdg, 'git', file));
  }
  return xdg;
}

/**
 * Sets (`skip: true`) or clears git's skip-worktree bit (git-update-index(1), "SKIP-WORKTREE BIT")
 * on the tracked files at the worktree's root that the sandbox covers with an empty device
 * (UNREADABLE_EVERYWHERE, e.g. a committed `.env`). Set for the attempt, so that inside the sandbox
 * `git status` does not see them emptied and `git add -A` does not try to stage the device (the
 * agent can neither read nor write them, so nothing of its work is hidden); cleared afterwards, so
 * a recycled worktree follows the file again. Returns the files. Throws the git error when the
 * index cannot be written.
 */
function markMaskedTrackedFiles(worktree: string, skip: boolean): string[] {
  const tracked = execaSync('git', ['ls-files', '-z', '--', ...UNREADABLE_EVERYWHERE], { cwd: worktree }).stdout.split('\0').filter(Boolean);
  if (tracked.length > 0) execaSync('git', ['update-index', skip ? '--skip-worktree' : '--no-skip-worktree', '--', ...tracked], { cwd: worktree });
  return tracked;
}

/** The user's checkout's `.env*` files (secrets a project keeps out of git). */
function envFiles(repoRoot: string): string[] {
  try {
    return readdirSync(repoRoot)
      .filter((name) => name.startsWith('.env'))
      .map((name) => join(repoRoot, name));
  } catch {
    return [];
  }
}

function resolvePath(path: string, repoRoot: string, home: string): string {
  if (path === '~' || path.startsWith('~/')) return join(home, path.slice(1));
  return isAbsolute(path) ? resolve(path) : resolve(repoRoot, path);
}

/**
 * Writes the attempt's settings file and makes its folders. The file holds the session's deny rules
 * plus `Read(...)` denials of the credential stores (file tools are outside the OS sandbox); with
 * the sandbox on, its `sandbox` section too. With `safety.sandbox: off` the environment holds only
 * the short TMPDIR.
 * Throws when the session settings cannot be read or the worktree is not a linked worktree.
 */
export function prepareAttemptSandbox(input: AttemptSandboxInput): AttemptSandbox {
  const { config, repoRoot, home } = input;
  const session = JSON.parse(readFileSync(input.sessionSettingsFile, 'utf8')) as { permissions?: unknown } & Record<string, unknown>;
  const tmp = shortTempDir();
  const env: Record<string, string> = { TMPDIR: tmp };
  const unreadable = [...envFiles(repoRoot), ...config.safety.deny_read.map((p) => resolvePath(p, repoRoot, home))];
  // Claude Code's file tools are outside the OS sandbox: credential stores are denied to them by rule, sandbox or not.
  let deny = [...sessionDenyRules(session.permissions), ...readDenyRules(credentialPaths(home, unreadable))];
  let sandbox: SandboxSettings | undefined;
  const on = input.sandbox === 'on';
  if (on) {
    const { commonDir, worktreeAdmin } = gitLayout(input.worktree);
    ensureGitPlaceholders(commonDir);
    rmSync(input.objectDir, { recursive: true, force: true });
    mkdirSync(input.objectDir, { recursive: true });
    const excludes = join(tmp, 'git-excludes');
    writeFileSync(excludes, `${[...SANDBOX_PLACEHOLDERS, ...UNREADABLE_EVERYWHERE.map((name) => `/${name}`)].join('\n')}\n`);
    markMaskedTrackedFiles(input.worktree, true);
    const gitReadOnly = gitReadOnlyPaths(commonDir, { worktreeAdmin, branch: input.branch, runnerWorktrees: join(repoRoot, OVERNIGHT_DIR, 'worktrees') });
    sandbox = buildSandboxSettings({
      home,
      worktree: input.worktree,
      allowWrite: [input.scratchDir, input.objectDir, ...config.safety.allow_paths.map((p) => resolvePath(p, repoRoot, home))],
      gitReadOnly,
      denyRead: unreadable,
      allowDomains: config.safety.allow_domains,
      hiddenEnv: [...CLAUDE_AUTH_ENV, ...secretEnvNames(input.env, config.safety.secret_env)],
    });
    deny = withGitRules(deny, gitReadOnly);
    Object.assign(env, {
      XDG_CONFIG_HOME: privateXdgConfig(tmp, home, input.env),
      GIT_OBJECT_DIRECTORY: input.objectDir,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: join(commonDir, 'objects'),
      ...agentGitConfigEnv(excludes),
    });
  }
  const settings = { ...session, permissions: { ...(session.permissions as object | undefined), deny: [...new Set(deny)] }, ...(sandbox ? { sandbox } : {}) };
  writeFileSync(input.settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  return {
    settingsFile: input.settingsFile,
    env,
    async finish() {
      rmSync(tmp, { recursive: true, force: true });
      if (!on) return;
      // Kept when the import throws, for inspection; emptied by the next attempt.
      await importObjects(repoRoot, input.objectDir);
      rmSync(input.objectDir, { recursive: true, force: true });
      if (existsSync(input.worktree)) markMaskedTrackedFiles(input.worktree, false);
    },
  };
}
