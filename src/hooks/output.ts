/**
 * What a PreToolUse hook prints. Per the Claude Code hooks reference ("PreToolUse decision
 * control"): print `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",
 * "permissionDecisionReason":"..."}}` on stdout and exit 0; the reason is shown to the model as the
 * tool's result. An allow prints nothing, so Claude Code's own permission rules (the `--settings`
 * deny list, `--allowedTools`) still apply: a hook `"allow"` would skip them.
 */

/** The stdout text of a PreToolUse deny (one JSON line). */
export function preToolUseDeny(reason: string): string {
  return `${JSON.stringify({
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason },
  })}\n`;
}

/** Rule ids the hook itself uses when it fails closed (not policy rules). */
export const HOOK_RULES = {
  /** The hook input could not be read or parsed. */
  badInput: 'hook.bad-input',
  /** The hook hit its internal deadline. */
  deadline: 'hook.deadline',
  /** Any other exception inside the hook. */
  internal: 'hook.internal-error',
  /** Inside a session, the session's policy.json or worktree could not be loaded. */
  context: 'hook.no-context',
} as const;

/** The reason text for a fail-closed deny, written for the agent. */
export function failClosedReason(ruleId: string, detail: string): string {
  return (
    `overnight safety gate (${ruleId}): the call was denied because the gate could not decide safely (${detail}). ` +
    'This is a fail-closed denial, not a judgement of your command: retry once with a simpler, single command; ' +
    'if it is denied again, do the work another way.'
  );
}
