/**
 * `overnight doctor [--format text|json]`: checks that this machine and repository are ready for a
 * night (Node.js, git, the claude binary and its version, gh, the built hook binaries, the config
 * and the backlog). Each check is ok, warn or fail with a fix; the exit code is 1 when any check fails.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import type { CheckResult } from '../../doctor/checks.js';
import { parseFormat, printEnvelope, runAction } from '../output.js';

const MARK: Record<CheckResult['status'], (s: string) => string> = { ok: pc.green, warn: pc.yellow, fail: pc.red };

/** The checks as text: one line each (`ok    git      git 2.43.0`), then the fix on the next line. */
export function renderChecks(checks: readonly CheckResult[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${MARK[check.status](check.status.padEnd(4))}  ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.fix && check.status !== 'ok') lines.push(`${' '.repeat(width + 8)}Fix: ${check.fix}`);
  }
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  lines.push('', failed > 0 ? `${failed} check(s) failed, ${warned} warning(s).` : `All checks passed${warned > 0 ? ` (${warned} warning(s))` : ''}.`);
  return `${lines.join('\n')}\n`;
}

/** Registers `overnight doctor` on the commander program. */
export function register(program: Command): void {
  program
    .command('doctor')
    .description('Check the claude binary and version, git, gh, the built hooks, and the config and backlog of this repository.')
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: { format?: string }) => {
      await runAction('doctor', flags.format === 'json' ? 'json' : 'text', async () => {
        const format = parseFormat(flags.format);
        const { runDoctor } = await import('../../doctor/checks.js');
        const checks = await runDoctor(process.cwd());
        const ok = checks.every((c) => c.status !== 'fail');
        if (format === 'json') printEnvelope('doctor', { ok, checks });
        else process.stdout.write(renderChecks(checks));
        if (!ok) process.exitCode = 1;
      });
    });
}
