/**
 * The second safety layer: Claude Code permission deny rules for the `--settings` file the runner
 * gives every agent (DESIGN.md, "Safety gates": hooks fail open, so they are never the only layer).
 *
 * Claude Code evaluates permission rules deny -> ask -> allow, and a deny rule wins in every
 * permission mode; it is enforced by Claude Code itself even when a hook crashes or times out
 * (Claude Code docs, "Configure permissions", https://code.claude.com/docs/en/permissions).
 * Rule syntax, as verified against the real CLI 2.1.330 (docs/safety-policy.md, "The second layer"):
 * - `Bash(git push --force:*)`: a command prefix followed by a space or the end of the command
 *   (`git push --force-with-lease` does NOT match it; `rm -rf /:*` does not match `rm -rf /tmp/x`).
 *   A `*` before `:*` is literal.
 * - `Bash(git push * main)`: `*` matches any run of characters, spaces and slashes included
 *   (`Bash(rm -rf /*)` would match `rm -rf /any/absolute/path`, so such rules are never generated).
 * - Compound commands (`echo hi && git push --force`) are split and each part is checked.
 * - `Edit(...)` rules apply to Write, Edit, MultiEdit and NotebookEdit; `Read(...)` deny rules
 *   block reading AND writing. Specifiers are gitignore-style: `//abs` absolute, `~/p` home,
 *   `./p` or `p` relative to the working directory, `/p` relative to the settings file.
 *
 * The rules come from the policy itself (RULES' settingsPatterns, the protected branches, the deny
 * paths) plus a small baseline, and each one is checked against the policy before it is kept: a
 * deny rule cannot see the worktree, the agent's own branch or whether a command only mentions a
 * dangerous word, so a rule is kept only when evaluate() denies every probe command (or path)
 * matching it (see probesFor). A rule that would block something the policy allows (for example
 * `Read(./.env.*)`, which would block `.env.example`) is dropped and listed in `dropped`.
 */
import { evaluate } from './policy.js';
import { UNREADABLE_EVERYWHERE } from './sandbox.js';
import { RULES } from './rules/index.js';
import type { PolicyContext, ToolCall } from './types.js';

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
  /** Rule descriptions whose `settingsPatterns` are used. Default: the policy's RULES. */
  rules?: SettingsPatternSource[];
  /** The repository root (the main checkout); its `.git` folder is denied to file tools. */
  repoRoot?: string;
  /** Receives each candidate rule the policy disagrees with, and why (for docs and tests). */
  onDropped?: (rule: string, why: string) => void;
}

/**
 * Baseline prefixes denied for an unattended agent whatever the context (DESIGN.md, "Policy for an
 * unattended agent"); each becomes `Bash(<prefix>:*)`. Spellings a prefix cannot catch (options
 * after the remote) are whole rules in BASH_RULES.
 */
const BASH_PREFIXES: readonly string[] = [
  'git push --force',
  'git push -f',
  'git push --force-with-lease',
  'git push --mirror',
  'git push --delete',
  'git push -d',
  'git reset --hard',
  'git clean -f',
  'git clean -fd',
  'git clean -fdx',
  'git clean -xdf',
  'git clean -df',
  'git clean -ffdx',
  'git checkout -- .',
  'git stash drop',
  'git stash clear',
  'git branch -D',
  'git reflog expire',
  'git filter-branch',
  'sudo',
  'su',
  'doas',
];

/** Whole rules (Claude Code `*` wildcard syntax). */
const BASH_RULES: readonly string[] = [
  'Bash(git push * --force)',
  'Bash(git push * --force *)',
  'Bash(git push * --force-with-lease)',
  'Bash(git push * --force-with-lease *)',
  'Bash(git push * -f)',
  'Bash(git push * -f *)',
  'Bash(git push * +*)',
  'Bash(git push * --delete *)',
  'Bash(rm -rf /)',
  'Bash(rm -fr /)',
  'Bash(rm -rf ~)',
  'Bash(rm -rf ~/)',
  'Bash(rm -rf ..)',
  'Bash(rm -rf ../)',
  'Bash(rm -rf .git)',
  'Bash(rm -rf .git/)',
];

/** Files holding secrets that no agent may write (and, for Read rules, read). */
const FILE_RULES: readonly string[] = [
  'Edit(//**/.git/**)',
  'Edit(//**/.env)',
  'Edit(//**/.env.local)',
  'Edit(//**/.env.production)',
  'Edit(//**/*.pem)',
  'Edit(//**/*.key)',
  'Edit(//**/id_rsa)',
  'Edit(//**/id_ed25519)',
  'Edit(~/.ssh/**)',
  'Edit(~/.aws/**)',
  ...UNREADABLE_EVERYWHERE.map((name) => `Read(//**/${name})`),
  'Read(~/.ssh/**)',
  'Read(~/.aws/credentials)',
];

/** Pushes to a protected branch, in the spellings a wildcard can catch. */
function protectedBranchPushRules(branch: string): string[] {
  return [
    `Bash(git push * ${branch})`,
    `Bash(git push * ${branch} *)`,
    `Bash(git push *:${branch})`,
    `Bash(git push *:${branch} *)`,
    `Bash(git push *:refs/heads/${branch})`,
  ];
}

/** A path as a `//`-absolute gitignore-style pattern (Claude Code's absolute-path form). */
function absolutePattern(path: string): string {
  const clean = path.replace(/\/+$/, '');
  return `/${clean.startsWith('/') ? clean : `/${clean}`}`;
}

/** Splits `Tool(specifier)`; undefined for a bare tool name or anything else. */
function splitRule(rule: string): { tool: string; spec: string } | undefined {
  const m = /^([A-Za-z]+)\((.*)\)$/s.exec(rule);
  return m ? { tool: m[1]!, spec: m[2]! } : undefined;
}

/**
 * Sample tool calls a rule would deny, used to check the rule against the policy.
 * Bash `P:*` -> `P`, `P build`, `P <worktree>/build`; Bash with `*` -> each `*` replaced by
 * `origin`, `build`, and an absolute path inside the worktree; Edit/Read path patterns -> a
 * path matching the pattern, with `*` as `x`, `example` and `build/x`.
 * Returns [] for rules this module cannot probe (they are then dropped).
 */
export function probesFor(rule: string, ctx: PolicyContext): ToolCall[] {
  const parts = splitRule(rule);
  if (!parts) return [];
  const wt = ctx.worktreeRoot.replace(/\/+$/, '');
  const inside = `${wt}/build`;
  if (parts.tool === 'Bash') {
    const call = (command: string): ToolCall => ({ toolName: 'Bash', toolInput: { command }, cwd: wt });
    if (parts.spec.endsWith(':*')) {
      const prefix = parts.spec.slice(0, -2);
      return [call(prefix), call(`${prefix} build`), call(`${prefix} ${inside}`)];
    }
    if (!parts.spec.includes('*')) return [call(parts.spec)];
    return ['origin', 'build', inside].map((s) => call(parts.spec.replace(/\/\*/g, `/${s.replace(/^\//, '')}`).replace(/\*/g, s)));
  }
  if (parts.tool === 'Edit' || parts.tool === 'Read') {
    let spec = parts.spec;
    if (spec.startsWith('//')) spec = spec.slice(1);
    else if (spec.startsWith('~/')) spec = `${ctx.home.replace(/\/+$/, '')}/${spec.slice(2)}`;
    else if (spec.startsWith('/')) return []; // relative to the settings file: not generated
    else spec = `${wt}/${spec.replace(/^\.\//, '')}`;
    // `/**/` at the start of an absolute pattern: probe inside the worktree.
    if (spec.startsWith('/**/')) spec = `${wt}/${spec.slice(4)}`;
    const toolName = parts.tool === 'Edit' ? 'Write' : 'Read';
    return ['x', 'example', 'build/x'].map((s) => ({
      toolName,
      toolInput: { file_path: spec.replace(/\*\*/g, 'sub').replace(/\*/g, s), content: '' },
      cwd: wt,
    }));
  }
  return [];
}

/** Why the policy disagrees with a rule, or undefined when it denies every probe. */
function disagreement(rule: string, ctx: PolicyContext): string | undefined {
  const probes = probesFor(rule, ctx);
  if (probes.length === 0) return 'cannot be checked against the policy';
  for (const probe of probes) {
    if (evaluate(probe, ctx).decision === 'allow') {
      const what = probe.toolName === 'Bash' ? String(probe.toolInput.command) : `${probe.toolName} ${String(probe.toolInput.file_path)}`;
      return `the policy allows \`${what}\``;
    }
  }
  return undefined;
}

/**
 * Builds the `--settings` content for one agent from its policy context.
 *
 * In: the agent's PolicyContext (worktree, protected branches, own branch, deny paths; unattended)
 * and options (rule descriptions, default RULES; repository root). Out: `{ permissions: { deny } }`,
 * de-duplicated, in a stable order (baseline, RULES' settingsPatterns, protected branches, paths),
 * holding only rules the policy agrees with (every probe denied). Pure; never throws.
 */
export function buildAgentSettings(ctx: PolicyContext, options: BuildAgentSettingsOptions = {}): AgentSettings {
  const unattended: PolicyContext = { ...ctx, interactive: false };
  const candidates: string[] = [];
  for (const prefix of BASH_PREFIXES) candidates.push(`Bash(${prefix}:*)`);
  candidates.push(...BASH_RULES);
  for (const rule of options.rules ?? RULES) candidates.push(...(rule.settingsPatterns ?? []));
  for (const branch of ctx.protectedBranches) {
    if (branch === ctx.ownBranch) continue;
    candidates.push(...protectedBranchPushRules(branch));
  }
  candidates.push(...FILE_RULES);
  candidates.push(`Edit(${absolutePattern(ctx.worktreeRoot)}/.git)`);
  if (options.repoRoot) candidates.push(`Edit(${absolutePattern(options.repoRoot)}/.git/**)`);
  for (const path of ctx.denyPaths) {
    if (!path.startsWith('/')) continue;
    candidates.push(`Edit(${absolutePattern(path)}/**)`);
  }

  const deny: string[] = [];
  const seen = new Set<string>();
  for (const rule of candidates) {
    if (seen.has(rule)) continue;
    seen.add(rule);
    const why = disagreement(rule, unattended);
    if (why) {
      options.onDropped?.(rule, why);
      continue;
    }
    deny.push(rule);
  }
  return { permissions: { deny } };
}
