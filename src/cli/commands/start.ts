/**
 * `overnight start [--session ID] [--detach]`: runs the night of a launched (or scheduled) session.
 * In the foreground it runs until the night ends; `--detach` re-spawns itself as a detached
 * process (own process group, output to the session's runner.log) and prints its pid.
 */
import type { Command } from 'commander';
import { findRepoRoot } from '../../util/repo.js';
import { OvernightError } from '../../util/errors.js';
import { EXIT_STOPPED_PERMANENT, nightExitCode } from '../exit-codes.js';
import { parseFormat, printEnvelope, runAction, type OutputFormat } from '../output.js';

/**
 * Shared by start, resume and retry: foreground run or detached spawn. `opts.items`: retry's item
 * references (passed on to the detached runner). Throws the OvernightError of a refusal.
 */
export async function startOrResume(command: 'start' | 'resume' | 'retry', opts: { session?: string; detach?: boolean; format?: string; items?: string[]; loop?: boolean; approve?: string }): Promise<void> {
  const format: OutputFormat = parseFormat(opts.format);
  const { resolveSessionId } = await import('../../session/find.js');
  const { realNightDeps } = await import('../../runner/deps.js');
  const { assertResumable, assertRetryable, assertStartable, runSession, spawnDetached } = await import('../../runner/process.js');
  const repoRoot = await findRepoRoot();
  const sessionId = resolveSessionId(repoRoot, opts.session);
  if (opts.approve?.length && !opts.loop) {
    throw new OvernightError('cli.approve-without-loop', `--approve on \`overnight ${command}\` names items for loop mode, but --loop is not given.`, {
      field: '--approve',
      fix: command === 'start' ? 'Add --loop, or approve the plan\'s items at launch: `overnight launch --approve <ids>`.' : 'Add --loop: --approve names the items loop mode may run.',
      exitCode: 2,
    });
  }
  if (opts.loop) {
    // Recorded before the runner starts, so a detached runner and a later resume keep it.
    if (command === 'start') assertStartable(repoRoot, sessionId);
    else assertResumable(repoRoot, sessionId);
    const { turnOnLoop } = await import('../../runner/loop-setting.js');
    await turnOnLoop(repoRoot, sessionId, { approve: opts.approve });
  }
  if (opts.detach) {
    // Check in the foreground, so the user sees a refusal at once.
    if (command === 'start') assertStartable(repoRoot, sessionId);
    else if (command === 'retry') assertRetryable(repoRoot, sessionId, opts.items ?? []);
    else assertResumable(repoRoot, sessionId);
    const { pid, log } = await spawnDetached(repoRoot, sessionId, command, { args: command === 'retry' ? (opts.items ?? []) : [] });
    if (format === 'json') {
      printEnvelope(command, { sessionId, detached: true, pid, log });
      return;
    }
    process.stdout.write(
      `The runner ${command === 'start' ? 'started' : command === 'retry' ? 'is retrying failed items of' : 'resumed'} session ${sessionId} in the background (pid ${pid}).\n` +
        `  log:    ${log}\n  follow: overnight status --watch\n  stop:   overnight abandon --session ${sessionId}\n`,
    );
    return;
  }
  // In json mode progress lines go to stderr, so stdout holds only the envelope.
  const deps = await realNightDeps(repoRoot, format === 'json' ? { log: (line) => process.stderr.write(`[${new Date().toISOString()}] ${line}\n`) } : {});
  const summary = await runSession({ repoRoot, sessionId, mode: command, items: opts.items, deps, handleSignals: true });
  // A night stopped early for a cause exits EXIT_STOPPED_PERMANENT (3), so cron and CI see it.
  process.exitCode = nightExitCode(summary);
  if (format === 'json') {
    printEnvelope(command, { sessionId, detached: false, exitCode: process.exitCode, ...summary });
    return;
  }
  process.stdout.write(`Session ${sessionId}: ${summary.phase}${summary.stopReason ? ` (${summary.stopReason})` : ''}. ${Object.entries(summary.counts).map(([k, v]) => `${v} ${k}`).join(', ')}\n`);
  if (process.exitCode === EXIT_STOPPED_PERMANENT) process.stdout.write(`The night stopped early on a permanent failure (exit code ${EXIT_STOPPED_PERMANENT}); the reason above says what to fix. \`overnight status --session ${sessionId}\` shows the same.\n`);
}

/** Registers `overnight start` on the commander program. */
export function register(program: Command): void {
  program
    .command('start')
    .description('Run the night of a launched session (foreground, or --detach to run in the background)')
    .option('--session <id>', 'session id (default: the latest)')
    .option('--detach', 'run in the background (survives closing the terminal); output goes to runner.log')
    .option('--loop', 'loop mode: also run backlog items that become ready and are committed on the base branch during the night')
    .option('--approve <ids>', 'with --loop: items of an approval.ask type (e.g. feature) that loop mode may run (ids or slugs, comma-separated; they may not exist yet)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { session?: string; detach?: boolean; format?: string; loop?: boolean; approve?: string }) => {
      await runAction('start', opts.format === 'json' ? 'json' : 'text', () => startOrResume('start', opts));
    });
}
