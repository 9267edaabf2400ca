/**
 * The status view of a session read from disk (the I/O beside src/report/status.ts, which is pure):
 * shared by `overnight status`, the skill context and the dashboard, so all three show the same.
 */
import { existsSync } from 'node:fs';
import { isPidAlive } from '../session/lock.js';
import { sessionFiles } from '../session/paths.js';
import { loadSessionData, readSavedReport, resolveSessionId } from './session-data.js';
import { buildStatus, type StatusView } from './status.js';
import { computeMorningReport } from './write.js';

/**
 * Reads the facts and builds the status view of session `requested` (default: the latest), or
 * undefined when the repository has no session. After the night the view carries the report
 * (report.json, else computed). Throws OvernightError when the session's files cannot be read
 * (session-data.ts) or `requested` names no session.
 */
export async function loadStatus(repoRoot: string, requested?: string): Promise<StatusView | undefined> {
  const id = await resolveSessionId(repoRoot, requested);
  if (!id) return undefined;
  const { manifest, state, events } = await loadSessionData(repoRoot, id);
  const files = sessionFiles(repoRoot, id);
  const over = state.phase === 'complete' || state.phase === 'abandoned' || state.phase === 'stopped';
  const report = over ? ((await readSavedReport(repoRoot, id)) ?? (await computeMorningReport(repoRoot, id))) : undefined;
  return buildStatus(manifest, state, events, {
    now: Date.now(),
    runnerAlive: state.runnerPid !== undefined && isPidAlive(state.runnerPid),
    report,
    reportPath: existsSync(files.reportMd) ? files.reportMd : undefined,
  });
}
