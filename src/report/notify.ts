/**
 * Notifications at the end of the night (config `notifications`): a `command` target runs in a
 * shell with the morning report's path in $OVERNIGHT_REPORT and report.json on stdin; a `webhook`
 * target receives report.json in a POST. A failure is logged as an event and never stops anything.
 */
import { execa } from 'execa';
import type { OvernightConfig } from '../config/schema.js';

/** Longest a notification may take, ms. */
export const NOTIFY_TIMEOUT_MS = 30_000;

export interface NotifyOutcome {
  target: string;
  ok: boolean;
  /** Exit code or HTTP status, and the first line of any error. */
  detail: string;
}

/** How a notification's outcome is recorded: (event type, data), e.g. appended to events.jsonl. */
export type NotifyLog = (type: string, data: Record<string, unknown>) => void | Promise<void>;

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 300);
}

/**
 * Sends every configured notification, one after another, and returns their outcomes.
 * - reportMdPath: morning-report.md (given to commands as OVERNIGHT_REPORT);
 * - reportJson: report.json's text (stdin of commands, body of webhooks);
 * - log: called with `notify-sent` or `notify-failed` for each target.
 * Never throws; each target is bounded by `timeoutMs` (default NOTIFY_TIMEOUT_MS).
 */
export async function sendNotifications(
  targets: OvernightConfig['notifications'],
  reportMdPath: string,
  reportJson: string,
  log: NotifyLog,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<NotifyOutcome[]> {
  const timeout = options.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  const outcomes: NotifyOutcome[] = [];
  for (const t of targets) {
    let outcome: NotifyOutcome;
    if (t.type === 'command') {
      try {
        const r = await execa(t.command, {
          shell: true,
          cwd: options.cwd,
          input: reportJson,
          env: { OVERNIGHT_REPORT: reportMdPath },
          timeout,
          reject: false,
        });
        outcome = r.exitCode === 0
          ? { target: t.command, ok: true, detail: 'exit 0' }
          : { target: t.command, ok: false, detail: r.timedOut ? `timed out after ${timeout} ms` : `exit ${r.exitCode ?? '?'}: ${firstLine(String(r.stderr || r.stdout || r.message))}` };
      } catch (error) {
        outcome = { target: t.command, ok: false, detail: firstLine((error as Error).message) };
      }
    } else {
      try {
        const res = await fetch(t.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'overnight' },
          body: reportJson,
          signal: AbortSignal.timeout(timeout),
        });
        outcome = { target: t.url, ok: res.ok, detail: `HTTP ${res.status}` };
      } catch (error) {
        outcome = { target: t.url, ok: false, detail: firstLine((error as Error).message) };
      }
    }
    outcomes.push(outcome);
    try {
      await log(outcome.ok ? 'notify-sent' : 'notify-failed', { target: outcome.target, detail: outcome.detail });
    } catch {
      /* logging must not turn a notification problem into a fatal one */
    }
  }
  return outcomes;
}
