/**
 * The checks of `overnight doctor`: is this machine and repository ready for a night? Each check
 * says ok, warn or fail, what it found, and the fix. Checks never change anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { execa } from 'execa';
import { scanBacklog } from '../backlog/read.js';
import { loadConfig } from '../config/load.js';
import { CONFIG_FILE, type OvernightConfig } from '../config/schema.js';
import { OvernightError, OvernightErrors } from '../util/errors.js';
import { pluginRoot } from '../util/plugin-root.js';
import { findRepoRoot } from '../util/repo.js';
import { claudeMissingFix, resolveClaude, type ClaudeResolution } from '../agent/find-claude.js';
import { checkSandboxWorks } from './sandbox-check.js';
import { commonGitDir } from '../runner/git.js';
import { configHolder, configLockPath } from '../runner/git-config-hold.js';
import { liveLockHolder } from '../session/lock.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** Short name: node, git, claude, gh, hooks, config, backlog. */
  name: string;
  status: CheckStatus;
  /** What was found (a version, a path, a count) or what is wrong. */
  detail: string;
  /** What to do, for warn and fail. */
  fix?: string;
}

/**
 * The Node.js versions the plugin runs on: package.json `engines.node` (a test keeps them equal).
 * The tightest need of the bundled runtime packages: write-file-atomic 7 declares
 * `^20.17.0 || >=22.9.0`; every other one accepts all of that (docs/user-guide.md, "Requirements").
 */
export const SUPPORTED_NODE = '^20.17.0 || >=22.9.0';

/**
 * The hook scripts the plugin's hooks.json runs, built by `npm run build` into dist/hooks/. Each is
 * a small loader that runs dist/hooks/core/<name> (scripts/build.mjs); without its core a gate
 * denies every tool call (src/hooks/loader/run-cached.ts fails closed).
 */
export const HOOK_SCRIPTS = ['bash-gate.js', 'file-gate.js', 'ask-gate.js', 'audit.js'] as const;

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  const b = minimum.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** Node.js: a version in SUPPORTED_NODE (semver range, as npm reads `engines`). */
export function checkNode(version: string = process.versions.node): CheckResult {
  return semver.satisfies(version, SUPPORTED_NODE)
    ? { name: 'node', status: 'ok', detail: `Node.js ${version}` }
    : { name: 'node', status: 'fail', detail: `Node.js ${version} is not in the supported range ${SUPPORTED_NODE}`, fix: 'Install a supported Node.js: 20.17 or a later 20.x, or 22.9 or later (e.g. the current LTS).' };
}

async function run(command: string, args: string[], timeoutMs = 20_000): Promise<{ ok: boolean; output: string }> {
  try {
    const result = await execa(command, args, { timeout: timeoutMs, reject: false, stdin: 'ignore', all: true, env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' } });
    return { ok: result.exitCode === 0, output: String(result.all ?? '').trim() };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}

/** git: installed, and new enough for `git worktree` as the runner uses it (2.25+ warns below). */
export async function checkGit(): Promise<CheckResult> {
  const { ok, output } = await run('git', ['--version']);
  if (!ok) return { name: 'git', status: 'fail', detail: 'git is not installed (or not on PATH)', fix: 'Install git (https://git-scm.com/downloads).' };
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1] ?? output;
  if (!versionAtLeast(version, '2.25.0')) {
    return { name: 'git', status: 'warn', detail: `git ${version} is old; worktree commands may differ`, fix: 'Update git to 2.25 or newer.' };
  }
  return { name: 'git', status: 'ok', detail: `git ${version}` };
}

/**
 * Where the claude binary is, found exactly as the runner finds it (src/agent/find-claude.ts
 * resolveClaude): the config's agent.claude_path, PATH, the install locations, the plugin's own
 * node_modules/.bin/claude (`root` = the plugin root). `cwd`: where a relative claude_path is taken from.
 */
export function findClaude(config: Pick<OvernightConfig, 'agent'> | undefined, root: string | undefined, cwd: string = process.cwd()): ClaudeResolution {
  return resolveClaude({ configured: config?.agent.claude_path, pluginRoot: root, cwd });
}

/** The claude binary: found (see findClaude) and `claude --version` answers. */
export async function checkClaude(config: OvernightConfig | undefined, root: string | undefined, cwd?: string): Promise<CheckResult> {
  const found = findClaude(config, root, cwd);
  if (!found.path) {
    return {
      name: 'claude',
      status: 'fail',
      detail: `the claude binary was not found (tried: ${found.tried.join(', ')})`,
      fix: claudeMissingFix(config?.agent.claude_path),
    };
  }
  const { ok, output } = await run(found.path, ['--version'], 30_000);
  if (!ok) {
    return { name: 'claude', status: 'fail', detail: `${found.path} --version failed: ${output.split('\n')[0] ?? ''}`, fix: 'Reinstall Claude Code, or point agent.claude_path at a working binary.' };
  }
  return { name: 'claude', status: 'ok', detail: `${output.split('\n')[0]} at ${found.path}` };
}

/** gh: installed and authenticated (warn only: without it the night ends with a push command instead of a pull request). */
export async function checkGh(): Promise<CheckResult> {
  const version = await run('gh', ['--version']);
  if (!version.ok) {
    return { name: 'gh', status: 'warn', detail: 'the GitHub CLI (gh) is not installed: no pull request will be opened', fix: 'Install gh (https://cli.github.com) and run gh auth login.' };
  }
  const auth = await run('gh', ['auth', 'status']);
  const first = version.output.split('\n')[0] ?? 'gh';
  if (!auth.ok) {
    return { name: 'gh', status: 'warn', detail: `${first}, not authenticated: no pull request will be opened`, fix: 'Run gh auth login.' };
  }
  return { name: 'gh', status: 'ok', detail: `${first}, authenticated` };
}

/**
 * The hook binaries: every `dist/hooks/<name>.js` the plugin needs and the core it loads
 * (`dist/hooks/core/<name>.js`) exist under the plugin root, and every path a command in `hooks/hooks.json` refers to (with `${CLAUDE_PLUGIN_ROOT}` replaced
 * by the plugin root) exists.
 */
export function checkHooks(root: string | undefined): CheckResult {
  if (!root) {
    return { name: 'hooks', status: 'fail', detail: 'cannot find the plugin root (.claude-plugin/plugin.json)', fix: 'Run overnight from its plugin folder (bin/overnight), or reinstall the plugin.' };
  }
  const missing = new Set<string>();
  for (const script of HOOK_SCRIPTS) {
    for (const rel of [`dist/hooks/${script}`, `dist/hooks/core/${script}`]) if (!existsSync(join(root, rel))) missing.add(rel);
  }
  const hooksJson = join(root, 'hooks', 'hooks.json');
  let commands = 0;
  if (existsSync(hooksJson)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(hooksJson, 'utf8'));
    } catch (error) {
      return { name: 'hooks', status: 'fail', detail: `hooks/hooks.json is not valid JSON: ${(error as Error).message}`, fix: 'Reinstall the plugin.' };
    }
    for (const command of hookCommands(parsed)) {
      commands++;
      for (const path of commandPaths(command, root)) if (!existsSync(path)) missing.add(path.startsWith(root) ? path.slice(root.length + 1) : path);
    }
  }
  if (missing.size > 0) {
    return { name: 'hooks', status: 'fail', detail: `hook binaries missing: ${[...missing].join(', ')}`, fix: `Build them: cd ${root} && npm run build (or npm ci).` };
  }
  return { name: 'hooks', status: 'ok', detail: `${HOOK_SCRIPTS.length} hook binaries built${commands > 0 ? `, ${commands} hooks.json commands resolve` : ''}` };
}

/** Every `command` string in a hooks.json document. */
export function hookCommands(doc: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'command' && typeof value === 'string') out.push(value);
        else walk(value);
      }
    }
  };
  walk(doc);
  return out;
}

/** The file paths a hook command refers to: words containing `${CLAUDE_PLUGIN_ROOT}` or ending in .js/.mjs/.cjs/.sh. */
export function commandPaths(command: string, root: string): string[] {
  const words = command.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  return words
    .map((w) => w.replace(/^["']|["']$/g, ''))
    .filter((w) => w.includes('${CLAUDE_PLUGIN_ROOT}') || w.includes('$CLAUDE_PLUGIN_ROOT') || /\.(m?js|cjs|sh)$/.test(w))
    .map((w) => w.replace(/\$\{CLAUDE_PLUGIN_ROOT\}|\$CLAUDE_PLUGIN_ROOT/g, root))
    .map((w) => (w.startsWith('/') ? w : join(root, w)));
}

function errorDetail(error: unknown): string {
  if (error instanceof OvernightErrors) return error.errors.map((e) => e.format().replace(/\n\s*/g, ' ')).join('; ');
  if (error instanceof OvernightError) return error.format().replace(/\n\s*/g, ' ');
  return String(error);
}

/**
 * Config and backlog of the repository containing `cwd`: both validate. Outside a git repository
 * both are warnings (nothing to check). Returns the config when valid (for the claude check).
 */
export async function checkRepository(cwd: string): Promise<{ results: CheckResult[]; config?: OvernightConfig }> {
  let repoRoot: string;
  try {
    repoRoot = await findRepoRoot(cwd);
  } catch {
    const note = { status: 'warn' as const, detail: 'not inside a git repository: nothing to check', fix: 'Run overnight doctor inside the repository you want to work on.' };
    return { results: [{ name: 'config', ...note }, { name: 'backlog', ...note }] };
  }
  let config: OvernightConfig;
  try {
    config = await loadConfig(repoRoot);
  } catch (error) {
    return {
      results: [
        { name: 'config', status: 'fail', detail: errorDetail(error), fix: `Fix ${CONFIG_FILE} (every problem is listed above), then run overnight doctor again.` },
        { name: 'backlog', status: 'warn', detail: 'not checked: the config is invalid (it names the backlog folder)' },
      ],
    };
  }
  const results: CheckResult[] = [
    { name: 'config', status: 'ok', detail: existsSync(join(repoRoot, CONFIG_FILE)) ? `${CONFIG_FILE} is valid` : `no ${CONFIG_FILE}: the defaults apply` },
  ];
  const scan = await scanBacklog(repoRoot, config);
  if (scan.errors.length > 0) {
    results.push({
      name: 'backlog',
      status: 'fail',
      detail: `${scan.errors.length} problem(s): ${scan.errors.map((e) => e.format().replace(/\n\s*/g, ' ')).join('; ')}`,
      fix: 'Fix the files named above; overnight prepare shows the same list.',
    });
  } else if (!scan.exists) {
    results.push({ name: 'backlog', status: 'warn', detail: `no backlog folder '${scan.dir}/'`, fix: 'Create a first item with: overnight add "<title>".' });
  } else {
    const ready = scan.items.filter((i) => i.status === 'ready').length;
    results.push({ name: 'backlog', status: 'ok', detail: `${scan.items.length} item(s) in ${scan.dir}/, ${ready} ready` });
  }
  const held = await checkConfigHold(repoRoot);
  if (held) results.push(held);
  return { results, config };
}

/**
 * A `config.lock` the runner held (src/runner/git-config-hold.ts) and no live runner holds now (a
 * runner killed outright): git cannot change the repository's config until it goes. Undefined
 * when there is none, or a live runner of this repository holds it.
 */
export async function checkConfigHold(repoRoot: string): Promise<CheckResult | undefined> {
  const dir = await commonGitDir(repoRoot).catch(() => undefined);
  if (!dir || liveLockHolder(repoRoot)) return undefined;
  const session = configHolder(dir);
  if (session === undefined) return undefined;
  return {
    name: 'git-config',
    status: 'fail',
    detail: `${configLockPath(dir)} is held by session ${session || '(unknown)'}, whose runner is not running: git cannot change this repository's config`,
    fix: session ? `overnight resume --session ${session} (goes on with the night), or overnight abandon --session ${session}, or remove the file: rm ${configLockPath(dir)}` : `rm ${configLockPath(dir)}`,
  };
}

/** Runs every check, in the order they are shown: node, git, claude, gh, hooks, config, backlog. */
export async function runDoctor(cwd: string = process.cwd()): Promise<CheckResult[]> {
  let root: string | undefined;
  try {
    root = pluginRoot();
  } catch {
    root = undefined;
  }
  const repo = await checkRepository(cwd);
  const [git, claude, gh, sandbox] = await Promise.all([checkGit(), checkClaude(repo.config, root, cwd), checkGh(), checkSandbox(repo.config, root, cwd)]);
  return [checkNode(), git, claude, sandbox, gh, checkHooks(root), ...repo.results];
}

/**
 * The OS sandbox every agent runs in (src/doctor/sandbox-check.ts, never cached here): fail when it
 * cannot start, warn when the repository's config turns it off (`safety.sandbox: off`).
 */
export async function checkSandbox(config: OvernightConfig | undefined, root: string | undefined, cwd?: string): Promise<CheckResult> {
  if (config?.safety.sandbox === 'off') {
    return { name: 'sandbox', status: 'warn', detail: 'off by configuration (safety.sandbox: off): nights run without OS containment', fix: 'Remove safety.sandbox: off from overnight.config.yaml once the sandbox works here.' };
  }
  const result = await checkSandboxWorks(findClaude(config, root, cwd).path, process.platform, false);
  return result.ok ? { name: 'sandbox', status: 'ok', detail: result.detail } : { name: 'sandbox', status: 'fail', detail: result.detail, fix: result.fix };
}
