/**
 * Reading a session's files for the report and for status: which session (`--session ID` or
 * `.overnight/latest`), its manifest, state and events, validated with the shared schemas.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OvernightError } from '../util/errors.js';
import { sessionFiles } from '../session/paths.js';
import { latestSessionId, resolveSessionId as resolveNamedSession } from '../session/find.js';
import {
  eventSchema,
  manifestSchema,
  sessionStateSchema,
  type SessionEvent,
  type SessionManifest,
  type SessionState,
} from '../session/state.js';

/** The message of every command that needs a session when there is none. */
export const NO_SESSION_MESSAGE =
  'No overnight session in this repository. Start one with /overnight (or `overnight prepare` then `overnight launch`).';

export interface SessionData {
  sessionId: string;
  manifest: SessionManifest;
  state: SessionState;
  events: SessionEvent[];
  /** False when state.json did not exist yet and `state` was made from the manifest. */
  hasState: boolean;
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

/** Parses events.jsonl text; lines that are not valid events (a torn last line) are skipped. */
export function parseEvents(text: string): SessionEvent[] {
  const out: SessionEvent[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    try {
      const parsed = eventSchema.safeParse(JSON.parse(t));
      if (parsed.success) out.push(parsed.data);
    } catch {
      /* a line being written right now */
    }
  }
  return out;
}

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new OvernightError('session.unreadable', `Cannot read the session's ${what}: ${(error as Error).message}`, {
      file: path,
      fix: 'Check that the session folder is intact; `overnight abandon` ends a broken session.',
      cause: error,
    });
  }
}

/** A state for a session whose runner has not written state.json yet: every item pending. */
export function initialState(manifest: SessionManifest): SessionState {
  return {
    version: 1,
    sessionId: manifest.id,
    phase: 'launched',
    items: Object.fromEntries(manifest.items.map((i) => [i.slug, { slug: i.slug, status: 'pending' as const, attempts: [], commits: [] }])),
    updatedAt: manifest.created,
  };
}

/**
 * Reads session.json, state.json (when present) and events.jsonl of one session, validated.
 * Throws OvernightError `session.invalid` naming the file and the field when one does not match
 * its schema.
 */
export async function loadSessionData(repoRoot: string, sessionId: string): Promise<SessionData> {
  const files = sessionFiles(repoRoot, sessionId);
  const m = manifestSchema.safeParse(await readJson(files.manifest, 'manifest'));
  if (!m.success) {
    const issue = m.error.issues[0];
    throw new OvernightError('session.invalid', `session.json does not match its schema: ${issue?.message}`, {
      file: files.manifest,
      field: issue?.path.join('.'),
      fix: 'The manifest is written once at launch; `overnight abandon` ends a broken session.',
    });
  }
  let state: SessionState;
  let hasState = true;
  let stateText: string | undefined;
  try {
    stateText = await readFile(files.state, 'utf8');
  } catch {
    hasState = false;
  }
  if (stateText === undefined) state = initialState(m.data);
  else {
    let raw: unknown;
    try {
      raw = JSON.parse(stateText);
    } catch (error) {
      throw new OvernightError('session.invalid', `state.json is not JSON: ${(error as Error).message}`, { file: files.state, cause: error });
    }
    const s = sessionStateSchema.safeParse(raw);
    if (!s.success) {
      const issue = s.error.issues[0];
      throw new OvernightError('session.invalid', `state.json does not match its schema: ${issue?.message}`, {
        file: files.state,
        field: issue?.path.join('.'),
        fix: 'state.json is written only by the runner; `overnight resume` rewrites it.',
      });
    }
    state = s.data;
  }
  let events: SessionEvent[] = [];
  try {
    events = parseEvents(await readFile(files.events, 'utf8'));
  } catch {
    /* no events yet */
  }
  return { sessionId, manifest: m.data, state, events, hasState };
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
