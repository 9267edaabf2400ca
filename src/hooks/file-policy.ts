/**
 * The policy of the file tools (Write, Edit, MultiEdit, NotebookEdit): where an agent may write.
 * DESIGN.md, "Safety gates": deny writes outside the worktree, inside `.git`, and to secret files.
 *
 * Pure apart from the injected `realpath`, which resolves symbolic links so a link inside the
 * worktree that points outside it (`ln -s /etc conf`, then Write `conf/x`) is judged by where the
 * write really lands.
 */
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import type { Decision, PolicyContext, ToolCall } from '../safety/types.js';

/** The file tools this policy judges, and the input field holding their path. */
export const FILE_TOOLS: Record<string, string> = {
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
};

/** Rule ids of the file policy (stable; they appear in audit.jsonl and the morning report). */
export const FILE_RULES = [
  { id: 'file.no-path', description: 'A file tool call without a path is denied.' },
  { id: 'file.git-dir', description: 'No writes inside a .git folder or to a worktree\'s .git file: that is git\'s own state.' },
  { id: 'file.secret', description: 'No writes to secret files (.env, private keys, credentials, ~/.ssh, ~/.aws, ...).' },
  { id: 'file.deny-path', description: 'No writes under a path listed in safety.deny_paths.' },
  { id: 'file.agent-settings', description: "No writes to Claude Code's settings files (.claude/settings*.json): they could change the agent's own permissions." },
  { id: 'file.outside-worktree', description: 'Unattended agents write only inside their worktree (and safety.allow_paths).' },
] as const;

/** Options of evaluateFileCall. */
export interface FilePolicyOptions {
  /**
   * Resolves symbolic links of an existing path (like fs.realpathSync.native); throws when the
   * path does not exist. Default: no link resolution.
   */
  realpath?: (path: string) => string;
  /**
   * `unattended` (an overnight agent): every rule applies. `interactive` (a person at the keyboard
   * approves edits): only `.git`, agent settings and configured deny paths are enforced, since
   * editing `.env` or a file outside the repository is often what the person asked for.
   */
  mode?: 'unattended' | 'interactive';
}

const SECRET_NAMES = new Set([
  '.env',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.git-credentials',
  '.pgpass',
  'credentials',
  'credentials.json',
  'service-account.json',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
]);
const SECRET_EXTENSIONS = ['.pem', '.key', '.p12', '.pfx', '.jks', '.keystore', '.asc', '.gpg'];
/** `.env.example` and friends are templates without secrets, and may be written. */
const ENV_TEMPLATES = /^\.env\.(example|sample|template|dist|defaults)$/;
/** Folders under the home directory that hold credentials. */
const SECRET_HOME_DIRS = ['.ssh', '.aws', '.gnupg', '.config/gh', '.kube', '.docker', '.azure', '.config/gcloud'];

/** True when `path` (absolute) is a secret file by name or place. */
export function isSecretPath(path: string, home: string): boolean {
  const name = basename(path);
  if (SECRET_NAMES.has(name)) return true;
  if (name.startsWith('.env.') && !ENV_TEMPLATES.test(name)) return true;
  if (SECRET_EXTENSIONS.some((ext) => name.endsWith(ext))) return true;
  if (home) return SECRET_HOME_DIRS.some((dir) => isInside(path, join(home, dir)));
  return false;
}

/** True when `path` equals `root` or lies below it (both absolute and normalised). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `~` and `~/x` against home; relative paths against cwd; `.`/`..` folded. */
export function absolutePath(path: string, cwd: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? normalize(path) : resolve(cwd, path);
}

/**
 * Resolves symbolic links in the longest existing prefix of `path` and re-appends the rest, so a
 * file that does not exist yet is judged by its real parent folder.
 */
export function realTarget(path: string, realpath: ((p: string) => string) | undefined): string {
  if (!realpath) return path;
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpath(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(basename(current));
      current = parent;
    }
  }
}

function deny(ruleId: string, reason: string): Decision {
  return { decision: 'deny', ruleId, reason };
}

/**
 * Judges one file tool call.
 * In: the call (`toolName` one of FILE_TOOLS, its path in `toolInput`), the policy context, options.
 * Out: allow (ruleId `file.inside-worktree` or `file.allow-path`) or deny with one of FILE_RULES.
 * A tool not in FILE_TOOLS is allowed with ruleId `file.not-a-file-tool`. Never throws unless
 * `realpath` throws something other than on a missing path (it is caught too).
 */
export function evaluateFileCall(call: ToolCall, ctx: PolicyContext, options: FilePolicyOptions = {}): Decision {
  const field = FILE_TOOLS[call.toolName];
  if (!field) return { decision: 'allow', ruleId: 'file.not-a-file-tool' };
  const raw = call.toolInput[field];
  if (typeof raw !== 'string' || raw.trim() === '') {
    return deny('file.no-path', `${call.toolName} was called without a ${field}.`);
  }
  const mode = options.mode ?? 'unattended';
  const lexical = absolutePath(raw, call.cwd, ctx.home);
  const target = realTarget(lexical, options.realpath);
  const root = realTarget(resolve(ctx.worktreeRoot), options.realpath);
  const shown = target === lexical ? lexical : `${lexical} (really ${target})`;

  for (const candidate of new Set([lexical, target])) {
    const parts = candidate.split(sep);
    if (parts.includes('.git')) {
      return deny('file.git-dir', `${shown} is inside a .git folder; git's own files are changed only through git commands.`);
    }
  }
  if (target === join(root, '.git') || lexical === join(resolve(ctx.worktreeRoot), '.git')) {
    return deny('file.git-dir', `${shown} is the worktree's .git link; git's own files are changed only through git commands.`);
  }
  for (const denied of ctx.denyPaths) {
    const deniedAbs = realTarget(resolve(denied), options.realpath);
    if (isInside(target, deniedAbs) || isInside(lexical, resolve(denied))) {
      return deny('file.deny-path', `${shown} is under ${denied}, which safety.deny_paths in overnight.config.yaml protects.`);
    }
  }
  const name = basename(target);
  if (basename(dirname(target)) === '.claude' && /^settings(\.local)?\.json$/.test(name)) {
    return deny('file.agent-settings', `${shown} is a Claude Code settings file; changing it could change the agent's own permissions.`);
  }
  if (mode === 'interactive') return { decision: 'allow', ruleId: 'file.interactive' };

  if (isSecretPath(target, ctx.home) || isSecretPath(lexical, ctx.home)) {
    return deny(
      'file.secret',
      `${shown} looks like a secret file (credentials or keys). Agents never write secrets; use a placeholder in a template such as .env.example instead.`,
    );
  }
  if (isInside(target, root)) return { decision: 'allow', ruleId: 'file.inside-worktree' };
  for (const allowed of ctx.allowPaths) {
    if (isInside(target, realTarget(resolve(allowed), options.realpath))) return { decision: 'allow', ruleId: 'file.allow-path' };
  }
  return deny(
    'file.outside-worktree',
    `${shown} is outside your worktree ${ctx.worktreeRoot}. Write only inside the worktree; use paths relative to it.`,
  );
}
