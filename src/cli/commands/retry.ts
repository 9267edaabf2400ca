/**
 * `overnight retry [items...] [--session ID] [--detach]`: runs failed (and blocked) items of a
 * session that ran again, as fresh attempts merged into the same integration branch
 * (src/runner/retry.ts); items blocked by them come along. The report and `status` then show each
 * item's attempts across runs.
 */
import type { Command } from 'commander';
import { runAction } from '../output.js';
import { startOrResume } from './start.js';

/** Registers `overnight retry` on the commander program. */
export function register(program: Command): void {
  program
    .command('retry')
    .description('Run failed or blocked items of a finished session again, on the same integration branch')
    .argument('[items...]', 'ids or slugs of the items (default: every failed or blocked item)')
    .option('--session <id>', 'session id (default: the latest)')
    .option('--detach', 'run in the background; output goes to runner.log')
    .option('--format <format>', 'text or json', 'text')
    .action(async (items: string[], opts: { session?: string; detach?: boolean; format?: string }) => {
      await runAction('retry', opts.format === 'json' ? 'json' : 'text', async () => {
        const { splitIds } = await import('../../plan/selection.js');
        await startOrResume('retry', { ...opts, items: splitIds(items) });
      });
    });
}
