/**
 * The status view of a session read from disk (the I/O beside src/report/status.ts, which is pure):
 * shared by `overnight status`, the skill context and the dashboard, so all three show the same.
 * Read-only.
 */
import { readSessionView } from '../session/added.js';
import { existsSync } from 'node:fs';
import { readSavedReport, resolveSessionId } from './session-data.js';
import { readStatusEvents } from './status-events.js';
import { buildStatus, type StatusView } from './status.js';
import { isPidAlive } from '../session/lock.js';
import { sessionFiles } from '../session/paths.js';
import { readRatchetOrNone } from '../ratchet/store.js';
import { readState } from '../session/store.js';

/**
 * Reads the facts and builds the status view of session `requested` (default: the latest) of the
 * repository at `repoRoot`, or undefined when there is none. Throws what readManifest/readState
 * throw for an unreadable or invalid session.json/state.json (OvernightError naming the file).
 */
export async function loadStatus(repoRoot: string, requested?: string): Promise<StatusView | undefined> {
  const id = await resolveSessionId(repoRoot, requested);
  if (!id) return undefined;
  const manifest = readSessionView(repoRoot, id);
  const state = readState(repoRoot, id);
  const files = sessionFiles(repoRoot, id);
  // Only the events the view uses, found without parsing the whole log (a night writes thousands).
  const events = readStatusEvents(files.events, manifest.items.map((i) => i.slug));
  const over = state.phase === 'complete' || state.phase === 'abandoned' || state.phase === 'stopped';
  // A night that ended has a saved report; computing one (git facts) is the rare fallback, loaded only then.
  const report = over ? ((await readSavedReport(repoRoot, id)) ?? (await (await import('./write.js')).computeMorningReport(repoRoot, id))) : undefined;
  return buildStatus(manifest, state, events, {
    now: Date.now(),
    runnerAlive: state.runnerPid !== undefined && isPidAlive(state.runnerPid),
    report,
    reportPath: existsSync(files.reportMd) ? files.reportMd : undefined,
    ratchet: readRatchetOrNone(files.checksBaseline),
  });
}
