/**
 * The `overnight` command line. Each command lives in its own file under ./commands and exports
 * `register(program)`; this file only wires them together.
 *
 * Start-up cost (docs/architecture.md, "Start-up"): `--version` answers before commander loads, and
 * the command files only declare options; each imports its heavy modules (runner, git, plan) inside
 * its action, so esbuild's code splitting leaves them in chunks that load when that command runs.
 */
import { pluginVersion } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${pluginVersion()}\n`);
} else {
  const { Command } = await import('commander');
  const { COMMANDS } = await import('./commands/index.js');
  const program = new Command();
  program
    .name('overnight')
    .description('Plan a night of unattended Claude Code work from a markdown backlog, run it safely, report in the morning.')
    .version(pluginVersion())
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const register of COMMANDS) register(program);
  await program.parseAsync(process.argv);
}
