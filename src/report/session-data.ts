/**
 * Reading a session's files for the report and for status: which session (`--session ID` or
 * `.overnight/latest`), its manifest, state and events, validated with the shared schemas.
 */
import { readSessionView } from '../session/added.js';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sessionFiles } from '../session/paths.js';
import { latestSessionId, resolveSessionId as resolveNamedSession } from '../session/find.js';
import { type SessionEvent, type SessionManifest, type SessionState } from '../session/state.js';
import { readEvents, readState } from '../session/store.js';
import type { MorningReport } from './types.js';

/** The message of every command that needs a session when there is none. */
export const NO_SESSION_MESSAGE =
  'No overnight session in this repository. Start one with /overnight (or `overnight prepare` then `overnight launch`).';

export interface SessionData {
  sessionId: string;
  manifest: SessionManifest;
  state: SessionState;
  events: SessionEvent[];
}

/**
 * The session to show: `requested` when given (it must exist), else the latest session
 * (`.overnight/latest`, else the newest folder: src/session/find.ts). Returns undefined when the
 * repository has no session at all. Throws OvernightError `session.not-found` when `requested`
 * names no session.
 */
export async function resolveSessionId(repoRoot: string, requested?: string): Promise<string | undefined> {
  if (requested) return resolveNamedSession(repoRoot, requested);
  return latestSessionId(repoRoot);
}

/**
 * Reads session.json and state.json of one session (validated, with session/store's readers) and
 * its events.jsonl (session/store's readEvents: validated, torn lines skipped, no events yet is an empty list).
 * Throws OvernightError `session.missing-file`, `session.corrupt` or `session.invalid` (naming the
 * file and the field) when the manifest or the state cannot be read or does not match its schema.
 */
export async function loadSessionData(repoRoot: string, sessionId: string): Promise<SessionData> {
  const manifest = readSessionView(repoRoot, sessionId);
  const state = readState(repoRoot, sessionId);
  const events = readEvents(repoRoot, sessionId);
  return { sessionId, manifest, state, events };
}

/**
 * The morning report saved in the session's report.json, or undefined when there is none, it is
 * not JSON, or it is not a whole report of this session (another `sessionId`, no `summary`).
 */
export async function readSavedReport(repoRoot: string, sessionId: string): Promise<MorningReport | undefined> {
  try {
    const report = JSON.parse(await readTextOrEmpty(sessionFiles(repoRoot, sessionId).reportJson)) as MorningReport;
    return report?.sessionId === sessionId && report.summary ? report : undefined;
  } catch {
    return undefined;
  }
}

/** Text of a file, or '' when it does not exist. */
export async function readTextOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/** Files of one item's folder (`features/<slug>/`), relative to the session folder, sorted. */
export async function listFeatureFiles(sessionFolder: string, slug: string): Promise<string[]> {
  try {
    return (await readdir(join(sessionFolder, 'features', slug))).sort().map((f) => `features/${slug}/${f}`);
  } catch {
    return [];
  }
}
