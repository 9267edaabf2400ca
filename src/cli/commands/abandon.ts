/**
 * `overnight abandon [--session ID]`: ends a session for good: stops a live runner (SIGTERM) and
 * every process an earlier runner left, removes the session's worktrees, keeps every branch,
 * releases the lock, then writes the report, opens (or prints) the pull request for what shipped
 * and sends the notifications.
 */
import type { Command } from 'commander';
import { findRepoRoot } from '../../util/repo.js';
import { runAction } from '../output.js';

/** Registers `overnight abandon` on the commander program. */
export function register(program: Command): void {
  program
    .command('abandon')
    .description('End a session: stop its runner, remove its worktrees, keep its branches')
    .option('--session <id>', 'session id (default: the latest)')
    .action(async (opts: { session?: string }) => {
      await runAction('abandon', 'text', async () => {
        const { resolveSessionId } = await import('../../session/find.js');
        const { abandonSession } = await import('../../runner/abandon.js');
        const { stoppedNightStep } = await import('../../runner/deps.js');
        const repoRoot = await findRepoRoot();
        const sessionId = resolveSessionId(repoRoot, opts.session);
        const r = await abandonSession(repoRoot, sessionId, { finish: stoppedNightStep });
        const lines = [
          r.alreadyAbandoned ? `Session ${sessionId} was already abandoned; cleaned up again.` : `Session ${sessionId} abandoned.`,
          ...(r.stoppedPid ? [`  stopped the runner (pid ${r.stoppedPid})${r.killed ? ' with SIGKILL after it ignored SIGTERM' : ''}`] : []),
          ...(r.orphansStopped?.length ? [`  stopped ${r.orphansStopped.length} process(es) an earlier runner left running (pids ${r.orphansStopped.join(', ')})`] : []),
          ...(r.removedWakeUp ? [`  removed its wake-up: ${r.removedWakeUp.replace(/,.*$/s, '')}`] : []),
          `  removed ${r.removedWorktrees.length} worktree(s)`,
          `  kept ${r.branches.length} branch(es): ${r.branches.join(', ') || '(none)'}`,
          `  backup refs: git for-each-ref refs/overnight-backup/${sessionId}/`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}
