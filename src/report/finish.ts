/**
 * The end of the night, after the last item settled: the morning report, the pull request (push the
 * integration branch and open it, or record the exact commands), the report rewritten with the pull
 * request in it, and the end-of-night notification (notifyNightEnd).
 *
 * The runner's NightDeps call `writeReport` = writeMorningReport, then `finishPullRequest` =
 * (root, id) => finishSessionPullRequest(root, id, config); `finishNight` does both in one call.
 */
import type { OvernightConfig } from '../config/schema.js';
import { sessionFiles } from '../session/paths.js';
import { writeTextAtomic } from '../util/atomic-write.js';
import { nightEndOf, notifyNightEnd, sessionEventsLog, type NotifyLog } from './notify.js';
import { finishPullRequest, type PullRequestResult } from './pull-request.js';
import { renderReportMarkdown } from './render.js';
import { loadSessionData, readSavedReport } from './session-data.js';
import type { MorningReport } from './types.js';
import { computeMorningReport, writeMorningReport } from './write.js';

/**
 * The pull-request step of a finished night: takes the report in report.json (or computes it),
 * pushes and opens the pull request (finishPullRequest), records a `pull-request` event, rewrites
 * morning-report.md and report.json with the pull request in them, and sends the notifications.
 * Returns the pull request result; the caller stores it as state.pullRequest (state.json is the
 * runner's file). Never throws for a failed push, gh call or notification; throws OvernightError
 * when the session's files cannot be read.
 */
export async function finishSessionPullRequest(
  repoRoot: string,
  sessionId: string,
  config: Pick<OvernightConfig, 'pull_request' | 'notifications'>,
  log: NotifyLog = sessionEventsLog(repoRoot, sessionId),
): Promise<PullRequestResult & { report: MorningReport }> {
  const files = sessionFiles(repoRoot, sessionId);
  const { manifest, state, events } = await loadSessionData(repoRoot, sessionId);
  const report = (await readSavedReport(repoRoot, sessionId)) ?? (await computeMorningReport(repoRoot, sessionId));
  const pr = await finishPullRequest(repoRoot, manifest, report, config, { markdown: renderReportMarkdown(report) });
  await log('pull-request', { url: pr.url, note: pr.note, commands: pr.commands });
  report.pullRequest = { url: pr.url, commands: pr.commands, note: pr.note };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  await writeTextAtomic(files.reportJson, json);
  await writeTextAtomic(files.reportMd, renderReportMarkdown(report));
  // The night's end notification (notifyNightEnd announces each end once, so a runner that also
  // calls it for this end sends nothing twice).
  await notifyNightEnd(repoRoot, sessionId, nightEndOf(state, events) ?? { kind: 'complete' }, { config, log });
  return { ...pr, report };
}

/**
 * Writes the morning report, then runs the pull-request step (finishSessionPullRequest).
 * Returns the report (with `pullRequest`), its paths and the pull request result.
 */
export async function finishNight(
  repoRoot: string,
  sessionId: string,
  config: Pick<OvernightConfig, 'pull_request' | 'notifications'>,
  log?: NotifyLog,
): Promise<{ report: MorningReport; mdPath: string; jsonPath: string; pullRequest: PullRequestResult }> {
  const { mdPath, jsonPath } = await writeMorningReport(repoRoot, sessionId);
  const { report, ...pullRequest } = await finishSessionPullRequest(repoRoot, sessionId, config, log);
  return { report, mdPath, jsonPath, pullRequest };
}
