/**
 * `overnight status [--session ID] [--format json] [--watch]`: progress of the night per item, or
 * after the night the morning report's summary. Read-only.
 */
import type { Command } from 'commander';
import { parseFormat, printEnvelope, runAction, type OutputFormat } from '../output.js';
import { findRepoRoot } from '../../util/repo.js';
import type { StatusView } from '../../report/status.js';

async function show(view: StatusView | undefined, format: OutputFormat, clear: boolean): Promise<void> {
  const { NO_SESSION_MESSAGE } = await import('../../report/session-data.js');
  const { renderStatus } = await import('../../report/status.js');
  if (format === 'json') {
    printEnvelope('status', view ? { session: view } : { session: null, message: NO_SESSION_MESSAGE });
    return;
  }
  if (clear && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
  process.stdout.write(view ? renderStatus(view, Date.now()) : `${NO_SESSION_MESSAGE}\n`);
}

/** Registers `overnight status` on the commander program. */
export function register(program: Command): void {
  program
    .command('status')
    .description('Show the night: each item\'s state, attempt, time, turns, cost and latest activity; after the night, the morning report summary.')
    .option('--session <id>', 'session id (default: the latest session)')
    .option('--format <format>', 'text or json', 'text')
    .option('--watch', 'redraw every 2 s until the session ends (Ctrl-C to stop)')
    .action(async (opts: { session?: string; format?: string; watch?: boolean }) => {
      await runAction('status', opts.format === 'json' ? 'json' : 'text', async () => {
        const format = parseFormat(opts.format);
        const repoRoot = await findRepoRoot();
        const { loadStatus } = await import('../../report/load-status.js');
        let view = await loadStatus(repoRoot, opts.session);
        await show(view, format, Boolean(opts.watch));
        if (!opts.watch) return;
        while (view?.active) {
          await new Promise((r) => setTimeout(r, 2000));
          view = await loadStatus(repoRoot, opts.session ?? view.sessionId);
          await show(view, format, true);
        }
      });
    });
}
