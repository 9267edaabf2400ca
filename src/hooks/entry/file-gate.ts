/**
 * PreToolUse hook for the file tools (hooks/hooks.json): denies writes outside the worktree,
 * inside `.git`, to secret files and to `safety.deny_paths`, and reads of secret files
 * (src/safety/file-tools.ts through evaluate, plus symbolic links: src/hooks/file-policy.ts).
 */
import { realpathSync } from 'node:fs';
import { decideFileCall } from '../file-policy.js';
import { runGate } from '../gate.js';
import { warmUpPolicy } from '../warm-up.js';

void runGate((input, context) =>
  decideFileCall({ toolName: input.tool_name, toolInput: input.tool_input, cwd: input.cwd }, context.ctx, {
    realpath: realpathSync.native,
    mode: context.mode === 'session' ? 'unattended' : 'interactive',
  }),
);

/** Compiles the file rules before the loader writes the code cache. */
export const warmUp = (): void => warmUpPolicy(['Write', 'Edit', 'Read', 'Grep']);
