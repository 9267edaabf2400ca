/**
 * PreToolUse hook for Bash (hooks/hooks.json): parses the command and applies the safety policy
 * (src/safety/policy.ts). Inside an overnight session the item's worktree is the boundary; in
 * interactive use, the repository root (unless `safety.interactive: false`).
 */
import { evaluate } from '../../safety/policy.js';
import { runGate } from '../gate.js';

void runGate((input, context) => evaluate({ toolName: 'Bash', toolInput: input.tool_input, cwd: input.cwd }, context.ctx));

/** Compiles the policy's common paths before the loader writes the code cache. */
export { warmUpPolicy as warmUp } from '../warm-up.js';
