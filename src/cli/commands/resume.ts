/**
 * `overnight resume [--session ID] [--detach]`: continues a session whose runner died or was
 * stopped (src/runner/resume.ts): items that were running start over in a clean worktree, merged
 * items are never merged twice, interrupted and deferred items run again.
 */
import type { Command } from 'commander';
import { runAction } from '../output.js';
import { startOrResume } from './start.js';

/** Registers `overnight resume` on the commander program. */
export function register(program: Command): void {
  program
    .command('resume')
    .description('Continue a session after a crash, reboot, stop or the time limit')
    .option('--session <id>', 'session id (default: the latest)')
    .option('--detach', 'run in the background; output goes to runner.log')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { session?: string; detach?: boolean; format?: string }) => {
      await runAction('resume', opts.format === 'json' ? 'json' : 'text', () => startOrResume('resume', opts));
    });
}
