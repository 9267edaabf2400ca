/**
 * `overnight demo [--real] [--dir PATH] [--format json]`: a whole night on a generated sample
 * repository (src/demo/run.ts). Without `--real` the model is the scripted stand-in; everything
 * else (Claude Code CLI, hooks, git, checks) is real.
 */
import type { Command } from 'commander';
import { parseFormat, printEnvelope, runAction } from '../output.js';

/** Registers `overnight demo` on the commander program. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('Run a whole night on a generated sample repository (the scripted stand-in model unless --real).')
    .option('--real', 'use the real model with your credentials (costs money)')
    .option('--dir <path>', 'create the sample repository here instead of a temporary folder (must be empty or absent)')
    .option('--format <format>', 'text or json (json: progress on stderr, one envelope on stdout)', 'text')
    .action(async (opts: { real?: boolean; dir?: string; format?: string }) => {
      await runAction('demo', opts.format === 'json' ? 'json' : 'text', async () => {
        const format = parseFormat(opts.format);
        const print = (line: string) => (format === 'json' ? process.stderr : process.stdout).write(`${line}\n`);
        const { runDemo } = await import('../../demo/run.js');
        const r = await runDemo({ real: Boolean(opts.real), dir: opts.dir, print });
        if (format === 'json') {
          printEnvelope('demo', {
            repoRoot: r.repoRoot,
            sessionId: r.sessionId,
            integrationBranch: r.integrationBranch,
            reportMd: r.reportMd,
            durationMs: r.durationMs,
            usedStandin: r.usedStandin,
            summary: r.report.summary,
          });
        }
      });
    });
}
