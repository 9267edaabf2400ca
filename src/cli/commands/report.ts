/**
 * `overnight report [--session ID] [--format json]`: (re)writes the session's morning report
 * (morning-report.md and report.json) from what is on disk and in git, and prints it.
 */
import type { Command } from 'commander';
import { parseFormat, printEnvelope, runAction } from '../output.js';
import { findRepoRoot } from '../../util/repo.js';

/** Registers `overnight report` on the commander program. */
export function register(program: Command): void {
  program
    .command('report')
    .description('Write and print the morning report of the latest (or given) session.')
    .option('--session <id>', 'session id (default: the latest session)')
    .option('--format <format>', 'text (markdown) or json', 'text')
    .action(async (opts: { session?: string; format?: string }) => {
      await runAction('report', opts.format === 'json' ? 'json' : 'text', async () => {
        const format = parseFormat(opts.format);
        const { NO_SESSION_MESSAGE, resolveSessionId } = await import('../../report/session-data.js');
        const { renderReportMarkdown } = await import('../../report/render.js');
        const { writeMorningReport } = await import('../../report/write.js');
        const repoRoot = await findRepoRoot();
        const id = await resolveSessionId(repoRoot, opts.session);
        if (!id) {
          if (format === 'json') printEnvelope('report', { session: null, message: NO_SESSION_MESSAGE });
          else process.stdout.write(`${NO_SESSION_MESSAGE}\n`);
          return;
        }
        const { mdPath, jsonPath, report } = await writeMorningReport(repoRoot, id);
        if (format === 'json') printEnvelope('report', { mdPath, jsonPath, report });
        else process.stdout.write(renderReportMarkdown(report));
      });
    });
}
