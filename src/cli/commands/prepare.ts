/**
 * `overnight prepare [--time-limit 6h] [--only IDS] [--exclude IDS] [--concurrency N] [--format text|json]`:
 * shows tonight's session plan. Read-only: it writes nothing (DESIGN.md, "The CLI").
 * Text mode prints the plan's markdown; json mode prints one envelope `{ ok, command: 'prepare', data }`
 * where data is the SessionPlan (markdown included) plus `repoRoot`.
 */
import type { Command } from 'commander';
import { OvernightError } from '../../util/errors.js';
import { findRepoRoot } from '../../util/repo.js';
import { parseFormat, printEnvelope, runAction } from '../output.js';

interface PrepareFlags {
  timeLimit?: string;
  only?: string;
  exclude?: string;
  concurrency?: string;
  format?: string;
}

/**
 * Parses a --concurrency value; resolves to the number, or undefined when the flag is absent.
 * Rejects with `cli.concurrency` (exit code 2) for anything but 1-16.
 */
export async function parseConcurrencyOption(value: string | undefined): Promise<number | undefined> {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new OvernightError('cli.concurrency', `invalid concurrency '${value}'`, { field: '--concurrency', fix: 'Use a whole number from 1 to 16.', exitCode: 2 });
  }
  const { checkConcurrency } = await import('../../plan/prepare.js');
  return checkConcurrency(Number(value));
}

/** Registers `overnight prepare` on the commander program. */
export function register(program: Command): void {
  program
    .command('prepare')
    .description("Show tonight's session plan: which backlog items run, in which rounds, and why the others do not (read-only).")
    .option('--time-limit <duration>', "time limit for the night, e.g. 6h, 1.5h or 90m (default: config time_limit)")
    .option('--only <ids>', 'run only these items: comma-separated ids or slugs')
    .option('--exclude <ids>', 'leave these items out: comma-separated ids or slugs')
    .option('--concurrency <n>', 'agents at once, 1-16 (default: config concurrency)')
    .option('--format <format>', 'text (the plan as markdown) or json (one envelope)', 'text')
    .action(async (flags: PrepareFlags) => {
      await runAction('prepare', flags.format === 'json' ? 'json' : 'text', async () => {
        const format = parseFormat(flags.format);
        const concurrency = await parseConcurrencyOption(flags.concurrency);
        const { preparePlan } = await import('../../plan/prepare.js');
        const { splitIds } = await import('../../plan/selection.js');
        const repoRoot = await findRepoRoot();
        const { plan } = await preparePlan(repoRoot, {
          timeLimit: flags.timeLimit,
          only: splitIds(flags.only),
          exclude: splitIds(flags.exclude),
          concurrency,
        });
        if (format === 'json') printEnvelope('prepare', { ...plan, repoRoot });
        else process.stdout.write(plan.markdown);
      });
    });
}
