/**
 * The file gate's decision (Write, Edit, MultiEdit, NotebookEdit, and Read/Grep of secrets): the
 * policy's own file rules (src/safety/file-tools.ts, through evaluate), plus two things only the
 * hook can do because they need the file system or the mode:
 *
 * - Symbolic links: the policy judges paths as written. A link inside the worktree that points
 *   outside it (`ln -s /etc conf`, then Write `conf/x`) would pass, so the call is judged a second
 *   time with the path's real location (links resolved in its longest existing prefix).
 * - Interactive use: a person approves each edit, so only the rules that protect the repository
 *   itself apply (`.git`, `safety.deny_paths`, a missing path); editing `.env` or a file outside
 *   the repository is often exactly what the person asked for.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { evaluate } from '../safety/policy.js';
import type { Decision, PolicyContext, ToolCall } from '../safety/types.js';

/** The input field holding each file tool's path (Claude Code tools reference). */
export const PATH_FIELDS: Record<string, string> = {
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
  Read: 'file_path',
  NotebookRead: 'notebook_path',
  Grep: 'path',
};

/** Rules the file gate enforces in interactive use. */
export const INTERACTIVE_FILE_RULES = new Set(['file.git-dir', 'file.deny-path', 'file.bad-input']);

export interface FileDecisionOptions {
  /** Resolves symbolic links of an existing path (fs.realpathSync.native); throws when it does not exist. */
  realpath?: (path: string) => string;
  /** `unattended` (default): every rule. `interactive`: INTERACTIVE_FILE_RULES only. */
  mode?: 'unattended' | 'interactive';
}

/**
 * Resolves symbolic links in the longest existing prefix of `path` (absolute) and re-appends the
 * rest, so a file that does not exist yet is judged by its real parent folder. Without `realpath`,
 * or when nothing resolves, returns `path`.
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

function absolute(raw: string, cwd: string, home: string): string {
  if (raw === '~') return home;
  if (raw.startsWith('~/')) return join(home, raw.slice(2));
  return resolve(cwd, raw);
}

/**
 * Decides one file tool call.
 * In: the call, the policy context and options. Out: the policy's decision for the path as written,
 * or, when that allows and the path's real location differs, the decision for the real location
 * (its reason names both). In interactive mode a deny outside INTERACTIVE_FILE_RULES becomes an
 * allow with ruleId `file.interactive`. Never throws (evaluate is total; realpath errors are caught).
 */
export function decideFileCall(call: ToolCall, ctx: PolicyContext, options: FileDecisionOptions = {}): Decision {
  const interactive = options.mode === 'interactive';
  const relax = (d: Decision): Decision =>
    interactive && d.decision === 'deny' && !INTERACTIVE_FILE_RULES.has(d.ruleId) ? { decision: 'allow', ruleId: 'file.interactive' } : d;

  const first = relax(evaluate(call, ctx));
  if (first.decision === 'deny' || !options.realpath) return first;
  const field = PATH_FIELDS[call.toolName];
  const raw = field ? call.toolInput[field] : undefined;
  if (typeof raw !== 'string' || raw === '') return first;

  const lexical = absolute(raw, call.cwd, ctx.home);
  const real = realTarget(lexical, options.realpath);
  const realRoot = realTarget(resolve(ctx.worktreeRoot), options.realpath);
  if (real === lexical && realRoot === resolve(ctx.worktreeRoot)) return first;
  const second = relax(
    evaluate({ ...call, toolInput: { ...call.toolInput, [field!]: real } }, { ...ctx, worktreeRoot: realRoot, allowPaths: ctx.allowPaths.map((p) => realTarget(resolve(p), options.realpath)) }),
  );
  if (second.decision === 'deny') {
    return { ...second, reason: `${second.reason} (${lexical} is a symbolic link to ${real})` };
  }
  return first;
}
