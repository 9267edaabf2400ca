/**
 * Where a hook gets its PolicyContext from.
 *
 * Inside an overnight session (OVERNIGHT_SESSION_DIR set): from the session's `policy.json`
 * (`sessionFiles(repoRoot, id).policy`, written by the runner at launch with `policyFileFromConfig`)
 * plus the agent's own environment: OVERNIGHT_WORKTREE is the boundary, OVERNIGHT_BRANCH the only
 * branch it may push. Anything missing or malformed there is an error: the gates deny (fail closed).
 *
 * Outside a session (interactive Claude Code): the repository root is the boundary, found by
 * walking up from CLAUDE_PROJECT_DIR (or the call's cwd) to the nearest `.git` entry (a folder in a
 * main checkout, a file in a linked worktree); the `safety` section of overnight.config.yaml there
 * is read with the small reader in config-lite.ts. `safety.interactive: false` turns the gates off.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { PolicyContext } from '../safety/types.js';
import type { OvernightConfig } from '../config/schema.js';
import { readSafetyLite, type SafetyLite } from './config-lite.js';
import type { HookEnv } from './env.js';
import { readGitDirFile } from '../util/git-dir.js';

/**
 * The session's `policy.json`: the session-wide part of every agent's PolicyContext (the per-agent
 * `worktreeRoot` and `ownBranch` come from the environment, `home` from the OS).
 * All paths absolute. Example:
 * `{"version":1,"repoRoot":"/r","protectedBranches":["main"],"allowPaths":[],"denyPaths":["/r/secrets"],
 *   "allowCommands":[],"denyCommands":["^terraform\\b"]}`
 */
export interface SessionPolicyFile {
  version: 1;
  /** The main checkout of the repository. */
  repoRoot: string;
  protectedBranches: string[];
  allowPaths: string[];
  denyPaths: string[];
  allowCommands: string[];
  denyCommands: string[];
}

/**
 * The branch checked out in a work tree, read from its HEAD without running git: `<root>/.git` is a
 * folder (main checkout) or a file `gitdir: <path>` (linked worktree, gitrepository-layout(5));
 * HEAD holds `ref: refs/heads/<branch>`. Undefined on a detached HEAD or any read problem.
 */
export function readCurrentBranch(root: string): string | undefined {
  try {
    const dotGit = join(root, '.git');
    const st = statSync(dotGit, { throwIfNoEntry: false });
    if (!st) return undefined;
    let gitDir = dotGit;
    if (st.isFile()) {
      const named = readGitDirFile(root);
      if (!named) return undefined;
      gitDir = named;
    }
    const head = /^ref:\s*refs\/heads\/(.+)$/m.exec(readFileSync(join(gitDir, 'HEAD'), 'utf8'));
    return head ? head[1]!.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** The default protected branches, as in src/config/schema.ts (kept in sync by a unit test). */
export const DEFAULT_PROTECTED_BRANCHES = ['main', 'master', 'develop', 'production', 'release/*'];

/** Thrown when a session's policy context cannot be loaded; the gates deny on it. */
export class PolicyContextError extends Error {
  override name = 'PolicyContextError';
}

function resolveAll(paths: string[], root: string): string[] {
  return paths.map((p) => (isAbsolute(p) ? resolve(p) : resolve(root, p)));
}

/**
 * Builds the session's policy.json content from the validated config's `safety` section.
 * In: `config.safety` and the repository root (absolute). Out: a SessionPolicyFile with relative
 * allow/deny paths resolved against the repository root. Pure.
 */
export function policyFileFromConfig(safety: OvernightConfig['safety'], repoRoot: string): SessionPolicyFile {
  return {
    version: 1,
    repoRoot,
    protectedBranches: [...safety.protected_branches],
    allowPaths: resolveAll(safety.allow_paths, repoRoot),
    denyPaths: resolveAll(safety.deny_paths, repoRoot),
    allowCommands: [...safety.allow_commands],
    denyCommands: [...safety.deny_commands],
  };
}

function stringArray(value: unknown, field: string, file: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new PolicyContextError(`${file}: field '${field}' must be an array of strings`);
  }
  return value as string[];
}

/**
 * Parses and checks policy.json text. Throws PolicyContextError naming the file and field when it
 * is not JSON, not version 1, or a field has the wrong type; regular expressions in allow/deny
 * commands must compile.
 */
export function parsePolicyFile(text: string, file: string): SessionPolicyFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PolicyContextError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyContextError(`${file}: not a JSON object`);
  }
  const v = value as Record<string, unknown>;
  if (v.version !== 1) throw new PolicyContextError(`${file}: field 'version' must be 1`);
  if (typeof v.repoRoot !== 'string' || !isAbsolute(v.repoRoot)) {
    throw new PolicyContextError(`${file}: field 'repoRoot' must be an absolute path`);
  }
  const policy: SessionPolicyFile = {
    version: 1,
    repoRoot: v.repoRoot,
    protectedBranches: stringArray(v.protectedBranches, 'protectedBranches', file),
    allowPaths: stringArray(v.allowPaths, 'allowPaths', file),
    denyPaths: stringArray(v.denyPaths, 'denyPaths', file),
    allowCommands: stringArray(v.allowCommands, 'allowCommands', file),
    denyCommands: stringArray(v.denyCommands, 'denyCommands', file),
  };
  for (const field of ['allowCommands', 'denyCommands'] as const) {
    for (const source of policy[field]) {
      try {
        new RegExp(source);
      } catch {
        throw new PolicyContextError(`${file}: field '${field}' holds an invalid regular expression: ${source}`);
      }
    }
  }
  return policy;
}

/** What a hook knows about where it runs. */
export type HookContext =
  | {
      mode: 'session';
      ctx: PolicyContext;
      sessionDir: string;
      /** The session's audit.jsonl and deferred/ folder. */
      auditFile: string;
      deferredDir: string;
      item?: string;
    }
  | { mode: 'interactive'; ctx: PolicyContext; repoRoot: string; configNote?: string }
  /** Interactive use with `safety.interactive: false`. */
  | { mode: 'off'; repoRoot: string };

/**
 * The nearest folder at or above `start` holding a `.git` entry (folder or file), or undefined.
 * Uses only stat calls (no git process), so it costs microseconds.
 */
export function findGitBoundary(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Loads the hook's context for a call whose cwd is `cwd`.
 * Session mode throws PolicyContextError when OVERNIGHT_WORKTREE is not an absolute folder or
 * policy.json is missing or malformed. Interactive mode never throws: an unreadable config falls
 * back to the defaults (gate on) and says so in `configNote`.
 */
export function loadHookContext(env: HookEnv, cwd: string): HookContext {
  if (env.sessionDir) {
    const sessionDir = resolve(env.sessionDir);
    const file = join(sessionDir, 'policy.json');
    if (!env.worktree || !isAbsolute(env.worktree)) {
      throw new PolicyContextError('OVERNIGHT_WORKTREE is not set to an absolute path inside an overnight session');
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PolicyContextError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const policy = parsePolicyFile(text, file);
    return {
      mode: 'session',
      sessionDir,
      auditFile: join(sessionDir, 'audit.jsonl'),
      deferredDir: join(sessionDir, 'deferred'),
      item: env.item,
      ctx: policyContext(policy, {
        worktreeRoot: resolve(env.worktree),
        ownBranch: env.ownBranch,
        home: env.home,
        interactive: false,
        scratchDir: env.scratch && isAbsolute(env.scratch) ? resolve(env.scratch) : undefined,
      }),
    };
  }

  const start = env.projectDir && isAbsolute(env.projectDir) ? env.projectDir : cwd;
  const repoRoot = findGitBoundary(start) ?? resolve(start);
  let configNote: string | undefined;
  let safety: SafetyLite = {};
  const configFile = join(repoRoot, 'overnight.config.yaml');
  let configText: string | undefined;
  try {
    if (statSync(configFile, { throwIfNoEntry: false })?.isFile()) configText = readFileSync(configFile, 'utf8');
  } catch (error) {
    configNote = `cannot read ${configFile}: ${(error as Error).message}; using the default safety policy`;
  }
  if (configText !== undefined) {
    const read = readSafetyLite(configText);
    if (read.ok) safety = read.safety;
    else configNote = `${configFile}: ${read.reason}; using the default safety policy`;
  }
  const s = safety;
  if (s.interactive === false) return { mode: 'off', repoRoot };
  return {
    mode: 'interactive',
    repoRoot,
    configNote,
    ctx: policyContext(
      {
        protectedBranches: s.protected_branches ?? DEFAULT_PROTECTED_BRANCHES,
        allowPaths: resolveAll(s.allow_paths ?? [], repoRoot),
        denyPaths: resolveAll(s.deny_paths ?? [], repoRoot),
        allowCommands: s.allow_commands ?? [],
        denyCommands: s.deny_commands ?? [],
      },
      { worktreeRoot: repoRoot, home: env.home, interactive: true },
    ),
  };
}

/** The rules of a policy (policy.json, or the config's `safety` section) that a PolicyContext carries. */
export type PolicyRules = Pick<SessionPolicyFile, 'protectedBranches' | 'allowPaths' | 'denyPaths' | 'allowCommands' | 'denyCommands'>;

/**
 * The one place a PolicyContext is assembled, for the hooks (session and interactive mode) and
 * `overnight gate`: the policy's rules (paths already absolute), plus where the agent works.
 * In: `rules`; `where.worktreeRoot` (absolute boundary), `ownBranch` (the item branch, or undefined
 * in interactive use), `home`, `interactive`, `scratchDir` (the agent's absolute scratch folder,
 * OVERNIGHT_SCRATCH, added to the allowed paths). Out: a PolicyContext whose `currentBranch` is
 * read from the worktree's HEAD and whose allow-regexes that do not compile are dropped (an
 * invalid allow must never widen anything). Reads one small file (HEAD); never throws.
 */
export function policyContext(
  rules: PolicyRules,
  where: { worktreeRoot: string; ownBranch?: string; home: string; interactive: boolean; scratchDir?: string },
): PolicyContext {
  return {
    worktreeRoot: where.worktreeRoot,
    protectedBranches: rules.protectedBranches,
    ownBranch: where.ownBranch,
    allowPaths: where.scratchDir ? [...rules.allowPaths, where.scratchDir] : rules.allowPaths,
    scratchDir: where.scratchDir,
    denyPaths: rules.denyPaths,
    allowCommands: validRegexes(rules.allowCommands),
    denyCommands: rules.denyCommands,
    home: where.home,
    currentBranch: readCurrentBranch(where.worktreeRoot),
    interactive: where.interactive,
  };
}

/** Drops allow-regexes that do not compile (an invalid allow must never widen anything). */
function validRegexes(sources: string[]): string[] {
  return sources.filter((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  });
}
