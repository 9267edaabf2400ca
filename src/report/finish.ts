/**
 * The end of the night, after the last item settled: write the morning report, push the
 * integration branch and open the pull request (or record the commands), rewrite the report with
 * the pull request in it, and send the notifications. The runner calls `finishNight` once.
 */
import { appendFileSync } from 'node:fs';
import type { OvernightConfig } from '../config/schema.js';
import { sessionFiles } from '../session/paths.js';
import { writeTextAtomic } from './atomic.js';
import { sendNotifications, type NotifyLog } from './notify.js';
import { finishPullRequest, type PullRequestResult } from './pull-request.js';
import { renderReportMarkdown } from './render.js';
import { loadSessionData } from './session-data.js';
import type { MorningReport } from './types.js';
import { writeMorningReport } from './write.js';

/**
 * Finishes a session's night. Returns the report (with `pullRequest` filled in), the paths and the
 * pull request result; the caller stores `pullRequest` in state.json (its own file).
 * `log` records `pull-request` and notification events; by default it appends to events.jsonl.
 * Throws OvernightError only when the session's files cannot be read; a failed push, gh call or
 * notification is recorded, never thrown.
 */
export async function finishNight(
  repoRoot: string,
  sessionId: string,
  config: Pick<OvernightConfig, 'pull_request' | 'notifications'>,
  log?: NotifyLog,
): Promise<{ report: MorningReport; mdPath: string; jsonPath: string; pullRequest: PullRequestResult }> {
  const files = sessionFiles(repoRoot, sessionId);
  const record: NotifyLog =
    log ?? ((type, data) => appendFileSync(files.events, `${JSON.stringify({ ts: new Date().toISOString(), type, ...data })}\n`));
  const { report, mdPath, jsonPath } = await writeMorningReport(repoRoot, sessionId);
  const { manifest } = await loadSessionData(repoRoot, sessionId);
  const pullRequest = await finishPullRequest(repoRoot, manifest, report, config, { markdown: renderReportMarkdown(report) });
  await record('pull-request', { url: pullRequest.url, note: pullRequest.note, commands: pullRequest.commands });
  report.pullRequest = { url: pullRequest.url, commands: pullRequest.commands, note: pullRequest.note };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  await writeTextAtomic(jsonPath, json);
  await writeTextAtomic(mdPath, renderReportMarkdown(report));
  await sendNotifications(config.notifications, mdPath, json, record, { cwd: repoRoot });
  return { report, mdPath, jsonPath, pullRequest };
}
