/**
 * The dashboard's event stream (GET /api/events): follows the session folder and writes
 * server-sent events through Hono's SSE helper. Read-only.
 *
 *   event: hello          once, on connect ({ sessionId })
 *   event: session-event  one per new line of events.jsonl; id = the byte offset after it
 *   event: state          state.json changed
 *   event: session        the followed session changed (a newer night was launched)
 *   event: ping           every 15 s, so proxies and browsers keep the connection
 */
import { stat } from 'node:fs/promises';
import type { SSEStreamingApi } from 'hono/streaming';
import { sessionFiles } from '../session/paths.js';
import { currentSessionId } from './data.js';
import { fileSize, readNewEvents } from './tail.js';

export interface FollowOptions {
  repoRoot: string;
  /** Follow this session; default the latest one. */
  sessionId?: string;
  /** Aborted on shutdown: the stream ends. */
  shutdown: AbortSignal;
  /** How often the files are looked at, ms. */
  pollMs: number;
}

const PING_MS = 15_000;

async function mtimeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/** Where a stream stands in the followed session's files. */
interface Cursor {
  sessionId?: string;
  /** Byte offset in events.jsonl up to which events were sent. */
  offset: number;
  stateMtime: number;
}

/** The cursor of a new connection: after `lastEventId` when the client sends one, else at the end (only new events). */
async function startCursor(opts: FollowOptions, lastEventId: string | undefined): Promise<Cursor> {
  const sessionId = await currentSessionId(opts.repoRoot, opts.sessionId);
  if (!sessionId) return { offset: 0, stateMtime: 0 };
  const files = sessionFiles(opts.repoRoot, sessionId);
  const resume = Number(lastEventId);
  const offset = lastEventId !== undefined && Number.isInteger(resume) && resume >= 0 ? resume : await fileSize(files.events);
  return { sessionId, offset, stateMtime: await mtimeOf(files.state) };
}

/** One look at the files: writes what changed since `cur` and returns the new cursor. */
async function step(stream: SSEStreamingApi, opts: FollowOptions, cur: Cursor): Promise<Cursor> {
  const now = await currentSessionId(opts.repoRoot, opts.sessionId);
  if (now !== cur.sessionId) {
    cur = { sessionId: now, offset: 0, stateMtime: 0 };
    await stream.writeSSE({ event: 'session', data: JSON.stringify({ sessionId: now ?? null }) });
  }
  if (!cur.sessionId) return cur;
  const files = sessionFiles(opts.repoRoot, cur.sessionId);
  const { events, next } = await readNewEvents(files.events, cur.offset);
  for (const e of events) await stream.writeSSE({ event: 'session-event', id: String(e.offset), data: JSON.stringify(e.event) });
  const m = await mtimeOf(files.state);
  if (m !== cur.stateMtime) await stream.writeSSE({ event: 'state', data: JSON.stringify({ sessionId: cur.sessionId }) });
  return { ...cur, offset: next, stateMtime: m };
}

/**
 * Writes the session's changes to `stream` until the client goes away or `opts.shutdown` aborts.
 * `lastEventId`: the client's Last-Event-ID header (a byte offset), to resume without a gap.
 */
export async function followSession(stream: SSEStreamingApi, opts: FollowOptions, lastEventId: string | undefined): Promise<void> {
  const done = new AbortController();
  const end = () => done.abort();
  opts.shutdown.addEventListener('abort', end, { once: true });
  stream.onAbort(end);
  try {
    let cur = await startCursor(opts, lastEventId);
    await stream.writeSSE({ event: 'hello', data: JSON.stringify({ sessionId: cur.sessionId ?? null }), retry: 2000 });
    let sincePing = 0;
    while (!done.signal.aborted) {
      await wait(opts.pollMs, done.signal);
      if (done.signal.aborted) break;
      cur = await step(stream, opts, cur);
      sincePing += opts.pollMs;
      if (sincePing >= PING_MS) {
        sincePing = 0;
        await stream.writeSSE({ event: 'ping', data: '{}' });
      }
    }
  } finally {
    opts.shutdown.removeEventListener('abort', end);
  }
}
