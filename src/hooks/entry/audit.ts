/**
 * PostToolUse / PostToolUseFailure / PermissionDenied hook (hooks/hooks.json): appends the call and
 * its outcome to the session's audit.jsonl, and after a successful Write/Edit/MultiEdit runs the
 * advisory syntax check (src/hooks/edit-check.ts), whose finding reaches the agent as additional
 * context. Outside an overnight session it does nothing. It never blocks anything: on any problem
 * it reports on stderr and exits 0.
 */
import { join } from 'node:path';
import { appendAuditLine, outcomeAuditLine } from '../audit-log.js';
import { GATE_DEADLINE_MS, startDeadline } from '../deadline.js';
import { checkEditedFile, postToolUseContext } from '../edit-check.js';
import { readHookEnv } from '../env.js';
import { parseHookInput } from '../input.js';
import { finish, readStdin } from '../io.js';

const EDIT_TOOLS = new Set(['Write', 'Edit', 'MultiEdit']);

const env = readHookEnv();
startDeadline(GATE_DEADLINE_MS, () => finish(''));
readStdin()
  .then(async (text) => {
    if (!env.sessionDir) return '';
    const input = parseHookInput(text);
    appendAuditLine(join(env.sessionDir, 'audit.jsonl'), outcomeAuditLine(input, env.item, new Date()));
    const path = input.tool_input.file_path;
    if (input.hook_event_name !== 'PostToolUse' || !EDIT_TOOLS.has(input.tool_name) || typeof path !== 'string') return '';
    const problem = await checkEditedFile(path);
    return problem ? postToolUseContext(problem) : '';
  })
  .catch((error: unknown) => {
    process.stderr.write(`overnight audit hook: ${(error as Error).message}\n`);
    return '';
  })
  .then((out) => finish(out));
