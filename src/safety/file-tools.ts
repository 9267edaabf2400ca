/**
 * The policy for Claude Code's file tools: Write, Edit, MultiEdit and NotebookEdit may change
 * files inside the worktree (or under `safety.allow_paths`), never inside `.git`, never secret
 * files, never `safety.deny_paths`. Read, Grep and Glob of secret files are denied too.
 * Tool input field names follow the Claude Code tools reference (`file_path`, `notebook_path`, `path`).
 */
import { isSecretPath, isWithin, resolvePath } from './paths.js';
import type { PolicyContext, ToolCall } from './types.js';
import type { Hit } from './rules/types.js';

export const WRITE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
export const READ_TOOLS = new Set(['Read', 'Grep', 'NotebookRead']);

function pathOf(call: ToolCall): string | undefined {
  const i = call.toolInput;
  const p = i.file_path ?? i.notebook_path ?? i.path;
  return typeof p === 'string' && p !== '' ? p : undefined;
}

/** The rule a file-tool call breaks, or undefined. `parsed` receives the resolved path for explain(). */
export function checkFileTool(call: ToolCall, ctx: PolicyContext, parsed?: { path?: string | null }): Hit | undefined {
  const raw = pathOf(call);
  if (READ_TOOLS.has(call.toolName)) {
    if (raw === undefined) return undefined;
    const p = resolvePath(raw, call.cwd, ctx.home) ?? raw;
    if (parsed) parsed.path = p;
    const glob = typeof call.toolInput.glob === 'string' ? call.toolInput.glob : undefined;
    if (isSecretPath(p) || (glob !== undefined && isSecretPath(glob))) return { ruleId: 'file.read-secret', detail: p };
    return undefined;
  }
  if (raw === undefined) return { ruleId: 'file.bad-input', detail: `${call.toolName} without file_path` };
  const p = resolvePath(raw, call.cwd, ctx.home);
  if (parsed) parsed.path = p;
  if (p === null) return { ruleId: 'file.bad-input', detail: raw };
  for (const d of ctx.denyPaths) {
    const dn = resolvePath(d, ctx.worktreeRoot, ctx.home);
    if (dn && isWithin(p, dn)) return { ruleId: 'file.deny-path', detail: p };
  }
  if (p.split('/').some((c) => c.toLowerCase() === '.git')) return { ruleId: 'file.git-dir', detail: p };
  const inside = (isWithin(p, ctx.worktreeRoot) && p !== ctx.worktreeRoot.replace(/\/$/, '')) || ctx.allowPaths.some((a) => isWithin(p, resolvePath(a, ctx.worktreeRoot, ctx.home) ?? a));
  if (!inside) return { ruleId: 'file.outside-worktree', detail: p };
  if (isSecretPath(p)) return { ruleId: 'file.secret', detail: p };
  return undefined;
}
