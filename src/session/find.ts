/** Finding sessions on disk: the latest one, a named one, the active one. */
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { OvernightError } from '../util/errors.js';
import { latestLink, sessionDir, sessionFiles, sessionsDir } from './paths.js';
import { readState } from './store.js';
import type { SessionState } from './state.js';

/** Phases in which a session is over: it neither runs nor can block a new launch. */
export const FINISHED_PHASES = ['complete', 'abandoned'] as const;

/** Ids of every session folder (not temp folders), oldest first (ids sort by time). */
export function listSessionIds(repoRoot: string): string[] {
  const dir = sessionsDir(repoRoot);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(sessionFiles(repoRoot, d.name).state))
    .map((d) => d.name)
    .sort();
}

/** The id `.overnight/latest` points at, or the newest session folder, or undefined. */
export function latestSessionId(repoRoot: string): string | undefined {
  for (const read of [() => readlinkSync(latestLink(repoRoot)), () => readFileSync(latestLink(repoRoot), 'utf8').trim()]) {
    try {
      const target = basename(read());
      if (target && existsSync(sessionFiles(repoRoot, target).state)) return target;
      break;
    } catch {
      /* not a link (or no file): try the next form */
    }
  }
  return listSessionIds(repoRoot).at(-1);
}

/**
 * Resolves `--session ID` (or the latest session when omitted) to an existing session id.
 * Throws OvernightError `session.not-found` with the fix.
 */
export function resolveSessionId(repoRoot: string, id?: string): string {
  if (id) {
    if (!/^[A-Za-z0-9._-]+$/.test(id) || !existsSync(sessionFiles(repoRoot, id).state)) {
      throw new OvernightError('session.not-found', `No session '${id}' in ${sessionsDir(repoRoot)}.`, {
        field: '--session',
        fix: `Use one of: ${listSessionIds(repoRoot).join(', ') || '(none: run `overnight launch` first)'}.`,
      });
    }
    return id;
  }
  const latest = latestSessionId(repoRoot);
  if (!latest) {
    throw new OvernightError('session.none', 'There is no overnight session in this repository.', {
      fix: 'Plan one with `overnight prepare`, then create it with `overnight launch`.',
    });
  }
  return latest;
}

/** Sessions whose phase is not complete or abandoned, with their state (oldest first). */
export function activeSessions(repoRoot: string): Array<{ id: string; state: SessionState }> {
  const out: Array<{ id: string; state: SessionState }> = [];
  for (const id of listSessionIds(repoRoot)) {
    try {
      const state = readState(repoRoot, id);
      if (!(FINISHED_PHASES as readonly string[]).includes(state.phase)) out.push({ id, state });
    } catch {
      /* an unreadable session cannot be resumed either; it does not block */
    }
  }
  return out;
}

export { sessionDir };
