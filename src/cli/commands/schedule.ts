/**
 * `overnight schedule <HH:MM | ISO time> [--session ID]`: the session waits until then. The start
 * is handed to the operating system's scheduler (src/wake: a systemd user timer, a launchd agent,
 * at or cron), so it survives a reboot; where none is usable, a detached runner process sleeps
 * until then (the last resort, which `status` names).
 */
import type { Command } from 'commander';
import { OvernightError } from '../../util/errors.js';
import { findRepoRoot } from '../../util/repo.js';
import { runAction } from '../output.js';

/**
 * Parses a start time: `HH:MM` (24 h, local time: today, or tomorrow when that has passed) or an
 * ISO 8601 date-time (must be in the future). Returns a Date. Throws `cli.schedule-time` (exit 2).
 */
export function parseStartTime(text: string, now: Date = new Date()): Date {
  const hm = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (hm) {
    const at = new Date(now);
    at.setHours(Number(hm[1]), Number(hm[2]), 0, 0);
    if (at.getTime() <= now.getTime()) at.setDate(at.getDate() + 1);
    return at;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text.trim())) {
    const at = new Date(text.trim());
    if (!Number.isNaN(at.getTime())) {
      if (at.getTime() <= now.getTime()) {
        throw new OvernightError('cli.schedule-time', `The start time ${text} is in the past.`, { field: '<time>', fix: 'Give a future time, e.g. 23:00 or 2026-11-21T23:00.', exitCode: 2 });
      }
      return at;
    }
  }
  throw new OvernightError('cli.schedule-time', `Cannot read the start time '${text}'.`, { field: '<time>', fix: 'Use HH:MM (24-hour, local time), e.g. 23:00, or an ISO time such as 2026-11-21T23:00.', exitCode: 2 });
}

/** Registers `overnight schedule` on the commander program. */
export function register(program: Command): void {
  program
    .command('schedule')
    .description('Start a launched session at a later time (HH:MM or ISO time), in the background')
    .argument('<time>', 'HH:MM (local, next occurrence) or an ISO date-time')
    .option('--session <id>', 'session id (default: the latest)')
    .option('--loop', 'loop mode: also run backlog items that become ready and are committed on the base branch during the night')
    .option('--approve <ids>', 'with --loop: items of an approval.ask type (e.g. feature) that loop mode may run (ids or slugs, comma-separated)')
    .action(async (time: string, opts: { session?: string; loop?: boolean; approve?: string }) => {
      await runAction('schedule', 'text', async () => {
        const at = parseStartTime(time);
        const { resolveSessionId } = await import('../../session/find.js');
        const { appendEvent, updateState } = await import('../../session/store.js');
        const { assertStartable, spawnDetached } = await import('../../runner/process.js');
        const { scheduleSession, unscheduleSession } = await import('../../runner/transitions.js');
        const { clearSessionWakeUp, installSessionWakeUp, processWakeUp, waitForClaim } = await import('../../wake/session.js');
        const repoRoot = await findRepoRoot();
        const sessionId = resolveSessionId(repoRoot, opts.session);
        assertStartable(repoRoot, sessionId);
        if (opts.approve && !opts.loop) {
          throw new OvernightError('cli.approve-without-loop', '--approve on `overnight schedule` names items for loop mode, but --loop is not given.', { field: '--approve', fix: 'Add --loop, or approve the plan\'s items at launch: `overnight launch --approve <ids>`.', exitCode: 2 });
        }
        if (opts.loop) await (await import('../../runner/loop-setting.js')).turnOnLoop(repoRoot, sessionId, { approve: opts.approve });
        // Scheduling again replaces the earlier wake-up (a timer of the same name would clash).
        await clearSessionWakeUp(repoRoot, sessionId, 'scheduled again');
        const written = await updateState(repoRoot, sessionId, (s) => scheduleSession(s, at.toISOString()));
        appendEvent(repoRoot, sessionId, 'session_scheduled', { scheduledFor: written.scheduledFor });
        const when = `Session ${sessionId} will start at ${at.toLocaleString()} (${at.toISOString()}).\n`;
        const cancel = `  cancel: overnight abandon --session ${sessionId}\n`;
        const os = await installSessionWakeUp(repoRoot, sessionId, at, 'start');
        if (os.ok) {
          process.stdout.write(`${when}  woken by ${os.wakeUp.description}; it survives a reboot, no process waits meanwhile\n${cancel}`);
          return;
        }
        try {
          // Recorded before the runner starts (it claims the record with its pid): once it runs, only it writes the session.
          await updateState(repoRoot, sessionId, (s) => {
            s.wakeUp = processWakeUp(undefined, at, 'start', os.tried);
          });
          const { pid, log } = await spawnDetached(repoRoot, sessionId, 'start');
          await waitForClaim(repoRoot, sessionId, pid);
          process.stdout.write(
            `${when}  a background runner (pid ${pid}) waits for it; closing the terminal does not stop it, but a reboot or logout does\n` +
              `  (no scheduler was usable: ${os.tried.join('; ')})\n  log: ${log}\n${cancel}`,
          );
        } catch (error) {
          await updateState(repoRoot, sessionId, unscheduleSession);
          throw error;
        }
      });
    });
}
