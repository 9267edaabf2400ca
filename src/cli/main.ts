/**
 * The `overnight` command line. Each command lives in its own file under ./commands and exports
 * `register(program)`; this file only wires them together.
 */
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';

const program = new Command();
program
  .name('overnight')
  .description('Plan a night of unattended Claude Code work from a markdown backlog, run it safely, report in the morning.')
  .version(process.env.OVERNIGHT_VERSION ?? '0.1.0')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

for (const register of COMMANDS) register(program);

await program.parseAsync(process.argv);
