/**
 * PostToolUse / PostToolUseFailure / PermissionDenied hook (hooks/hooks.json): appends the call and
 * its outcome to the session's audit.jsonl. Outside an overnight session it does nothing. It never
 * blocks anything: on any problem it reports on stderr and exits 0.
 */
import { join } from 'node:path';
import { appendAuditLine, outcomeAuditLine } from '../audit-log.js';
import { GATE_DEADLINE_MS, startDeadline } from '../deadline.js';
import { readHookEnv } from '../env.js';
import { parseHookInput } from '../input.js';
import { finish, readStdin } from '../io.js';

const env = readHookEnv();
startDeadline(GATE_DEADLINE_MS, () => finish(''));
readStdin()
  .then((text) => {
    if (env.sessionDir) {
      appendAuditLine(join(env.sessionDir, 'audit.jsonl'), outcomeAuditLine(parseHookInput(text), env.item, new Date()));
    }
  })
  .catch((error: unknown) => {
    process.stderr.write(`overnight audit hook: ${(error as Error).message}\n`);
  })
  .finally(() => finish(''));
