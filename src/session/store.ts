/**
 * Reading and writing one session's files (DESIGN.md, "A session on disk"):
 * - session.json (the manifest) is written once at launch and only read afterwards;
 * - state.json is rewritten atomically (write-file-atomic via src/util/atomic-write.ts: temp file + fsync + rename) and
 *   validated with zod on every read, so a reader never sees half a file;
 * - events.jsonl is append-only, one JSON object a line, each with an ISO `ts`.
 *
 * Inside one process, concurrent updates of state.json (several items finishing at once) go
 * through a per-file serial queue (`updateState`, src/util/serial-queue.ts), so no update is lost
 * between read and write.
 * Across processes only one runner writes a session at a time (the lock, src/session/lock.ts);
 * `overnight abandon` and `resume` write only when no live runner holds it.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { writeTextAtomic } from '../util/atomic-write.js';
import { keyedSerialQueue } from '../util/serial-queue.js';
import { OvernightError } from '../util/errors.js';
import { sessionFiles } from './paths.js';
import { readTextIfExists } from '../util/read-optional.js';
import {
  eventSchema,
  manifestSchema,
  sessionStateSchema,
  type SessionEvent,
  type SessionManifest,
  type SessionState,
} from './state.js';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OvernightError('session.missing-file', `Cannot read the session's ${what}: ${file}`, {
      file,
      fix: 'Check the session id (`overnight status` lists the latest session), or launch a new session with `overnight launch`.',
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OvernightError('session.corrupt', `The session's ${what} is not valid JSON: ${file}`, {
      file,
      fix: 'Restore it from a backup, or abandon the session with `overnight abandon` and launch a new one.',
      cause: error,
    });
  }
}

function validate<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, value: unknown, file: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue ? issue.path.map(String).join('.') : undefined;
  throw new OvernightError('session.invalid', `The session's ${what} does not match its schema: ${issue?.message ?? 'invalid'}`, {
    file,
    field,
    fix: 'The file was edited or written by another version of overnight; abandon the session with `overnight abandon` and launch a new one.',
  });
}

/** Reads and validates `session.json`. Throws OvernightError (`session.missing-file`, `session.corrupt`, `session.invalid`). */
export function readManifest(repoRoot: string, sessionId: string): SessionManifest {
  const file = sessionFiles(repoRoot, sessionId).manifest;
  return validate(manifestSchema, readJson(file, 'manifest (session.json)'), file, 'manifest (session.json)');
}

/** Reads and validates `state.json` (zod: defaults filled in). Throws like readManifest. */
export function readState(repoRoot: string, sessionId: string): SessionState {
  const file = sessionFiles(repoRoot, sessionId).state;
  return validate(sessionStateSchema, readJson(file, 'state (state.json)'), file, 'state (state.json)');
}

/** Validates `state` and writes it atomically to `file` (temp file + rename), stamping `updatedAt`. */
export async function writeStateFile(file: string, state: SessionState): Promise<SessionState> {
  const next = sessionStateSchema.parse({ ...state, updatedAt: new Date().toISOString() });
  await writeTextAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

/** Writes a whole state.json atomically (see writeStateFile). */
export async function writeState(repoRoot: string, sessionId: string, state: SessionState): Promise<SessionState> {
  return writeStateFile(sessionFiles(repoRoot, sessionId).state, state);
}

const stateQueue = keyedSerialQueue();

/**
 * Read-modify-write of state.json, serialised per file inside this process: `mutate` receives the
 * current state (a fresh copy, validated) and returns the next one (or mutates and returns void).
 * Resolves to the state as written.
 */
export function updateState(
  repoRoot: string,
  sessionId: string,
  mutate: (state: SessionState) => SessionState | void,
): Promise<SessionState> {
  const file = sessionFiles(repoRoot, sessionId).state;
  return stateQueue(file, async () => {
    const current = readState(repoRoot, sessionId);
    const next = mutate(current) ?? current;
    return writeStateFile(file, next);
  });
}

/** Appends one event line (`{ ts, type, slug?, ...data }`) to `file`. Synchronous so lines never interleave. */
export function appendEventFile(file: string, type: string, data: Record<string, unknown> = {}): SessionEvent {
  const event: SessionEvent = { ts: new Date().toISOString(), type, ...data };
  appendFileSync(file, `${JSON.stringify(event)}\n`);
  return event;
}

/** Appends one event to the session's events.jsonl. */
export function appendEvent(repoRoot: string, sessionId: string, type: string, data: Record<string, unknown> = {}): SessionEvent {
  return appendEventFile(sessionFiles(repoRoot, sessionId).events, type, data);
}

/**
 * Parses events.jsonl text into events, each validated with `eventSchema` (src/session/state.ts).
 * Blank lines and lines that are not a valid event are skipped: the runner may be writing the last
 * line right now, and a crash can leave it torn. Never throws.
 */
export function parseEvents(text: string): SessionEvent[] {
  const events: SessionEvent[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      const parsed = eventSchema.safeParse(JSON.parse(trimmed));
      if (parsed.success) events.push(parsed.data);
    } catch {
      /* a torn last line */
    }
  }
  return events;
}

/** Reads and parses one events.jsonl file (parseEvents); a file that does not exist (yet) is an empty list. */
export function readEventsFile(file: string): SessionEvent[] {
  const text = readTextIfExists(file);
  if (text === undefined) return [];
  return parseEvents(text);
}

/** Reads every event of a session's events.jsonl (readEventsFile: validated, torn lines skipped, none yet = []). */
export function readEvents(repoRoot: string, sessionId: string): SessionEvent[] {
  return readEventsFile(sessionFiles(repoRoot, sessionId).events);
}
