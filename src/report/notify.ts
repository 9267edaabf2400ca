/**
 * Notifications (config `notifications`, issue 10): at every end of the night (complete, stopped
 * early, stopped by the time limit, abandoned, paused for a usage limit) and, per target with
 * `on_item_failure: true`, when an item finally fails. Formats are in notify-formats.ts, the brief
 * in notify-brief.ts. A notification that fails is recorded as an event and retried once; nothing
 * here ever throws or stops the night.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadConfig } from '../config/load.js';
import type { NotificationTarget, OvernightConfig } from '../config/schema.js';
import { sessionFiles } from '../session/paths.js';
import type { SessionEvent, SessionState } from '../session/state.js';
import { appendEventFile, readEvents } from '../session/store.js';
import { itemFailureBrief, nightBrief, type NightEnd } from './notify-brief.js';
import { buildDelivery, NotifyConfigError, targetLabel, type Delivery, type NotifyMessage } from './notify-formats.js';
import { renderReportMarkdown } from './render.js';
import { readSavedReport } from './session-data.js';
import type { MorningReport } from './types.js';
import { computeMorningReport } from './write.js';

export type { NightEnd, NightEndKind } from './notify-brief.js';

/** Longest one notification attempt may take, ms. */
export const NOTIFY_TIMEOUT_MS = 30_000;
/** Wait before the one retry of a failed notification, ms (OVERNIGHT_NOTIFY_RETRY_MS overrides it, for tests). */
export const NOTIFY_RETRY_DELAY_MS = 5_000;

function defaultRetryDelay(): number {
  const v = Number(process.env.OVERNIGHT_NOTIFY_RETRY_MS);
  return Number.isFinite(v) && v >= 0 && process.env.OVERNIGHT_NOTIFY_RETRY_MS !== '' && process.env.OVERNIGHT_NOTIFY_RETRY_MS !== undefined ? v : NOTIFY_RETRY_DELAY_MS;
}

export interface NotifyOutcome {
  /** The target's label (type and host or variable name; never a secret). */
  target: string;
  ok: boolean;
  /** Attempts made: 1, or 2 after a retry. */
  attempts: number;
  /** Exit code or HTTP status, or the first line of the error. */
  detail: string;
}

/** How a notification's outcome is recorded: (event type, data), e.g. appended to events.jsonl. */
export type NotifyLog = (type: string, data: Record<string, unknown>) => void | Promise<void>;

export interface NotifyOptions {
  /** Where `url_env` and `token_env` are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Working folder of command targets (the repository root). */
  cwd?: string;
  /** Per attempt, ms; default NOTIFY_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Before the retry, ms; default NOTIFY_RETRY_DELAY_MS. */
  retryDelayMs?: number;
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 300);
}

/** Runs one delivery once. Returns ok and a detail (exit code, HTTP status, or the error's first line); never throws. */
async function deliverOnce(d: Delivery, cwd: string | undefined, timeout: number): Promise<{ ok: boolean; detail: string }> {
  try {
    if (d.kind === 'command') {
      const r = await execa(d.command, { shell: true, cwd, input: d.input, env: d.env, timeout, reject: false });
      if (r.exitCode === 0) return { ok: true, detail: 'exit 0' };
      return { ok: false, detail: r.timedOut ? `timed out after ${timeout} ms` : `exit ${r.exitCode ?? '?'}: ${firstLine(String(r.stderr || r.stdout || r.message))}` };
    }
    const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(timeout) });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.ok, detail: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, detail: firstLine((error as Error).message) };
  }
}

async function safeLog(log: NotifyLog, type: string, data: Record<string, unknown>): Promise<void> {
  try {
    await log(type, data);
  } catch {
    /* logging must not turn a notification problem into a fatal one */
  }
}

/** Sends `msg` to one target: one attempt, and one retry after `retryDelayMs` when it failed. */
async function sendToTarget(t: NotificationTarget, index: number, msg: NotifyMessage, log: NotifyLog, options: NotifyOptions): Promise<NotifyOutcome> {
  const target = targetLabel(t, index);
  const timeout = options.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  let delivery: Delivery;
  try {
    delivery = buildDelivery(t, msg, options.env ?? process.env);
  } catch (error) {
    // A missing environment variable will still be missing a moment later: no retry.
    const detail = error instanceof NotifyConfigError ? error.message : firstLine((error as Error).message);
    await safeLog(log, 'notify-failed', { target, event: msg.event, attempt: 1, final: true, detail });
    return { target, ok: false, attempts: 1, detail };
  }
  let result = { ok: false, detail: '' };
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (attempt === 2) await new Promise((r) => setTimeout(r, options.retryDelayMs ?? defaultRetryDelay()));
    result = await deliverOnce(delivery, options.cwd, timeout);
    await safeLog(log, result.ok ? 'notify-sent' : 'notify-failed', { target, event: msg.event, attempt, ...(result.ok ? {} : { final: attempt === 2 }), detail: result.detail });
    if (result.ok) return { target, ok: true, attempts: attempt, detail: result.detail };
  }
  return { target, ok: false, attempts: 2, detail: result.detail };
}

/**
 * Sends `msg` to every target at once (each retried once on failure) and returns their outcomes in
 * the targets' order. Each attempt is recorded through `log` as `notify-sent` or `notify-failed`
 * ({ target, event, attempt, final, detail }). Never throws.
 */
export async function sendNotifications(
  targets: readonly NotificationTarget[],
  msg: NotifyMessage,
  log: NotifyLog,
  options: NotifyOptions = {},
): Promise<NotifyOutcome[]> {
  return Promise.all(targets.map((t, i) => sendToTarget(t, i, msg, log, options)));
}

/** Appends events to the session's events.jsonl (the default NotifyLog). */
export function sessionEventsLog(repoRoot: string, sessionId: string): NotifyLog {
  const file = sessionFiles(repoRoot, sessionId).events;
  return (type, data) => {
    appendEventFile(file, type, data);
  };
}

/**
 * The report to notify about and a morning-report.md path for it: the session's own files when
 * report.json exists, else a report computed now (nothing in the session folder is written; the
 * markdown goes to a temporary folder that `cleanup` removes).
 */
async function reportForNotification(repoRoot: string, sessionId: string, preferSaved: boolean): Promise<{ report: MorningReport; json: string; mdPath: string; cleanup: () => Promise<void> }> {
  const files = sessionFiles(repoRoot, sessionId);
  const saved = preferSaved && existsSync(files.reportMd) ? await readSavedReport(repoRoot, sessionId) : undefined;
  if (saved) return { report: saved, json: `${JSON.stringify(saved, null, 2)}\n`, mdPath: files.reportMd, cleanup: async () => {} };
  const report = await computeMorningReport(repoRoot, sessionId);
  const dir = await mkdtemp(join(tmpdir(), 'overnight-notify-'));
  const mdPath = join(dir, 'morning-report.md');
  await writeFile(mdPath, renderReportMarkdown(report));
  return { report, json: `${JSON.stringify(report, null, 2)}\n`, mdPath, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function targetsOf(repoRoot: string, config: Pick<OvernightConfig, 'notifications'> | undefined, log: NotifyLog): Promise<NotificationTarget[]> {
  if (config) return config.notifications;
  try {
    return (await loadConfig(repoRoot)).notifications;
  } catch (error) {
    await safeLog(log, 'notify-failed', { target: 'overnight.config.yaml', detail: firstLine((error as Error).message) });
    return [];
  }
}

/**
 * The kind of end a session's files show: `paused` (with its reset time), `abandoned`, `stopped`
 * (with state.stopReason), `time-limit` (a complete night whose events have `deadline_reached`),
 * else `complete`. Returns undefined while the night runs.
 */
export function nightEndOf(state: Pick<SessionState, 'phase' | 'stopReason' | 'pausedUntil' | 'pausedReason'>, events: readonly SessionEvent[]): NightEnd | undefined {
  switch (state.phase) {
    case 'paused':
      return { kind: 'paused', reason: state.pausedReason, resumeAt: state.pausedUntil };
    case 'abandoned':
      return { kind: 'abandoned', reason: state.stopReason };
    case 'stopped':
      return { kind: 'stopped', reason: state.stopReason };
    case 'complete':
      return events.some((e) => e.type === 'deadline_reached') ? { kind: 'time-limit', reason: 'the time limit was reached' } : { kind: 'complete' };
    default:
      return undefined;
  }
}

/** The key that makes each end announced once: its kind and the moment it names. */
function endKey(end: NightEnd, report: MorningReport): string {
  return `${end.kind}@${end.kind === 'paused' ? (end.resumeAt ?? '') : (report.endedAt ?? '')}`;
}

/**
 * The one function the runner calls at every end of the night: sends the night's brief to every
 * configured target (ntfy, slack, webhook, command) and records each attempt in events.jsonl.
 * - end: { kind: 'complete' | 'stopped' | 'time-limit' | 'abandoned' | 'paused', reason?, resumeAt? (ISO, for paused) }.
 * - options.config: the loaded config (default: read overnight.config.yaml; an invalid one is recorded, nothing sent).
 * - options.log: where outcomes go (default: the session's events.jsonl).
 * The same end (kind and time) is announced once: a second call for it sends nothing and returns [].
 * Uses report.json when the runner wrote one, else computes the report without writing to the
 * session folder. Never throws; returns each target's outcome.
 */
export async function notifyNightEnd(
  repoRoot: string,
  sessionId: string,
  end: NightEnd,
  options: NotifyOptions & { config?: Pick<OvernightConfig, 'notifications'>; log?: NotifyLog } = {},
): Promise<NotifyOutcome[]> {
  const log = options.log ?? sessionEventsLog(repoRoot, sessionId);
  const targets = await targetsOf(repoRoot, options.config, log);
  if (targets.length === 0) return [];
  let source: Awaited<ReturnType<typeof reportForNotification>>;
  try {
    source = await reportForNotification(repoRoot, sessionId, end.kind !== 'paused');
  } catch (error) {
    await safeLog(log, 'notify-failed', { target: 'morning report', event: 'night-end', detail: firstLine((error as Error).message) });
    return [];
  }
  try {
    const key = endKey(end, source.report);
    let seen = false;
    try {
      seen = readEvents(repoRoot, sessionId).some((e) => e.type === 'notify-night-end' && e.key === key);
    } catch {
      /* no readable events: send */
    }
    if (seen) return [];
    await safeLog(log, 'notify-night-end', { key, end: end.kind });
    const msg: NotifyMessage = { event: 'night-end', sessionId, end, brief: nightBrief(source.report, end), reportJson: source.json, reportMdPath: source.mdPath };
    return await sendNotifications(targets, msg, log, { cwd: repoRoot, ...options });
  } finally {
    await source.cleanup().catch(() => undefined);
  }
}

/**
 * Called when item `slug` finally failed: sends its failure brief to the targets that set
 * `on_item_failure: true`. Same options and guarantees as notifyNightEnd; never throws.
 */
export async function notifyItemFailed(
  repoRoot: string,
  sessionId: string,
  slug: string,
  options: NotifyOptions & { config?: Pick<OvernightConfig, 'notifications'>; log?: NotifyLog } = {},
): Promise<NotifyOutcome[]> {
  const log = options.log ?? sessionEventsLog(repoRoot, sessionId);
  const targets = (await targetsOf(repoRoot, options.config, log)).filter((t) => t.on_item_failure);
  if (targets.length === 0) return [];
  let source: Awaited<ReturnType<typeof reportForNotification>>;
  try {
    source = await reportForNotification(repoRoot, sessionId, false);
  } catch (error) {
    await safeLog(log, 'notify-failed', { target: 'morning report', event: 'item-failed', detail: firstLine((error as Error).message) });
    return [];
  }
  try {
    const brief = itemFailureBrief(source.report, slug);
    const msg: NotifyMessage = { event: 'item-failed', sessionId, item: slug, brief, reportJson: source.json, reportMdPath: source.mdPath };
    return await sendNotifications(targets, msg, log, { cwd: repoRoot, ...options });
  } catch (error) {
    await safeLog(log, 'notify-failed', { target: 'item brief', event: 'item-failed', detail: firstLine((error as Error).message) });
    return [];
  } finally {
    await source.cleanup().catch(() => undefined);
  }
}
