/**
 * `overnight add <title> [--type T] [--priority P] [--blocked-by IDS] [--format text|json]`:
 * creates the next backlog item file (status: draft) and prints its path.
 */
import type { Command } from 'commander';
import { findRepoRoot } from '../../util/repo.js';
import { parseFormat, printEnvelope, runAction } from '../output.js';

/** Registers `overnight add` on the commander program. */
export function register(program: Command): void {
  program
    .command('add')
    .description('Create the next backlog item (NNN-slug.md, status: draft) with Goal and Acceptance criteria sections to fill in.')
    .argument('<title...>', 'what the item does, one line (quotes optional: the words are joined)')
    .option('--type <type>', 'feature | bug | test | docs | refactor | chore | epic (default: feature)')
    .option('--priority <priority>', 'critical | high | medium | low (default: medium)')
    .option('--blocked-by <ids>', 'items that must be done first: comma-separated ids or slugs')
    .option('--format <format>', 'text or json', 'text')
    .action(async (words: string[], flags: { type?: string; priority?: string; blockedBy?: string; format?: string }) => {
      await runAction('add', flags.format === 'json' ? 'json' : 'text', async () => {
        const format = parseFormat(flags.format);
        const { createBacklogItem } = await import('../../backlog/create.js');
        const { loadConfig } = await import('../../config/load.js');
        const { splitIds } = await import('../../plan/selection.js');
        const repoRoot = await findRepoRoot();
        const config = await loadConfig(repoRoot);
        const created = await createBacklogItem(repoRoot, config, {
          title: words.join(' '),
          type: flags.type,
          priority: flags.priority,
          blockedBy: splitIds(flags.blockedBy),
        });
        if (format === 'json') {
          const { text: _text, ...data } = created;
          printEnvelope('add', data);
        } else {
          process.stdout.write(`${created.file}\n`);
          process.stderr.write(`Created ${created.file} (status: draft). Fill in its Goal and Acceptance criteria, then set status: ready.\n`);
        }
      });
    });
}
