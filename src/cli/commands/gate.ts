/**
 * `overnight gate <command...>`: what the safety gate decides for a command, which rule decides it,
 * and how the gate parsed it, for people who want to know why (DESIGN.md, "The CLI").
 *
 *   overnight gate git push --force origin main
 *   overnight gate --cwd src --worktree . -- 'rm -rf ../build'
 *   overnight gate --tool Write --path ../outside.txt
 *   overnight gate --rules [--format json]
 *
 * The context is the one an overnight agent gets: the repository's overnight.config.yaml `safety`
 * section (loaded and validated), the worktree (`--worktree`, default the repository root), the
 * agent's own branch (`--branch`). `--interactive` shows what the hook decides in interactive use.
 * Read-only; exit code 0 whatever the decision (the decision is in the output).
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { parseFormat, printEnvelope, runAction } from '../output.js';
import type { GateFlags } from '../gate-report.js';

/** Registers `overnight gate` on the commander program. */
export function register(program: Command): void {
  // `overnight gate git push --force`: options after the first word belong to the command being
  // checked, not to overnight (commander passThroughOptions needs positional options on the parent;
  // overnight has no program-level options besides --version and --help, which still work).
  program.enablePositionalOptions();
  program
    .command('gate')
    .passThroughOptions()
    .description('Explain what the safety gate decides for a command (or file tool call), which rule decides it, and how it was parsed')
    .argument('[command...]', 'the shell command to check (quote it to keep pipes and && together)')
    .option('--cwd <dir>', 'working directory of the call (default: the current directory)')
    .option('--worktree <dir>', "the agent's worktree, its boundary (default: the repository root)")
    .option('--branch <name>', "the agent's own branch (the only one it may push)")
    .option('--scratch <dir>', "the agent's scratch folder (writable, outside the worktree; OVERNIGHT_SCRATCH in a session)")
    .option('--tool <name>', 'Bash (default), Write, Edit, MultiEdit, NotebookEdit, Read, Grep, AskUserQuestion')
    .option('--path <file>', 'the file path, with --tool')
    .option('--interactive', 'decide as the hooks do in interactive Claude Code (a person is there)')
    .option('--rules', 'list every rule: id, domain, description')
    .option('--format <format>', 'text or json', 'text')
    .action(async (words: string[], flags: GateFlags) => {
      const format = parseFormat(flags.format);
      await runAction('gate', format, async () => {
        const { RULES, callFromFlags, explainCall, gateContext, renderGateReport, renderRules } = await import('../gate-report.js');
        if (flags.rules) {
          if (format === 'json') printEnvelope('gate', { rules: RULES });
          else process.stdout.write(renderRules(RULES));
          return;
        }
        const cwd = resolve(flags.cwd ?? process.cwd());
        const call = callFromFlags(words, flags, cwd);
        const report = explainCall(call, await gateContext(flags, cwd));
        if (format === 'json') printEnvelope('gate', report);
        else process.stdout.write(renderGateReport(report));
      });
    });
}
