/**
 * PreToolUse hook for Write, Edit, MultiEdit and NotebookEdit (hooks/hooks.json): denies writes
 * outside the worktree, inside `.git`, and to secret files (src/hooks/file-policy.ts).
 */
import { realpathSync } from 'node:fs';
import { evaluateFileCall } from '../file-policy.js';
import { runGate } from '../gate.js';

await runGate((input, context) =>
  evaluateFileCall({ toolName: input.tool_name, toolInput: input.tool_input, cwd: input.cwd }, context.ctx, {
    realpath: realpathSync.native,
    mode: context.mode === 'session' ? 'unattended' : 'interactive',
  }),
);
