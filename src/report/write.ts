/**
 * Writing the morning report of a session: gathers the facts (session files, audit.jsonl,
 * deferred/, git), builds the report and writes morning-report.md and report.json atomically.
 * The runner calls it at the end of the night; `overnight report` calls it on demand.
 */
import { join } from 'node:path';
import { writeTextAtomic } from '../util/atomic-write.js';
import { loadConfig } from '../config/load.js';
import { defaultConfig, type OvernightConfig } from '../config/schema.js';
import { pendingPullRequest } from './pull-request.js';
import { sessionFiles } from '../session/paths.js';
import { summarizeAudit } from './audit.js';
import { buildReport, tailLines } from './build.js';
import { readDeferredQuestions } from './deferred.js';
import { collectGitFacts } from './git-facts.js';
import { renderReportMarkdown } from './render.js';
import { listFeatureFiles, loadSessionData, readSavedReport, readTextOrEmpty } from './session-data.js';
import type { ItemArtifacts, MorningReport } from './types.js';
import { readRatchetOrNone } from '../ratchet/store.js';

/** The number N of a `verify-N.log` path, or -1. */
function verifyNumber(path: string): number {
  const m = /verify-(\d+)\.log$/.exec(path);
  return m ? Number(m[1]) : -1;
}

/**
 * Builds the report of session `sessionId` in the repository at `repoRoot` from what is on disk
 * and in git now, without writing anything. Throws OvernightError when the session's files are
 * missing or invalid.
 */
export async function computeMorningReport(repoRoot: string, sessionId: string, now = new Date()): Promise<MorningReport> {
  const files = sessionFiles(repoRoot, sessionId);
  const { manifest, state, events } = await loadSessionData(repoRoot, sessionId);
  const [git, auditText, deferred] = await Promise.all([
    collectGitFacts(repoRoot, manifest, state),
    readTextOrEmpty(files.audit),
    readDeferredQuestions(files.deferred),
  ]);
  const artifacts: Record<string, ItemArtifacts> = {};
  for (const item of manifest.items) {
    const list = await listFeatureFiles(files.dir, item.slug);
    const newestVerify = list.filter((f) => verifyNumber(f) >= 0).sort((a, b) => verifyNumber(a) - verifyNumber(b)).pop();
    const log = newestVerify ? tailLines(await readTextOrEmpty(join(files.dir, newestVerify)), 200, 50_000) : undefined;
    artifacts[item.slug] = {
      files: list,
      verifyLog: log && log.trim() !== '' ? log : undefined,
      verifyAttempt: newestVerify ? verifyNumber(newestVerify) : undefined,
    };
  }
  const report = buildReport(manifest, state, events, git, summarizeAudit(auditText), deferred, { now, artifacts, ratchet: readRatchetOrNone(files.checksBaseline) });
  // The pull request is recorded in state.json by the runner; until it is, keep the one an earlier
  // report.json holds (finishNight writes it there first).
  if (!report.pullRequest) report.pullRequest = await previousPullRequest(repoRoot, sessionId);
  if (!report.pullRequest) {
    let config: Pick<OvernightConfig, 'pull_request'>;
    try {
      config = await loadConfig(repoRoot);
    } catch {
      config = defaultConfig();
    }
    report.pullRequest = pendingPullRequest(manifest, report, config, files.reportMd);
  }
  return report;
}

/** The pull request a saved report.json holds (an opened or recorded one, not a pending one). */
async function previousPullRequest(repoRoot: string, sessionId: string): Promise<MorningReport['pullRequest']> {
  const pr = (await readSavedReport(repoRoot, sessionId))?.pullRequest;
  return pr && Array.isArray(pr.commands) && !pr.pending ? pr : undefined;
}

/**
 * Writes `morning-report.md` and `report.json` into the session folder (each atomically: temp file
 * and rename) and returns their paths and the report. Throws OvernightError when the session's
 * files are missing or invalid; nothing is written then.
 */
export async function writeMorningReport(
  repoRoot: string,
  sessionId: string,
): Promise<{ mdPath: string; jsonPath: string; report: MorningReport }> {
  const files = sessionFiles(repoRoot, sessionId);
  const report = await computeMorningReport(repoRoot, sessionId);
  await writeTextAtomic(files.reportJson, `${JSON.stringify(report, null, 2)}\n`);
  await writeTextAtomic(files.reportMd, renderReportMarkdown(report));
  return { mdPath: files.reportMd, jsonPath: files.reportJson, report };
}
