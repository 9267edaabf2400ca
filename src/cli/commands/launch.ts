/**
 * `overnight launch [--time-limit 6h] [--only IDS] [--exclude IDS] [--concurrency N] [--format json]`:
 * turns the approved plan into a session on disk (src/session/launch.ts). Does not start the runner.
 */
import type { Command } from 'commander';
import { findRepoRoot } from '../../util/repo.js';
import { parseFormat, printEnvelope, runAction } from '../output.js';
import { parseConcurrencyOption } from './prepare.js';

/** Registers `overnight launch` on the commander program. */
export function register(program: Command): void {
  program
    .command('launch')
    .description('Create a session from the approved plan: session folder, integration branch, gates (the runner starts with `overnight start`)')
    .option('--time-limit <limit>', 'session time limit, e.g. 6h, 1.5h or 90m (default: config time_limit)')
    .option('--only <ids>', 'only these items (ids or slugs, comma-separated)')
    .option('--exclude <ids>', 'leave these items out (ids or slugs, comma-separated)')
    .option('--concurrency <n>', 'agents at once (default: config concurrency)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { timeLimit?: string; only?: string; exclude?: string; concurrency?: string; format?: string }) => {
      let format: 'text' | 'json' = 'text';
      await runAction('launch', opts.format === 'json' ? 'json' : 'text', async () => {
        format = parseFormat(opts.format);
        const { itemRef } = await import('../../backlog/filename.js');
        const { splitIds } = await import('../../plan/selection.js');
        const { launchSession } = await import('../../session/launch.js');
        const { formatDuration } = await import('../../util/duration.js');
        const repoRoot = await findRepoRoot();
        const result = await launchSession(repoRoot, {
          timeLimit: opts.timeLimit,
          only: splitIds(opts.only),
          exclude: splitIds(opts.exclude),
          concurrency: await parseConcurrencyOption(opts.concurrency),
        });
        if (format === 'json') {
          printEnvelope('launch', result);
          return;
        }
        const lines = [
          `Session ${result.sessionId} launched: ${result.items.length} item(s), time limit ${formatDuration(result.plan.timeLimitMs)}, ${result.plan.concurrency} at once.`,
          `  folder:             ${result.sessionDir}`,
          `  integration branch: ${result.integrationBranch} (from ${result.baseBranch} ${result.baseCommit.slice(0, 10)})`,
          ...result.items.map((i) => `  - ${itemRef(i)}: ${i.title} (round ${i.round})`),
          '',
          `Start it now:      overnight start --session ${result.sessionId} --detach`,
          `or schedule it:    overnight schedule 23:00 --session ${result.sessionId}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}
