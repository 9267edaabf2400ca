/**
 * `overnight resume [--session ID] [--detach] [--loop [--approve IDS]]`: continues a session whose
 * runner died or was stopped (src/runner/resume.ts): items that were running start over in a clean
 * worktree, merged items are never merged twice, interrupted and deferred items run again. A
 * night started in loop mode stays in it; `--loop` turns loop mode on for the rest of the night.
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
    .option('--loop', 'loop mode for the rest of the night: also run backlog items that become ready and are committed on the base branch')
    .option('--approve <ids>', 'with --loop: items of an approval.ask type (e.g. feature) that loop mode may run (ids or slugs, comma-separated; they may not exist yet)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { session?: string; detach?: boolean; format?: string; loop?: boolean; approve?: string }) => {
      await runAction('resume', opts.format === 'json' ? 'json' : 'text', () => startOrResume('resume', opts));
    });
}
