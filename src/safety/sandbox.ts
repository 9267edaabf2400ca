/**
 * The first safety layer: Claude Code's own OS sandbox for the Bash tool (bubblewrap on Linux,
 * Seatbelt on macOS), configured in the `sandbox` section of every agent's `--settings`
 * (DESIGN.md, "Safety layers"; Claude Code docs, "Sandboxing",
 * https://code.claude.com/docs/en/sandboxing). Pure: the runner gathers the paths
 * (src/runner/sandbox-attempt.ts) and this module turns them into settings.
 *
 * What each key does, as measured with Claude Code 2.1.330 on Linux (docs/safety-policy.md,
 * "Layer 1: the OS sandbox"):
 * - `enabled` + `failIfUnavailable` + `allowUnsandboxedCommands: false`: every Bash command and its
 *   children run inside the sandbox, or not at all ("Sandbox is required but failed to initialize").
 * - `autoAllowBashIfSandboxed`: sandboxed Bash runs without a permission prompt (the gates still run).
 * - `filesystem.allowWrite`: writable besides the working directory (the worktree). Claude Code adds
 *   the repository's git dir by itself when the working directory is a linked worktree, so
 *   `filesystem.denyWrite` takes back everything there but what the item's commits need; a deny
 *   wins over an allow for the same or an enclosing path. A denied path that does not exist is
 *   covered by an empty character device (/dev/null) inside the sandbox.
 * - `filesystem.denyRead`: reads fail with "Permission denied".
 * - `network.allowedDomains`: the only hosts the sandbox's proxy lets through; anything else,
 *   127.0.0.1 included, is refused.
 * - `credentials.envVars` with `mode: "deny"`: the variable is absent from sandboxed commands while
 *   Claude Code itself keeps it.
 */

/**
 * What the plan, `status`, the morning report and the pull request say when a night runs with
 * `safety.sandbox: off` (issue 8: "say in plain words that the night ran without OS containment").
 */
export const UNCONTAINED_NOTICE =
  'This night runs without OS containment (safety.sandbox: off): agent commands can write anywhere your user can, read your credentials and reach the network; only the safety gates and the permission deny rules stand in the way.';

/** Credential stores under the home folder that no agent command may read (home-relative). */
export const CREDENTIAL_PATHS: readonly string[] = [
  '.ssh',
  '.aws',
  '.azure',
  '.config/gh',
  '.config/hub',
  '.config/gcloud',
  '.config/op',
  '.config/git/credentials',
  '.git-credentials',
  '.netrc',
  '.npmrc',
  '.yarnrc.yml',
  '.pypirc',
  '.gem/credentials',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.m2/settings.xml',
  '.docker/config.json',
  '.kube',
  '.gnupg',
  '.password-store',
  '.vault-token',
  '.terraform.d/credentials.tfrc.json',
  '.local/share/keyrings',
  '.claude/.credentials.json',
  'Library/Keychains',
];

/**
 * Environment variables that hold credentials. Each is a name, or a prefix ending in `*`. The
 * runner keeps them for its own push and pull request and never passes them to an agent.
 */
export const SECRET_ENV_PATTERNS: readonly string[] = [
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
  'GITLAB_TOKEN',
  'GL_TOKEN',
  'NPM_TOKEN',
  'NODE_AUTH_TOKEN',
  'YARN_NPM_AUTH_TOKEN',
  'PYPI_TOKEN',
  'TWINE_PASSWORD',
  'CARGO_REGISTRY_TOKEN',
  'DOCKER_PASSWORD',
  'HEROKU_API_KEY',
  'VERCEL_TOKEN',
  'NETLIFY_AUTH_TOKEN',
  'FLY_API_TOKEN',
  'CLOUDFLARE_API_TOKEN',
  'DIGITALOCEAN_ACCESS_TOKEN',
  'SLACK_TOKEN',
  'SLACK_WEBHOOK_URL',
  'DATABASE_URL',
  'SENTRY_AUTH_TOKEN',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AWS_*',
  'AZURE_*',
  'ARM_*',
  'GCP_*',
  'CLOUDSDK_*',
  'VAULT_*',
  'OP_*',
  '*_TOKEN',
  '*_SECRET',
  '*_SECRET_KEY',
  '*_PASSWORD',
  '*_ACCESS_KEY',
  '*_PRIVATE_KEY',
];

/**
 * Variables Claude Code itself needs to reach the model: passed to the claude process, but hidden
 * from its sandboxed commands (`credentials.envVars`), so an agent's `env` cannot print them.
 */
export const CLAUDE_AUTH_ENV: readonly string[] = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];

/**
 * Names Claude Code 2.1.330's sandbox covers with an empty character device in the working
 * directory when they do not exist there (measured: `ls -la` inside the sandbox). `git add -A`
 * refuses them ("can only add regular files"), so the agent's git gets an excludes file with them.
 */
export const SANDBOX_PLACEHOLDERS: readonly string[] = [
  '/.bash_profile',
  '/.bashrc',
  '/.gitconfig',
  '/.gitmodules',
  '/.idea',
  '/.mcp.json',
  '/.profile',
  '/.ripgreprc',
  '/.vscode',
  '/.zprofile',
  '/.zshrc',
  '/.claude/',
];

/**
 * File names no tool may read anywhere: the session's settings hold a `Read()` rule with a `**`
 * glob for each, in any folder (src/safety/settings.ts FILE_RULES). Claude Code 2.1.330's sandbox
 * turns such a rule into a mount of an empty device at `<working directory>/<name>` for every Bash
 * command (verified inside the sandbox with `ls -la` and `git status`): a character device when
 * the worktree has no such file, which `git add -A` refuses ("can only add regular files"), and an
 * empty file that git sees as modified when the file is tracked. So these names go into the
 * agent's excludes file too, and a tracked one at the worktree's root gets git's skip-worktree bit
 * for the attempt (src/runner/sandbox-attempt.ts).
 */
export const UNREADABLE_EVERYWHERE: readonly string[] = ['.env'];

const uniq = (xs: string[]): string[] => [...new Set(xs)];

/** Does `name` match a pattern of SECRET_ENV_PATTERNS's form (`NAME`, `PREFIX*`, `*SUFFIX`)? */
export function envNameMatches(name: string, pattern: string): boolean {
  if (pattern.startsWith('*')) return name.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

/** Claude Code's own credentials (CLAUDE_AUTH_ENV) and the runner's OVERNIGHT_* variables are never secrets to strip. */
function isOwnEnv(name: string): boolean {
  return CLAUDE_AUTH_ENV.includes(name) || name.startsWith('OVERNIGHT_');
}

/**
 * The names in `env` that hold credentials: those matching SECRET_ENV_PATTERNS or `extra`
 * (config `safety.secret_env`), except CLAUDE_AUTH_ENV, which Claude Code needs, and the
 * runner's own OVERNIGHT_* variables. Sorted.
 */
export function secretEnvNames(env: Record<string, string | undefined>, extra: readonly string[] = []): string[] {
  const patterns = [...SECRET_ENV_PATTERNS, ...extra];
  return Object.keys(env)
    .filter((name) => env[name] !== undefined && !isOwnEnv(name) && patterns.some((p) => envNameMatches(name, p)))
    .sort();
}

/**
 * `env` without its credential variables (secretEnvNames), for the claude child process.
 * In: an environment and the config's extra patterns. Out: a new object; `env` is not changed.
 */
export function withoutSecrets(env: Record<string, string>, extra: readonly string[] = []): Record<string, string> {
  const hidden = new Set(secretEnvNames(env, extra));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !hidden.has(name)));
}

/**
 * The credential stores under `home` (CREDENTIAL_PATHS) as absolute paths, then `extra`.
 * In: the home folder and further absolute paths. Out: de-duplicated absolute paths.
 */
export function credentialPaths(home: string, extra: readonly string[] = []): string[] {
  const h = home.replace(/\/+$/, '');
  return uniq([...CREDENTIAL_PATHS.map((p) => `${h}/${p}`), ...extra]);
}

/**
 * Permission deny rules that keep Claude Code's own file tools (Read, Grep, Glob; Edit and Write
 * through `Read` rules, which block writing too) away from these paths: the OS sandbox confines
 * Bash only. Each absolute path gives `Read(//path)` and `Read(//path/**)` (gitignore-style,
 * `//` = absolute; Claude Code docs, "Configure permissions").
 */
export function readDenyRules(paths: readonly string[]): string[] {
  return paths.flatMap((p) => [`Read(/${p})`, `Read(/${p}/**)`]);
}

/** What buildSandboxSettings needs; every path absolute. */
export interface SandboxInput {
  /** The user's home folder (credential stores are resolved against it). */
  home: string;
  /** The item's worktree (the agent's working directory: writable by default). */
  worktree: string;
  /** Writable folders besides the worktree: the scratch folder, the agent's git object folder, config allow_paths. */
  allowWrite: string[];
  /** Paths inside the repository's git dir to keep read-only (see src/runner/sandbox-git.ts). */
  gitReadOnly: string[];
  /** Further paths no command may read: the user's checkout's `.env*` files, config deny_read. */
  denyRead: string[];
  /** config `safety.allow_domains`. */
  allowDomains: string[];
  /** Variables hidden from sandboxed commands (Claude Code keeps them): CLAUDE_AUTH_ENV and any secret names still in the agent's environment. */
  hiddenEnv: string[];
}

/** The `sandbox` section of an agent's `--settings` (Claude Code 2.1.330 settings schema). */
export interface SandboxSettings {
  enabled: true;
  failIfUnavailable: true;
  allowUnsandboxedCommands: false;
  autoAllowBashIfSandboxed: true;
  filesystem: { allowWrite: string[]; denyWrite: string[]; denyRead: string[] };
  network: { allowedDomains: string[] };
  credentials: { envVars: Array<{ name: string; mode: 'deny' }> };
}

/**
 * The strict sandbox for one agent attempt. In: SandboxInput. Out: SandboxSettings with
 * de-duplicated lists in a stable order: allowWrite as given; denyWrite = gitReadOnly;
 * denyRead = CREDENTIAL_PATHS under `home`, then `denyRead`; allowedDomains as given (empty:
 * no network); credentials.envVars = `hiddenEnv`, each denied. Pure; never throws.
 */
export function buildSandboxSettings(input: SandboxInput): SandboxSettings {
  return {
    enabled: true,
    failIfUnavailable: true,
    allowUnsandboxedCommands: false,
    autoAllowBashIfSandboxed: true,
    filesystem: {
      allowWrite: uniq(input.allowWrite),
      denyWrite: uniq(input.gitReadOnly),
      denyRead: credentialPaths(input.home, input.denyRead),
    },
    network: { allowedDomains: uniq(input.allowDomains) },
    credentials: { envVars: uniq(input.hiddenEnv).map((name) => ({ name, mode: 'deny' as const })) },
  };
}

/**
 * The git configuration an agent's commands get through `GIT_CONFIG_COUNT`/`KEY_n`/`VALUE_n`
 * (git-config(1), ENVIRONMENT): `core.excludesFile` (the sandbox placeholders, so `git add -A`
 * works), `gc.auto=0` and `maintenance.auto=false` (an automatic gc would try to repack into the
 * read-only object store and rewrite the read-only packed-refs). In: the excludes file path.
 * Out: environment variables.
 */
export function agentGitConfigEnv(excludesFile: string): Record<string, string> {
  const pairs: Array<[string, string]> = [
    ['core.excludesFile', excludesFile],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
  ];
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
