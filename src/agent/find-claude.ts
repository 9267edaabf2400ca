/**
 * One resolution of the `claude` binary for every part of overnight: `doctor`, `launch`, the
 * runner and `demo` all call resolveClaude, so none of them can find a binary another would miss.
 *
 * Order (docs/user-guide.md, "Where overnight looks for claude"):
 * 1. `agent.claude_path` from overnight.config.yaml, when set to anything but the default `claude`
 *    (a path, or a name looked up on PATH). It is the user's explicit choice: nothing else is tried.
 * 2. `claude` on PATH.
 * 3. The native installer's launcher, `~/.local/bin/claude` (`curl -fsSL https://claude.ai/install.sh | bash`
 *    and `claude install`; the launcher points at ~/.local/share/claude/versions/<version>).
 * 4. The older "local" install of `claude migrate-installer`, `~/.claude/local/claude`.
 * 5. npm's global bin folder: `$npm_config_prefix/bin`, else the bin folder beside the running node
 *    (npm's default prefix is node's own install prefix), for `npm install -g @anthropic-ai/claude-code`.
 * 6. Homebrew's bin folders (`brew install --cask claude-code`): /opt/homebrew/bin, /usr/local/bin.
 * 7. The plugin's own `node_modules/.bin/claude` (the npm package, installed by `npm ci` in the plugin).
 * Sources: Claude Code's setup documentation (native install, `claude migrate-installer`, npm global
 * install); the paths as the installers write them (see docs/user-guide.md for what was verified).
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isExecutable, whichBinary } from '../doctor/find-binary.js';

/** Where to look, given by the caller (pure inputs, so tests can point at a fake home). */
export interface ClaudeSearch {
  /** `agent.claude_path` from the config (default `claude`). */
  configured?: string;
  /** The environment whose PATH, HOME and npm_config_prefix are used (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The home folder (default env.HOME, else os.homedir()). */
  home?: string;
  /** The plugin folder, for its node_modules/.bin/claude (omit to skip that place). */
  pluginRoot?: string;
  /** Folder a relative `agent.claude_path` is taken from (the repository root). */
  cwd?: string;
  /** The running node binary, for npm's default global prefix (default process.execPath). */
  nodePath?: string;
  /** Homebrew's bin folders (default HOMEBREW_BIN_DIRS; tests pass []). */
  homebrewDirs?: readonly string[];
}

/** Where Homebrew links `claude` (`brew install --cask claude-code`): Apple silicon, then Intel and Linux. */
export const HOMEBREW_BIN_DIRS = ['/opt/homebrew/bin', '/usr/local/bin'] as const;

/** The outcome: the absolute path found (undefined when none), and every place tried, in order. */
export interface ClaudeResolution {
  path?: string;
  /** Human-readable places tried, e.g. `claude on PATH`, `/home/me/.local/bin/claude`. */
  tried: string[];
  /** Which rule found it: config, path, native, local, npm-global, homebrew, plugin. */
  source?: 'config' | 'path' | 'native' | 'local' | 'npm-global' | 'homebrew' | 'plugin';
}

/** The default value of agent.claude_path: "look for it". */
export const DEFAULT_CLAUDE = 'claude';

/** The well-known install locations after PATH, in order (rules 3 to 7 of the module comment). */
export function claudeInstallLocations(search: ClaudeSearch): Array<{ path: string; source: NonNullable<ClaudeResolution['source']> }> {
  const env = search.env ?? process.env;
  const home = search.home ?? env.HOME ?? homedir();
  const nodeBin = dirname(search.nodePath ?? process.execPath);
  const places: Array<{ path: string; source: NonNullable<ClaudeResolution['source']> }> = [
    { path: join(home, '.local', 'bin', 'claude'), source: 'native' },
    { path: join(home, '.claude', 'local', 'claude'), source: 'local' },
  ];
  if (env.npm_config_prefix) places.push({ path: join(env.npm_config_prefix, 'bin', 'claude'), source: 'npm-global' });
  places.push({ path: join(nodeBin, 'claude'), source: 'npm-global' });
  for (const dir of search.homebrewDirs ?? HOMEBREW_BIN_DIRS) places.push({ path: join(dir, 'claude'), source: 'homebrew' });
  if (search.pluginRoot) places.push({ path: join(search.pluginRoot, 'node_modules', '.bin', 'claude'), source: 'plugin' });
  const seen = new Set<string>();
  return places.filter((p) => (seen.has(p.path) ? false : (seen.add(p.path), true)));
}

/**
 * Finds the claude binary (see the module comment for the order). Never throws; `path` is
 * undefined when no place holds an executable file, and `tried` then says where it looked.
 */
export function resolveClaude(search: ClaudeSearch = {}): ClaudeResolution {
  const env = search.env ?? process.env;
  const configured = search.configured?.trim();
  if (configured && configured !== DEFAULT_CLAUDE) {
    const path = whichBinary(configured, env, search.cwd);
    return { ...(path ? { path, source: 'config' as const } : {}), tried: [`${configured} (agent.claude_path)`] };
  }
  const tried = ['claude on PATH'];
  const onPath = whichBinary(DEFAULT_CLAUDE, env);
  if (onPath) return { path: onPath, source: 'path', tried };
  for (const place of claudeInstallLocations(search)) {
    tried.push(place.path);
    if (isExecutable(place.path)) return { path: place.path, source: place.source, tried };
  }
  return { tried };
}

/** The fix to print when resolveClaude found nothing (one sentence, with the commands). */
export function claudeMissingFix(configured?: string): string {
  if (configured && configured.trim() !== DEFAULT_CLAUDE) {
    return `agent.claude_path in overnight.config.yaml points at '${configured}', which is not an executable file: fix the path (\`which claude\` shows it), or remove the key to let overnight look for claude.`;
  }
  return 'Install Claude Code (curl -fsSL https://claude.ai/install.sh | bash, or npm install -g @anthropic-ai/claude-code), or set agent.claude_path in overnight.config.yaml to its full path.';
}
