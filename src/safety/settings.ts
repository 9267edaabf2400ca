/**
 * The second safety layer: Claude Code permission deny rules for the `--settings` file the runner
 * gives every agent (DESIGN.md, "Safety gates": hooks fail open, so they are never the only layer).
 *
 * Claude Code evaluates permission rules deny -> ask -> allow, and a deny rule wins in every
 * permission mode; a deny rule is enforced by Claude Code itself even when a hook crashes or times
 * out (Claude Code docs, "Configure permissions", https://code.claude.com/docs/en/permissions).
 * Rule syntax used here (same page):
 * - `Bash(git push --force:*)`: a command prefix (`:*` only at the end), word-bounded;
 *   `Bash(git push * main)`: `*` matches any run of characters, anywhere in the pattern.
 *   Claude Code splits compound commands (`a && b`, `a; b`, `a | b`) and checks each part.
 * - `Edit(...)` rules apply to every built-in tool that edits files (Write, Edit, MultiEdit,
 *   NotebookEdit); their specifier is a gitignore-style pattern: `//abs/path` is absolute from the
 *   filesystem root, `~/path` is under the home folder, `/path` is relative to the settings file.
 *   `Write(...)` path rules are not consulted, so only `Edit(...)` is generated.
 *
 * These rules are deliberately narrower than the hook policy: a deny rule cannot see the worktree,
 * the agent's own branch or whether a command only mentions a dangerous word, so only what is
 * denied in EVERY context is listed here (force-push in any spelling, history destruction, pushes to
 * protected branches, privilege escalation, deploys, writes into `.git` and to secret files).
 * The hooks remain the precise layer; this one catches what gets through when a hook fails.
 */
import type { PolicyContext } from './types.js';

/** The part of a rule description this module needs (see src/safety/rules). */
export interface SettingsPatternSource {
  id?: string;
  /** Claude Code permission rules that deny what this rule denies in every context. */
  settingsPatterns?: string[];
}

/** The JSON written to the session's settings.json and passed as `claude --settings <file>`. */
export interface AgentSettings {
  permissions: {
    /** Permission rules Claude Code denies before any hook or allow rule is consulted. */
    deny: string[];
  };
}

/** Options for buildAgentSettings. */
export interface BuildAgentSettingsOptions {
  /**
   * Rule descriptions whose `settingsPatterns` are added (normally the policy's RULES).
   * Defaults to none: the built-in baseline below is always included.
   */
  rules?: SettingsPatternSource[];
  /** The repository root (the main checkout); its `.git` folder is denied to file tools. */
  repoRoot?: string;
}

/**
 * Bash prefixes that are denied for an unattended agent whatever the context (DESIGN.md, "Policy
 * for an unattended agent"). Each entry becomes `Bash(<prefix>:*)` and `Bash(<prefix>)`.
 */
const BASH_PREFIXES: readonly string[] = [
  // Force-push in any spelling.
  'git push --force',
  'git push -f',
  'git push --force-with-lease',
  'git push --mirror',
  'git push --delete',
  'git push -d',
  // History destruction / bulk discard of work.
  'git reset --hard',
  'git clean -f',
  'git clean -fd',
  'git clean -fdx',
  'git clean -xdf',
  'git clean -df',
  'git checkout -- .',
  'git checkout .',
  'git restore .',
  'git stash drop',
  'git stash clear',
  'git branch -D',
  'git branch --delete --force',
  'git update-ref -d',
  'git reflog expire',
  'git gc --prune=now',
  'git filter-branch',
  // Privilege escalation.
  'sudo',
  'su',
  'doas',
  // Deploys and publishing.
  'npm publish',
  'yarn publish',
  'pnpm publish',
  'cargo publish',
  'gem push',
  'twine upload',
  'docker push',
  'kubectl apply',
  'kubectl delete',
  'helm install',
  'helm upgrade',
  'terraform apply',
  'terraform destroy',
  'pulumi up',
  'pulumi destroy',
  'wrangler deploy',
  'wrangler publish',
  'vercel --prod',
  'vercel deploy --prod',
  'netlify deploy --prod',
  'fly deploy',
  'flyctl deploy',
  'heroku',
  'firebase deploy',
  'serverless deploy',
  'sls deploy',
  'aws s3 rm',
  'gcloud app deploy',
];

/**
 * Whole rules (Claude Code `*` wildcard syntax) for spellings a prefix cannot catch: options after
 * the remote, `+refspec` force-pushes, and deleting the filesystem root, home or parent folders.
 * `rm -rf /...` is not a prefix rule because an absolute path inside the worktree is allowed.
 */
const BASH_RULES: readonly string[] = [
  'Bash(git push * --force)',
  'Bash(git push * --force *)',
  'Bash(git push * --force-with-lease*)',
  'Bash(git push * -f)',
  'Bash(git push * -f *)',
  'Bash(git push * +*)',
  'Bash(git push * --delete *)',
  'Bash(rm -rf /)',
  'Bash(rm -rf /*)',
  'Bash(rm -fr /)',
  'Bash(rm -rf ~)',
  'Bash(rm -rf ~/)',
  'Bash(rm -rf $HOME)',
  'Bash(rm -rf ..)',
  'Bash(rm -rf ../)',
  'Bash(rm -rf .git)',
  'Bash(rm -rf .git/)',
];

/** Files holding secrets that no agent may write (gitignore-style, anywhere on disk). */
const SECRET_FILE_PATTERNS: readonly string[] = [
  '//**/.env',
  '//**/.env.local',
  '//**/.env.*.local',
  '//**/.env.production',
  '//**/*.pem',
  '//**/*.key',
  '//**/id_rsa',
  '//**/id_ed25519',
  '//**/.npmrc',
  '//**/.pypirc',
  '//**/.netrc',
  '~/.ssh/**',
  '~/.aws/**',
  '~/.gnupg/**',
  '~/.config/gh/**',
];

/** `main` -> the refspec targets a push to that branch would name. */
function protectedBranchPushPatterns(branch: string): string[] {
  // Globs in protected branches (`release/*`) map directly onto Claude Code's `*` wildcard.
  return [
    `Bash(git push * ${branch})`,
    `Bash(git push * ${branch} *)`,
    `Bash(git push *:${branch})`,
    `Bash(git push *:${branch} *)`,
    `Bash(git push *:refs/heads/${branch})`,
    `Bash(git push *:refs/heads/${branch} *)`,
  ];
}

/** A path as a `//`-absolute gitignore-style pattern (Claude Code's absolute-path form). */
function absolutePattern(path: string): string {
  const clean = path.replace(/\/+$/, '');
  return `/${clean.startsWith('/') ? clean : `/${clean}`}`;
}

/**
 * Builds the `--settings` content for one agent from the policy context.
 *
 * In: the agent's PolicyContext (protected branches, deny paths, own branch) and options (the
 * policy's rule descriptions, the repository root). Out: `{ permissions: { deny } }`, the deny list
 * de-duplicated and in a stable order (baseline, rules' settingsPatterns, protected branches, paths).
 * Never throws; pure.
 */
export function buildAgentSettings(ctx: PolicyContext, options: BuildAgentSettingsOptions = {}): AgentSettings {
  const deny: string[] = [];
  const add = (rule: string): void => {
    if (!deny.includes(rule)) deny.push(rule);
  };

  for (const prefix of BASH_PREFIXES) {
    add(`Bash(${prefix})`);
    add(`Bash(${prefix}:*)`);
  }
  for (const rule of BASH_RULES) add(rule);
  for (const rule of options.rules ?? []) {
    for (const pattern of rule.settingsPatterns ?? []) add(pattern);
  }
  for (const branch of ctx.protectedBranches) {
    if (branch === ctx.ownBranch) continue;
    for (const pattern of protectedBranchPushPatterns(branch)) add(pattern);
  }

  // File tools: never into .git (the worktree's own .git file and the main repository's folder),
  // never secret files, never the configured deny paths.
  add(`Edit(${absolutePattern(ctx.worktreeRoot)}/.git)`);
  add('Edit(//**/.git/**)');
  if (options.repoRoot) add(`Edit(${absolutePattern(options.repoRoot)}/.git/**)`);
  for (const pattern of SECRET_FILE_PATTERNS) add(`Edit(${pattern})`);
  for (const path of ctx.denyPaths) {
    if (!path.startsWith('/')) continue;
    add(`Edit(${absolutePattern(path)})`);
    add(`Edit(${absolutePattern(path)}/**)`);
  }

  return { permissions: { deny } };
}
