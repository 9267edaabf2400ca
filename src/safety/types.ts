/**
 * The contract between Claude Code tool calls, the safety policy and the hooks.
 * The policy is pure: given a ToolCall and a PolicyContext it returns a Decision, with no I/O.
 */

/** A tool call as Claude Code's PreToolUse hook input describes it (`tool_name`, `tool_input`, `cwd`). */
export interface ToolCall {
  /** `Bash`, `Write`, `Edit`, `NotebookEdit`, `AskUserQuestion`, ... */
  toolName: string;
  /** The tool's input object exactly as Claude Code sent it (e.g. `{ command }` for Bash, `{ file_path, content }` for Write). */
  toolInput: Record<string, unknown>;
  /** Absolute working directory of the call (the hook input's `cwd`). */
  cwd: string;
}

/** Everything besides the call that the policy needs. */
export interface PolicyContext {
  /** Absolute path the agent may change: the item's worktree, or the repository root in interactive use. */
  worktreeRoot: string;
  /** Branch globs nobody may push or merge to (`main`, `release/*`). */
  protectedBranches: string[];
  /** The agent's own branch, the only one it may push (without force); undefined in interactive use. */
  ownBranch?: string;
  /** Extra absolute paths writes may go to. */
  allowPaths: string[];
  /**
   * The agent's scratch folder (absolute), outside the worktree: one of `allowPaths` as well (the
   * context builder puts it there); denials of writes outside the worktree name it as the place
   * for scratch files. Undefined in interactive use.
   */
  scratchDir?: string;
  /** Extra absolute paths that may never be written or deleted. */
  denyPaths: string[];
  /** Regular expressions (source text) of simple commands always allowed / always denied. */
  allowCommands: string[];
  denyCommands: string[];
  /** Home directory, for resolving `~`. */
  home: string;
  /**
   * The branch checked out in the worktree when the call is made, if the caller knows it (the hook
   * can read it from `.git/HEAD`). Used for `git push` without a refspec and for merges into
   * protected branches. Optional: when absent, a bare `git push` is denied in unattended sessions
   * (ownBranch set) and allowed in interactive ones.
   */
  currentBranch?: string;
  /**
   * True in an interactive Claude Code session (a human is there): AskUserQuestion is allowed.
   * Default (undefined/false): unattended, AskUserQuestion is denied with guidance.
   */
  interactive?: boolean;
}

/** The policy's answer. `ruleId` is stable (e.g. `git.force-push`), `reason` is written for the agent. */
export type Decision =
  | { decision: 'allow'; ruleId?: string; reason?: string }
  | { decision: 'deny'; ruleId: string; reason: string };
